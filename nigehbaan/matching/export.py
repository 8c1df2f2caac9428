"""New material: items a reviewer categorised that no list holds, exported as a list.

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


def export_new_material(session: Session, actor: Actor, fmt: str, stream: TextIO,
                        reference: str = "") -> int:
    """Write the new material in `fmt` (csv or vics); each item's export is in its custody."""
    try:
        writer = get_format(fmt)
    except ValueError as error:
        raise Invalid(f"format: {error}") from None
    if not writer.writable:
        raise Invalid(f"format: {fmt} lists cannot be written (use csv or vics)")
    items = new_material(session, actor, reference)
    count = writer.write(items, stream)
    for item in items:
        custody.record(session, actor, custody.CustodyAction.EXPORTED, item.sha256 or "",
                       item.source or "", detail={"as": f"new material ({writer.name})"})
    audit.record(session, actor, "matching.export_new", "case" if reference else "unit",
                 reference.upper(), detail={"items": count, "format": writer.name})
    return count
