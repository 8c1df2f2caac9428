"""Merging a staged import into a list's entries with set-based SQL: a version's delta.

Row-by-row ORM work would cost minutes and gigabytes for a national list; these statements let
the database compare a million staged rows with a million entries through its indexes. The
delta is: withdrawn (live entries the new version lacks), changed (live entries whose category,
series or media id differ: updated in place with the old values kept in an event) and added
(staged hashes no live entry holds: new rows, also for a hash that was withdrawn before).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    Select,
    Table,
    and_,
    bindparam,
    delete,
    exists,
    false,
    func,
    insert,
    literal,
    literal_column,
    select,
    true,
    update,
)
from sqlalchemy.orm import Session, aliased

from nigehbaan.matching.models import HashEntry, HashEntryEvent, HashImportRow

_KEPT = ("category_raw", "category", "series", "media_id")
"""What makes an entry "changed" when it differs between versions."""
BATCH = 5000


@dataclass
class Delta:
    added: int = 0
    changed: int = 0
    withdrawn: int = 0


def _same_key(entry: type[HashEntry] | Any, row: Any) -> Any:
    """A victims' list may hold one hash twice, reported in two cases: the case is in the key."""
    return and_(entry.hash_type == row.hash_type, entry.value == row.value,
                entry.case_id.is_not_distinct_from(row.case_id))


def drop_repeats(session: Session, version_id: int) -> None:
    """Keep the first staged row of each hash: duplicates are reported, not merged twice."""
    first = (select(func.min(HashImportRow.id)).where(HashImportRow.version_id == version_id)
             .group_by(HashImportRow.hash_type, HashImportRow.value, HashImportRow.case_id))
    session.execute(delete(HashImportRow).where(HashImportRow.version_id == version_id,
                                                HashImportRow.id.not_in(first)))


def merge(session: Session, list_id: int, version_id: int, *, full: bool) -> Delta:
    """Apply staged rows of `version_id` to the list; `full=False` never withdraws (a delta)."""
    delta = Delta()
    staged = select(HashImportRow).where(HashImportRow.version_id == version_id).subquery()
    live = and_(HashEntry.list_id == list_id, HashEntry.withdrawn == false())
    listed = exists().where(_same_key(HashEntry, staged.c))
    if full:
        session.execute(update(HashEntry).where(live, ~listed).values(
            withdrawn=True, withdrawn_version_id=version_id).execution_options(
            synchronize_session=False))
        delta.withdrawn = _count(session, HashEntry.withdrawn_version_id == version_id)
        _events(session, version_id, "withdrawn", HashEntry.withdrawn_version_id == version_id)
    delta.changed = _changed(session, list_id, version_id)
    session.execute(update(HashEntry).where(live, listed).values(
        last_version_id=version_id).execution_options(synchronize_session=False))
    delta.added = _added(session, list_id, version_id)
    session.execute(delete(HashImportRow).where(HashImportRow.version_id == version_id))
    return delta


def _changed(session: Session, list_id: int, version_id: int) -> int:
    """Entries whose kept fields differ; read in batches, updated with one executemany each."""
    row = aliased(HashImportRow)
    differs = [getattr(HashEntry, f).is_distinct_from(getattr(row, f)) for f in _KEPT]
    query = (select(HashEntry.id, *[getattr(HashEntry, f) for f in _KEPT],
                    *[getattr(row, f) for f in _KEPT], row.quality, row.extra)
             .join(row, and_(_same_key(HashEntry, row), row.version_id == version_id))
             .where(HashEntry.list_id == list_id, HashEntry.withdrawn == false(),
                    differs[0] | differs[1] | differs[2] | differs[3])
             .order_by(HashEntry.id))
    found = session.execute(query).all()
    width = len(_KEPT)
    for start in range(0, len(found), BATCH):
        chunk = found[start:start + BATCH]
        table = cast(Table, HashEntry.__table__)
        session.execute(update(table).where(table.c.id == bindparam("entry")).values(
            **{f: bindparam(f"new_{f}") for f in _KEPT}, quality=bindparam("new_quality"),
            extra=bindparam("new_extra")), [
            {"entry": r[0], **{f"new_{f}": r[1 + width + i] for i, f in enumerate(_KEPT)},
             "new_quality": r[1 + 2 * width], "new_extra": r[2 + 2 * width]} for r in chunk])
        session.execute(insert(HashEntryEvent), [
            {"entry_id": r[0], "version_id": version_id, "action": "changed",
             "previous": {f: r[1 + i] for i, f in enumerate(_KEPT)}} for r in chunk])
    return len(found)


def _added(session: Session, list_id: int, version_id: int) -> int:
    held = exists().where(HashEntry.list_id == list_id, HashEntry.withdrawn == false(),
                          _same_key(HashEntry, HashImportRow))
    columns = ("list_id", "hash_type", "value", "category_raw", "category", "series",
               "media_id", "quality", "case_id", "extra", "first_version_id",
               "last_version_id", "withdrawn")
    source: Select[Any] = select(
        literal(list_id), HashImportRow.hash_type, HashImportRow.value,
        HashImportRow.category_raw, HashImportRow.category, HashImportRow.series,
        HashImportRow.media_id, HashImportRow.quality, HashImportRow.case_id,
        HashImportRow.extra, literal(version_id), literal(version_id), false(),
    ).where(HashImportRow.version_id == version_id, ~held).order_by(HashImportRow.id)
    session.execute(insert(HashEntry).from_select(columns, source))
    _events(session, version_id, "added", HashEntry.first_version_id == version_id)
    return _count(session, HashEntry.first_version_id == version_id)


def _count(session: Session, which: Any) -> int:
    """Counted, not taken from `rowcount`: drivers do not all report it for INSERT … SELECT."""
    return int(session.execute(select(func.count(HashEntry.id)).where(which)).scalar_one())


def _events(session: Session, version_id: int, action: str, which: Any) -> None:
    source: Select[Any, Any, Any, Any] = select(HashEntry.id, literal(version_id), literal(action),
                    literal_column("'{}'")).where(which, true())
    session.execute(insert(HashEntryEvent).from_select(
        ("entry_id", "version_id", "action", "previous"), source))
