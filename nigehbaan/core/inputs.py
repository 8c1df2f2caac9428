"""What every request body shares, whichever capability it is for.

PostgreSQL text cannot hold a NUL character and SQLite keeps one silently, so a NUL anywhere in
a body is refused at the schema on both, naming the field, instead of one database failing with
a 500 and the other storing it. Dates are held in UTC: one that cannot be converted (year 1 with
a positive offset) is refused the same way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, field_validator

from nigehbaan.core.clock import as_utc
from nigehbaan.core.columns import holds_nul


def refuse_nul(value: object) -> object:
    if holds_nul(value):
        raise ValueError("contains a NUL (0x00) character")
    return value


class TextIn(BaseModel):
    """A request body whose strings, wherever they are, hold no NUL character."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        return refuse_nul(value)


class StrictIn(TextIn):
    """A form-like body: unknown fields refused, surrounding whitespace dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def in_utc(value: datetime) -> datetime:
    try:
        return as_utc(value)
    except OverflowError:
        raise ValueError("lies outside the range of dates that can be held") from None


Moment = Annotated[datetime, AfterValidator(in_utc)]
"""A date and time that converts to UTC (a naive one is UTC)."""
