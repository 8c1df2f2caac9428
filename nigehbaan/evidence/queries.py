"""Reading the vault's records, with the case register's need-to-know applied."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

from nigehbaan.cases.access import load_case, visible_clause
from nigehbaan.cases.models import Case
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.db import in_chunks
from nigehbaan.core.errors import Forbidden, NotFound
from nigehbaan.core.roles import Permission
from nigehbaan.evidence import custody
from nigehbaan.evidence.models import CaseItem, EvidenceFrame, EvidenceItem, EvidencePreview
from nigehbaan.evidence.views import CustodyView, FindingView, ItemView


def get_item(session: Session, sha256: str) -> EvidenceItem:
    item = session.execute(select(EvidenceItem).where(
        EvidenceItem.sha256 == sha256.strip().lower())).scalar_one_or_none()
    if item is None:
        raise NotFound(f"no evidence item with SHA-256 {sha256}")
    return item


def _views(session: Session, actor: Actor, items: Sequence[EvidenceItem]) -> list[ItemView]:
    """Views of many items in two queries per `IN_CHUNK` of them: a whole case's items (its
    list with no limit) as one IN list would pass PostgreSQL's 65,535 parameters. An item's
    findings all come in its own chunk, so each keeps the order by case and path. Findings
    are read as plain columns: as `CaseItem` objects each loaded its item again (a join)."""
    rows: list[Row[Any]] = []
    frames: dict[int, int] = {}
    for chunk in in_chunks([item.id for item in items]):
        rows += session.execute(
            select(CaseItem.item_id, CaseItem.source, CaseItem.path, CaseItem.acquired_at,
                   CaseItem.acquired_by, CaseItem.reviewed, CaseItem.reviewed_by,
                   CaseItem.category, Case.reference, visible_clause(actor).label("visible"))
            .join(Case, Case.id == CaseItem.case_id).where(CaseItem.item_id.in_(chunk))
            .order_by(Case.reference, CaseItem.path))
        frames.update((item_id, count) for item_id, count in session.execute(
            select(EvidenceFrame.item_id, func.count(EvidenceFrame.id))
            .where(EvidenceFrame.item_id.in_(chunk)).group_by(EvidenceFrame.item_id)))
    findings: dict[int, list[FindingView]] = defaultdict(list)
    hidden: dict[int, set[str]] = defaultdict(set)
    for link in rows:
        if not link.visible:
            hidden[link.item_id].add(link.reference)
            continue
        findings[link.item_id].append(FindingView(
            case=link.reference, source=link.source, path=link.path,
            acquired_at=link.acquired_at, acquired_by=link.acquired_by, reviewed=link.reviewed,
            reviewed_by=link.reviewed_by, category=link.category))
    return [ItemView(sha256=item.sha256, sha1=item.sha1, md5=item.md5, size=item.size,
                     mime=item.mime, kind=item.kind, pdq=item.pdq, pdq_quality=item.pdq_quality,
                     perceptual=item.perceptual, perceptual_reason=item.perceptual_reason,
                     duration=item.duration, frames=frames.get(item.id, 0),
                     metadata=item.metadata_, findings=findings[item.id],
                     other_cases=len(hidden[item.id])) for item in items]


def load_item(session: Session, actor: Actor, sha256: str) -> tuple[EvidenceItem, ItemView]:
    """The item if the actor may see a case holding it: the content is evidence of that case."""
    actor.require(Permission.CASE_READ)
    item = get_item(session, sha256)
    view = _views(session, actor, [item])[0]
    if not view.findings:
        raise Forbidden(f"item {item.sha256[:12]}… is in no case assigned to you or your unit")
    return item, view


def item_detail(session: Session, actor: Actor, sha256: str) -> ItemView:
    _item, view = load_item(session, actor, sha256)
    audit.record(session, actor, "evidence.read", "item", view.sha256)
    return view


def held_by(case_id: int) -> Select[int]:
    return select(CaseItem.item_id).where(CaseItem.case_id == case_id)


def case_items(session: Session, actor: Actor, reference: str, *, start: int = 0,
               limit: int | None = None) -> list[ItemView]:
    """A case's items by SHA-256; `limit` of them from the `start`-th, or all of them."""
    return case_items_page(session, actor, reference, start, limit)[0]


def case_items_page(session: Session, actor: Actor, reference: str, start: int,
                    limit: int | None) -> tuple[list[ItemView], int]:
    """`case_items`, and how many items the case holds in all (the case read once)."""
    case = load_case(session, actor, reference)
    items = session.execute(select(EvidenceItem).where(EvidenceItem.id.in_(held_by(case.id)))
                            .order_by(EvidenceItem.sha256).offset(start).limit(limit)
                            ).scalars().all()
    total = session.scalar(select(func.count()).select_from(  # an item held twice is one
        held_by(case.id).distinct().subquery())) or 0
    views = _views(session, actor, items)
    audit.record(session, actor, "evidence.list", "case", case.reference,
                 detail={"items": len(views), "start": start})
    return views, total


def preview(session: Session, actor: Actor, sha256: str) -> bytes | None:
    """The blurred preview: safe to show by default, still audited."""
    item, _view = load_item(session, actor, sha256)
    row = session.get(EvidencePreview, item.id)
    audit.record(session, actor, "evidence.preview", "item", item.sha256)
    return row.jpeg if row else None


def custody_report(session: Session, actor: Actor, *, sha256: str = "",
                   reference: str = "") -> list[CustodyView]:
    if reference:
        case = load_case(session, actor, reference)
        held = select(EvidenceItem.sha256).where(EvidenceItem.id.in_(held_by(case.id)))
        events = custody.history(session, case_ref=case.reference, items=held)
        subject = case.reference
    else:
        item, _view = load_item(session, actor, sha256)
        events = custody.history(session, sha256=item.sha256)
        subject = item.sha256
    audit.record(session, actor, "custody.read", "custody", subject,
                 detail={"events": len(events)})
    return [CustodyView.model_validate(event, from_attributes=True) for event in events]
