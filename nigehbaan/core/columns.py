"""Text read from evidence, made storable in the column that holds it.

A form limits what a person types, but a seized export can hold a name, an id or a title of any
length, and U+0000 anywhere. PostgreSQL refuses both (a value longer than its column, a NUL in
any text or JSON), SQLite takes both, so such an import would stop half-way on one database and
not the other. The exact bytes stay in the vault's copy of the export. The column gets a cut
that says it was cut and stays distinct from other cuts (keys under a unique constraint never
collide), and U+FFFD where the NUL was.
"""

from __future__ import annotations

import hashlib
from functools import cache
from itertools import repeat
from typing import Any

from sqlalchemy import String

from nigehbaan.core.db import Base

_MARK = "…~"
_DIGEST = 12


def clipped(text: str, length: int, *, tail: int = 0) -> str:
    """`text` if it fits, else its start, a mark and a digest of the whole, `length` long;
    `tail` keeps that many of its last characters too (a path's file name)."""
    if len(text) <= length:
        return text
    kept = length - len(_MARK) - _DIGEST - tail
    if kept < 0:
        return text[:length]
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:_DIGEST]
    return text[:kept] + _MARK + digest + (text[-tail:] if tail else "")


@cache
def lengths(table: type[Base]) -> dict[str, int]:
    """The table's bounded text columns and their lengths."""
    return {column.key: column.type.length for column in table.__table__.columns
            if isinstance(column.type, String) and column.type.length}  # fmt: skip


def holds_nul(value: object) -> bool:
    """Whether a string, or any string inside a list or mapping, holds a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(key) or holds_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(holds_nul(item) for item in value)
    return False


def without_nul(value: Any) -> Any:
    """`value` with U+0000 replaced, looking inside lists and dicts (JSON columns)."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    if isinstance(value, list):
        return [without_nul(item) for item in value]
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    return value


def fit(table: type[Base], column: str, value: str) -> str:
    return clipped(without_nul(value), lengths(table)[column])


def fit_rows(table: type[Base], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Makes, in place, every value of `rows` storable (see the module); returns `rows`.

    Checked a column at a time: an import passes every message here, and a column of plain
    texts (or numbers, times, None) is cleared by a few C-level passes (`_plain`); only a
    column that holds a NUL, an over-long text or a list or mapping is walked value by value.
    """
    bounded = lengths(table)
    for name in set().union(*rows):
        length = bounded.get(name)
        if _plain(list(map(dict.get, rows, repeat(name))), length):
            continue
        for row in rows:
            if name in row:
                row[name] = _fit_value(row[name], length)
    return rows


def _plain(values: list[Any], length: int | None) -> bool:
    """Whether a column's values need nothing done: no text, list or mapping among them, or
    only exact `str`s (and None) without a NUL and within `length`."""
    kinds = set(map(type, values))
    if not any(issubclass(kind, str | list | dict) for kind in kinds):
        return True
    if not kinds <= {str, type(None)}:
        return False
    texts = list(filter(None, values))
    if "\x00" in "".join(texts):
        return False
    return length is None or max(map(len, texts), default=0) <= length


def _fit_value(value: Any, length: int | None) -> Any:
    if isinstance(value, str):
        if "\x00" in value:
            value = without_nul(value)
        if length is not None and len(value) > length:
            value = clipped(value, length)
        return value
    if isinstance(value, list | dict) and holds_nul(value):
        return without_nul(value)
    return value
