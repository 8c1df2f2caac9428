"""What callers send to the case services: one shape for the API, the console and the CLI."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field

from nigehbaan.cases.channels import Channel, Priority
from nigehbaan.cases.identifiers import IdentifierKind
from nigehbaan.cases.lifecycle import Status
from nigehbaan.cases.person_roles import PersonRole
from nigehbaan.core.inputs import StrictIn, in_utc

EARLIEST_YEAR = 1990
"""The first year the register holds (its statistics start there too)."""


def _in_register(value: datetime) -> datetime:
    moment = in_utc(value)
    if moment.year < EARLIEST_YEAR:
        raise ValueError(f"lies before {EARLIEST_YEAR}, earlier than the register holds")
    return moment


ReceivedAt = Annotated[datetime, AfterValidator(_in_register)]
"""When a case came in: in UTC, and not before the register's first year."""


class IdentifierIn(StrictIn):
    kind: IdentifierKind
    value: str = Field(min_length=1, max_length=200)
    platform: str = Field(default="", max_length=40)


class PersonIn(StrictIn):
    role: PersonRole
    full_name: str = Field(default="", max_length=200)
    is_minor: bool = False
    country: str = Field(default="", max_length=2)
    notes: str = Field(default="", max_length=4000)
    identifiers: list[IdentifierIn] = Field(default_factory=list, max_length=50)


class CaseIn(StrictIn):
    title: str = Field(min_length=3, max_length=200)
    summary: str = Field(default="", max_length=20000)
    channel: Channel
    offences: list[str] = Field(default_factory=list, max_length=30)
    priority: Priority = Priority.NORMAL
    region: str = Field(default="", max_length=80)
    unit: str = Field(default="", max_length=64)
    received_at: ReceivedAt | None = None
    referring_agency: str = Field(default="", max_length=160)
    referring_country: str = Field(default="", max_length=2)
    referring_reference: str = Field(default="", max_length=80)
    safeguarding: bool = False
    persons: list[PersonIn] = Field(default_factory=list, max_length=200)


class MoveIn(StrictIn):
    to: Status
    reason: str = Field(min_length=1, max_length=4000)
    police_reference: str = Field(default="", max_length=80)
    merged_into: str = Field(default="", max_length=32)


class ApprovalIn(StrictIn):
    reason: str = Field(min_length=1, max_length=4000)


class AssignIn(StrictIn):
    username: str = Field(min_length=1, max_length=64)
