"""Our own media as hash lists: a case's items, and the new material no list holds.

A case's media export lets other tools (Griffeye, a partner's VICS importer) read what we hold,
with the categories our reviewers set.

What no list knows is what the national and international databases need from us, and the
items most likely to show a child still being abused. "No list holds" is decided afresh against
the current indexes (exact hashes and PDQ within each list's threshold), not from old runs;
victims' own hashes do not count as a list holding it.
"""

from __future__ import annotations

from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from nigehbaan.cases.access import load_case, visible_clause
from nigehbaan.cases.models import Case
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.errors import Invalid
from nigehbaan.core.roles import Permission
from nigehbaan.evidence import custody
from nigehbaan.evidence.models import CaseItem, EvidenceItem
from nigehbaan.matching.formats import ExportItem, get_format
from nigehbaan.matching.indexes import cache_for
from nigehbaan.matching.search import Options, Query, search_all


def new_material(session: Session, actor: Actor, reference: str = "") -> list[ExportItem]:
    actor.require(Permission.CASE_READ)
    query = (select(EvidenceItem, CaseItem.category, Case.reference)
             .join(CaseItem, CaseItem.item_id == EvidenceItem.id)
             .join(Case, Case.id == CaseItem.case_id)
             .where(CaseItem.reviewed.is_(True), CaseItem.category != "", visible_clause(actor))
             .order_by(EvidenceItem.id, Case.reference))
    if reference:
        query = query.where(Case.id == load_case(session, actor, reference).id)
    chosen: dict[int, tuple[EvidenceItem, str, str]] = {}
    for item, category, case_ref in session.execute(query).all():
        chosen.setdefault(item.id, (item, category, case_ref))
    queries = [Query(i.id, "image", i.md5, i.sha1, i.sha256, i.pdq, i.pdq_quality)
               for i, _c, _r in chosen.values()]
    cache = cache_for(session)
    with cache.lock:
        indexes = [i for i in cache.refresh(session).values() if i.kind != "victims"]
        held = {f.item_id for f in search_all(session, queries, indexes,
                                              Options(methods={"exact", "pdq"}))}
    return [ExportItem(media_id=str(item.id), md5=item.md5, sha1=item.sha1, sha256=item.sha256,
                       pdq=item.pdq if (item.pdq_quality or 0) >= 50 else None,
                       category=category, source=case_ref, size=item.size)
            for item, category, case_ref in chosen.values() if item.id not in held]


def case_media(session: Session, actor: Actor, reference: str) -> list[ExportItem]:
    """Every item of the case once, with the category a reviewer set (none if unreviewed)."""
    case = load_case(session, actor, reference)
    rows = session.execute(
        select(EvidenceItem, CaseItem.category, CaseItem.path)
        .join(CaseItem, CaseItem.item_id == EvidenceItem.id)
        .where(CaseItem.case_id == case.id).order_by(EvidenceItem.id, CaseItem.path)).all()
    chosen: dict[int, ExportItem] = {}
    for item, category, path in rows:
        chosen.setdefault(item.id, ExportItem(
            media_id=str(item.id), md5=item.md5, sha1=item.sha1, sha256=item.sha256,
            pdq=item.pdq if (item.pdq_quality or 0) >= 50 else None,
            category=category or None, source=case.reference, size=item.size,
            file_name=path.rsplit("/", 1)[-1]))
    return list(chosen.values())


def _write(session: Session, actor: Actor, fmt: str, stream: TextIO, items: list[ExportItem],
           what: str) -> int:
    """Write `items` in `fmt`; each item's export is a custody event."""
    try:
        writer = get_format(fmt)
    except ValueError as error:
        raise Invalid(f"format: {error}") from None
    if not writer.writable:
        raise Invalid(f"format: {fmt} lists cannot be written (use csv or vics)")
    count = writer.write(items, stream)
    for item in items:
        custody.record(session, actor, custody.CustodyAction.EXPORTED, item.sha256 or "",
                       item.source or "", detail={"as": f"{what} ({writer.name})"})
    return count


def export_new_material(session: Session, actor: Actor, fmt: str, stream: TextIO,
                        reference: str = "") -> int:
    """Write the new material in `fmt` (csv or vics)."""
    count = _write(session, actor, fmt, stream, new_material(session, actor, reference),
                   "new material")
    audit.record(session, actor, "matching.export_new", "case" if reference else "unit",
                 reference.upper(), detail={"items": count, "format": fmt.strip().lower()})
    return count


def export_case_media(session: Session, actor: Actor, fmt: str, stream: TextIO,
                      reference: str) -> int:
    """Write every item of the case in `fmt` (csv or vics)."""
    count = _write(session, actor, fmt, stream, case_media(session, actor, reference),
                   "case media list")
    audit.record(session, actor, "matching.export_case", "case", reference.upper(),
                 detail={"items": count, "format": fmt.strip().lower()})
    return count
