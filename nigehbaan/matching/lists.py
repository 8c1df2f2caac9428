"""Importing known-material lists as versions: streamed, all-or-nothing, with a delta report.

A file is read once, entry by entry, into a staging table in batches (bounded memory whatever
its size), then merged by SQL (see `merge`). It all happens in the caller's one transaction, so
a bad line anywhere, an unknown category or a repeated version leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.clock import as_utc, utcnow
from nigehbaan.core.columns import fit_rows, without_nul
from nigehbaan.core.errors import Conflict, Invalid, NotFound, shown
from nigehbaan.core.roles import Permission
from nigehbaan.matching import freshness, merge
from nigehbaan.matching.categories import CategoryMapping, load_scheme
from nigehbaan.matching.duplicates import DuplicateFinder
from nigehbaan.matching.entry import HashEntry as ListEntry
from nigehbaan.matching.formats import get_format
from nigehbaan.matching.models import HashEntry, HashImportRow, HashList, HashListVersion
from nigehbaan.matching.pdq_codes import DEFAULT_RADIUS

BATCH = 10_000
CATEGORY_LENGTH = 40


@dataclass
class ImportReport:
    hash_list: str
    version: str
    number: int
    format: str
    entries: int
    """Live entries of the list after this version."""
    read: int
    added: int
    changed: int
    withdrawn: int
    duplicates: int
    duplicate_lines: list[list[int]] = field(default_factory=list)
    """The first few repeated hashes, each as the lines it appears on."""
    skipped: int = 0
    seconds: float = 0.0
    version_id: int = 0
    cases_behind: int = 0
    """Cases holding evidence not matched since this version came (`freshness`)."""


@dataclass(frozen=True)
class ListOptions:
    name: str
    format: str = ""
    version: str = ""
    scheme: str = ""
    source: str = ""
    threshold: int | None = None
    mapping: dict[str, str] | None = None
    target_scheme: str = ""


def file_sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def get_list(session: Session, name: str) -> HashList:
    found = session.execute(select(HashList).where(HashList.name == name.strip())).scalar()
    if found is None:
        raise NotFound(f"no hash list named {name!r}")
    return found


def _category_mapping(hash_list: HashList) -> CategoryMapping | None:
    if not hash_list.scheme:
        return None
    source = load_scheme(hash_list.scheme)
    target = load_scheme(hash_list.target_scheme or hash_list.scheme)
    table = hash_list.mapping or {c.code: c.code for c in source.categories}
    return CategoryMapping(target, table)


def _open_list(session: Session, actor: Actor, options: ListOptions, kind: str) -> HashList:
    name = options.name.strip()
    if not name or len(name) > 120:
        raise Invalid("--name: give the list a name of 1 to 120 characters")
    if options.threshold is not None and not 0 <= options.threshold <= DEFAULT_RADIUS:
        raise Invalid(f"threshold: a PDQ distance of 0 to {DEFAULT_RADIUS}")
    hash_list = session.execute(select(HashList).where(HashList.name == name)).scalar()
    if hash_list is None:
        hash_list = HashList(name=name, kind=kind, source=options.source.strip(),
                             scheme=options.scheme, target_scheme=options.target_scheme,
                             mapping=options.mapping or {}, created_by=actor.username,
                             pdq_threshold=options.threshold or DEFAULT_RADIUS)
        session.add(hash_list)
    elif options.scheme and options.scheme != hash_list.scheme:
        raise Invalid(f"--scheme: list {name!r} uses scheme {hash_list.scheme or '(none)'!r}")
    else:
        if options.threshold is not None:
            hash_list.pdq_threshold = options.threshold
        if options.source:
            hash_list.source = options.source.strip()
        if options.mapping is not None:
            hash_list.mapping = options.mapping
    try:
        _category_mapping(hash_list)
    except ValueError as error:
        raise Invalid(f"--scheme: {error}") from None
    session.flush()
    return hash_list


def _new_version(session: Session, actor: Actor, hash_list: HashList, label: str,
                 digest: str, fmt: str) -> HashListVersion:
    versions = session.execute(select(HashListVersion).where(
        HashListVersion.list_id == hash_list.id)).scalars().all()
    for old in versions:
        if old.label == label:
            raise Conflict(f"list {hash_list.name!r} already has version {label!r} (imported "
                           f"{old.imported_at:%Y-%m-%d} by {old.imported_by}): give a new "
                           "--version")
        if digest and old.file_sha256 == digest:
            raise Conflict(f"this file was already imported into {hash_list.name!r} as "
                           f"version {old.label!r}")
    number = len(versions) + 1
    version = HashListVersion(list_id=hash_list.id, number=number, label=label or f"v{number}",
                              token=uuid.uuid4().hex, file_sha256=digest, file_format=fmt,
                              imported_by=actor.username, imported_at=utcnow())
    session.add(version)
    session.flush()
    return version


class _Stager:
    """Turns entries into staging rows, maps categories once per raw value, finds repeats."""

    def __init__(self, session: Session, version_id: int, mapping: CategoryMapping | None):
        self.session, self.version_id, self.mapping = session, version_id, mapping
        self.mapped: dict[str, str] = {}
        self.unknown: dict[str, str] = {}
        self.duplicates = DuplicateFinder()
        self.rows: list[dict[str, Any]] = []
        self.read = 0

    def add(self, entry: ListEntry, case_id: int | None = None) -> None:
        self.read += 1
        self.duplicates.add(entry)
        raw = without_nul((entry.category or "").strip()) or None
        if raw is not None and len(raw) > CATEGORY_LENGTH:
            raise Invalid(f"{entry.position}: category {shown(raw)} is too long")
        extra = dict(entry.extra)
        media_id = entry.media_id or _text(extra.pop("media_id", None))
        quality = _quality(extra.pop("quality", None), entry.position)
        if entry.source:
            extra["source"] = entry.source
        self.rows.append({
            "version_id": self.version_id, "hash_type": entry.hash_type.value,
            "value": entry.value, "category_raw": raw, "category": self._map(raw, entry),
            "series": entry.series, "media_id": media_id, "quality": quality,
            "case_id": case_id, "extra": extra})
        if len(self.rows) >= BATCH:
            self.flush()

    def _map(self, raw: str | None, entry: ListEntry) -> str | None:
        if raw is None:
            return None
        key = raw.upper()
        if key in self.mapped:
            return self.mapped[key]
        if self.mapping is None:
            self.unknown.setdefault(raw, entry.position)
            return None
        try:
            self.mapped[key] = self.mapping.map(raw).code  # type: ignore[union-attr]
        except Invalid:
            self.unknown.setdefault(raw, entry.position)
            return None
        return self.mapped[key]

    def flush(self) -> None:
        if self.rows:
            stage_rows(self.session, self.rows)
            self.rows = []

    def finish(self, hash_list: HashList) -> None:
        self.flush()
        if self.unknown:
            named = ", ".join(f"{raw!r} (first at {where})" for raw, where in
                              list(self.unknown.items())[:20])
            scheme = hash_list.scheme
            hint = (f"not in the mapping to {hash_list.target_scheme or scheme!r}" if scheme
                    else "but the list has no category scheme: give --scheme")
            raise Invalid(f"unknown categories {hint}: {named}")


_COLUMNS = ("version_id", "hash_type", "value", "category_raw", "category", "series",
            "media_id", "quality", "case_id", "extra")


def stage_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert staging rows with one executemany.

    On SQLite (the embedded default) through the driver's cursor, the JSON written as text as
    SQLAlchemy would: its per-row parameter processing would otherwise be most of an import's
    time. Elsewhere Core's executemany (never the ORM's per-object bookkeeping). A list's text
    is stored as any evidence text is (`core.columns.fit_rows`): U+0000 replaced, a series or
    media id longer than its column cut with a mark.
    """
    fit_rows(HashImportRow, rows)
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        connection.execute(insert(cast(Table, HashImportRow.__table__)), rows)
        return
    sql = (f"INSERT INTO {HashImportRow.__tablename__} ({', '.join(_COLUMNS)}) "
           f"VALUES ({', '.join('?' * len(_COLUMNS))})")
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, [tuple(json.dumps(r["extra"]) if c == "extra" else r[c]
                                       for c in _COLUMNS) for r in rows])
    finally:
        cursor.close()


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _quality(value: Any, position: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        quality = int(str(value))
    except ValueError:
        raise Invalid(f"{position}: quality {shown(value)} is not a number") from None
    if not 0 <= quality <= 100:
        raise Invalid(f"{position}: quality {quality} is outside 0..100")
    return quality


def stage_and_merge(session: Session, actor: Actor, hash_list: HashList,
                    entries: Iterable[tuple[ListEntry, int | None]], *, label: str,
                    digest: str, fmt: str, full: bool) -> ImportReport:
    """The core shared by file imports and the victims' sync: one new version of `hash_list`."""
    started = time.perf_counter()
    version = _new_version(session, actor, hash_list, label, digest, fmt)
    stager = _Stager(session, version.id, _category_mapping(hash_list))
    for entry, case_id in entries:
        stager.add(entry, case_id)
    stager.finish(hash_list)
    merge.drop_repeats(session, version.id)
    delta = merge.merge(session, hash_list.id, version.id, full=full)
    repeats = stager.duplicates.duplicates()
    live = session.execute(select(func.count()).select_from(
        select(HashEntry.id).where(HashEntry.list_id == hash_list.id,
                                   HashEntry.withdrawn.is_(False)).subquery()
    )).scalar_one()
    version.entries, version.added, version.changed = int(live), delta.added, delta.changed
    version.withdrawn, version.duplicates = delta.withdrawn, len(repeats)
    report = ImportReport(hash_list.name, version.label, version.number, fmt, version.entries,
                          stager.read, delta.added, delta.changed, delta.withdrawn,
                          len(repeats), [list(d.lines) for d in repeats[:10]])
    report.seconds, report.version_id = time.perf_counter() - started, version.id
    return report


def import_list(session: Session, actor: Actor, path: Path, options: ListOptions,
                kind: str = "list") -> ImportReport:
    """Import `path` as the next version of the named list (created on first import)."""
    actor.require(Permission.HASHLIST_ADMIN)
    try:
        reader = get_format(options.format)
    except ValueError as error:
        raise Invalid(f"--format: {error}") from None
    if not path.is_file():
        raise Invalid(f"FILE: {path} is not a readable file")
    if len(options.version) > 80:
        raise Invalid("--version: at most 80 characters")
    if reader.name == "vics" and not options.scheme:
        # VICS categories are always numbers (0 when absent): without a word from the unit
        # they are read in the common US profile, which the list's record then states.
        options = replace(options, scheme="vics-us")
    hash_list = _open_list(session, actor, options, kind)
    entries: Iterator[tuple[ListEntry, int | None]] = (
        (entry, None) for entry in reader.read_path(path))
    report = stage_and_merge(session, actor, hash_list, entries, label=options.version.strip(),
                             digest=file_sha256(path), fmt=reader.name, full=True)
    report.skipped = int(getattr(reader, "skipped", 0))
    version = session.get(HashListVersion, report.version_id)
    assert version is not None
    version.skipped = report.skipped
    report.cases_behind = freshness.cases_behind(session, as_utc(version.imported_at))
    audit.record(session, actor, "hashlist.import", "hashlist", hash_list.name, detail={
        "version": report.version, "format": reader.name, "read": report.read,
        "added": report.added, "changed": report.changed, "withdrawn": report.withdrawn,
        "duplicates": report.duplicates, "skipped": report.skipped})
    return report
