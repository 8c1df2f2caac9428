"""Victims' own hashes: the portal's hash-only reports as a list tied to each report's case.

The portal keeps the reported hashes (`intake.hashlist`); this module copies new ones into one
list of kind `victims` before each match run, incrementally (by the portal's row id), each entry
carrying its report's case. A match on such an entry is not just a categorisation: the report's
officers are notified, the cases are linked, and the portal is told so the reporter's status
page can say "material found" without any detail.

The provider is a function so that the portal stays the one owner of its tables; tests and
other intake channels can pass their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from nigehbaan.cases.models import Case
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.clock import utcnow
from nigehbaan.core.db import distinct_chunks, in_chunks
from nigehbaan.core.upsert import insert_ignore
from nigehbaan.evidence.models import EvidenceItem
from nigehbaan.matching.entry import HashEntry as ListEntry
from nigehbaan.matching.hashes import HashType
from nigehbaan.matching.lists import stage_and_merge
from nigehbaan.matching.models import HashEntry, HashList, HashMatch, MatchNotification
from nigehbaan.matching.video import MIN_QUALITY

LIST_NAME = "portal-reports"


@dataclass(frozen=True, slots=True)
class ReportedRow:
    """One reported hash: the provider's row id (increasing), the report's case, the hash."""

    row_id: int
    case_reference: str
    hash_type: HashType
    value: str
    quality: int | None = None


Provider = Callable[[Session, int], Iterable[ReportedRow]]
"""Rows with an id above the given one, in id order."""


def portal_rows(session: Session, since_id: int) -> Iterator[ReportedRow]:
    """The portal's hash-only reports (`intake.hashlist.reported_entries`)."""
    from nigehbaan.intake.hashlist import reported_entries

    for entry in reported_entries(session, since_id=since_id):
        ref = entry.case_reference
        yield ReportedRow(entry.entry_id, ref, HashType.SHA256, entry.sha256)
        yield ReportedRow(entry.entry_id, ref, HashType.MD5, entry.md5)
        if entry.quality is not None and entry.quality >= MIN_QUALITY:
            for pdq in {p for p in (entry.pdq, entry.pdq_displayed) if p}:
                yield ReportedRow(entry.entry_id, ref, HashType.PDQ, pdq, entry.quality)


def victims_list(session: Session) -> HashList:
    found = session.execute(select(HashList).where(HashList.name == LIST_NAME)).scalar()
    if found is None:
        found = HashList(name=LIST_NAME, kind="victims", source="public portal (hash-only "
                         "reports)", created_by="matching")
        session.add(found)
        session.flush()
    return found


def synced_to(session: Session) -> int:
    """The last reported hash's row id already copied into the victims' list."""
    return session.execute(select(HashList.synced_to).where(
        HashList.name == LIST_NAME)).scalar() or 0


def sync(session: Session, actor: Actor, provider: Provider = portal_rows) -> int:
    """Copy reported hashes not yet in the victims' list; a new version when there are any."""
    rows = list(provider(session, synced_to(session)))
    if not rows:
        return 0
    hash_list = victims_list(session)
    cases: dict[str, int] = {ref: i for ref, i in session.execute(select(Case.reference, Case.id)
                             .where(Case.reference.in_({r.case_reference for r in rows}))).all()}
    entries = ((ListEntry(r.hash_type, r.value, f"portal hash {r.row_id}",
                          extra={"reported_hash": r.row_id, "quality": r.quality}),
                cases.get(r.case_reference)) for r in rows)
    last = max(r.row_id for r in rows)
    stage_and_merge(session, actor, hash_list, entries, label=f"portal-{last}", digest="",
                    fmt="portal", full=False)
    hash_list.synced_to = last
    return len(rows)


def notify(session: Session, actor: Actor, found_case: Case, match_ids: list[int],
           mark_found: bool = True) -> int:
    """One notification per (report case, found item), audited; the portal is told once per
    reported file (a file's SHA-256 and MD5 both matching is one finding, not two)."""
    rows = [row for chunk in in_chunks(match_ids) for row in session.execute(
        select(HashMatch, HashEntry, EvidenceItem.sha256)
        .join(HashEntry, HashEntry.id == HashMatch.entry_id)
        .join(HashList, HashList.id == HashMatch.list_id)
        .join(EvidenceItem, EvidenceItem.id == HashMatch.item_id)
        .where(HashMatch.id.in_(chunk), HashList.kind == "victims",
               HashEntry.case_id.is_not(None)))]
    rows.sort(key=lambda row: row[0].id)
    known: set[tuple[int, int]] = {
        (c, i) for chunk in distinct_chunks(m.item_id for m, _e, _s in rows)
        for c, i in session.execute(
            select(MatchNotification.case_id, HashMatch.item_id)
            .join(HashMatch, HashMatch.id == MatchNotification.match_id)
            .where(HashMatch.item_id.in_(chunk)))}
    made = 0
    for match, entry, sha256 in rows:
        if entry.case_id is None or (entry.case_id, match.item_id) in known:
            continue
        known.add((entry.case_id, match.item_id))
        report_case = session.get(Case, entry.case_id)
        assert report_case is not None
        message = (f"Material a reporter sent as hashes in {report_case.reference} was found "
                   f"in case {found_case.reference} (item {sha256[:12]}…, {match.method}"
                   + (f", distance {match.distance}" if match.distance else "") + ").")
        insert_ignore(session, MatchNotification.__table__,  # type: ignore[arg-type]
                      {"case_id": entry.case_id, "match_id": match.id,
                       "found_case_id": found_case.id, "message": message,
                       "created_at": utcnow(), "read_by": ""})
        audit.record(session, actor, "matching.notify", "case", report_case.reference,
                     detail={"match": match.id, "found_in": found_case.reference})
        if mark_found and isinstance(entry.extra.get("reported_hash"), int):
            from nigehbaan.intake.hashlist import mark_found as portal_mark_found

            portal_mark_found(session, actor, entry.extra["reported_hash"],
                              source=f"{found_case.reference} item {sha256[:12]}")
        made += 1
    return made


def material_found(session: Session, case_reference: str) -> bool:
    """For the portal's status page: has any hash reported in this case been found? No detail."""
    found = session.execute(
        select(MatchNotification.id).join(Case, Case.id == MatchNotification.case_id)
        .where(Case.reference == case_reference.strip().upper()).limit(1)).first()
    return found is not None
