"""Text read from evidence, cut to the column that stores it.

A form limits what a person types, but a seized export can hold a name, an id or a title of any
length, and PostgreSQL refuses a value longer than its column (SQLite does not), which would
stop an import half-way on one machine and not the other. The full text stays in the record's
raw source; the column gets a cut that says it was cut and stays distinct from other cuts, so
keys under a unique constraint never collide.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any

from sqlalchemy import String

from nigehbaan.core.db import Base

_MARK = "…~"
_DIGEST = 12


def clipped(text: str, length: int) -> str:
    """`text` if it fits, else its start, a mark and a digest of the whole, `length` long."""
    if len(text) <= length:
        return text
    if length < len(_MARK) + _DIGEST:
        return text[:length]
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:_DIGEST]
    return text[: length - len(_MARK) - _DIGEST] + _MARK + digest


@cache
def lengths(table: type[Base]) -> dict[str, int]:
    """The table's bounded text columns and their lengths."""
    return {column.key: column.type.length for column in table.__table__.columns
            if isinstance(column.type, String) and column.type.length}  # fmt: skip


def fit(table: type[Base], column: str, value: str) -> str:
    return clipped(value, lengths(table)[column])


def fit_rows(table: type[Base], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cuts, in place, every value too long for its column; returns `rows`."""
    bounded = lengths(table)
    for row in rows:
        for name, length in bounded.items():
            value = row.get(name)
            if isinstance(value, str) and len(value) > length:
                row[name] = clipped(value, length)
    return rows
