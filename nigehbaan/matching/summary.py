"""A case's known-material figures for its case page: how much is in the vault, how much a list
knows (confirmed or not), what matching could not judge, what waits for a person, and which
other cases share material, so the officer sees at a glance whether the matching page needs them.

Every figure is of the one case the reader may see (`load_case`); other cases sharing material
come from `links.shared_cases`, which names another unit's case by reference only.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from nigehbaan.cases.access import load_case
from nigehbaan.core.actors import Actor
from nigehbaan.evidence.models import CaseItem, EvidenceItem
from nigehbaan.evidence.queries import held_by
from nigehbaan.matching.freshness import NewerVersion, last_run, newer_versions
from nigehbaan.matching.links import shared_cases
from nigehbaan.matching.models import (
    HashMatch,
    MatchConfirmation,
    MatchNotification,
    NotComparable,
)


class SharingCase(BaseModel):
    reference: str
    visible: bool
    """False for another unit's case: its reference is shown, not linked."""


class KnownSummary(BaseModel):
    items: int
    matched: int
    confirmed: int
    unconfirmed: int
    not_comparable: int
    queue: int
    """Pictures and videos no list matched and nobody reviewed yet (the review queue)."""
    unread: int
    shared: list[SharingCase]
    newer: list[NewerVersion]
    """List versions imported since the case's evidence was last matched (`freshness`)."""


def case_summary(session: Session, actor: Actor, reference: str) -> KnownSummary:
    case = load_case(session, actor, reference)
    held = held_by(case.id)

    def count(query: Select[Any]) -> int:
        return int(session.scalar(query) or 0)

    matched_ids = select(HashMatch.item_id).where(HashMatch.item_id.in_(held))
    matched = count(select(func.count(func.distinct(HashMatch.item_id)))
                    .where(HashMatch.item_id.in_(held)))
    confirmed = count(select(func.count(func.distinct(HashMatch.item_id)))
                      .join(MatchConfirmation, MatchConfirmation.match_id == HashMatch.id)
                      .where(MatchConfirmation.case_id == case.id,
                             HashMatch.item_id.in_(held)))
    summary = KnownSummary(
        items=count(select(func.count(func.distinct(CaseItem.item_id)))
                    .where(CaseItem.case_id == case.id)),
        matched=matched, confirmed=confirmed, unconfirmed=matched - confirmed,
        not_comparable=count(select(func.count()).select_from(NotComparable)
                             .where(NotComparable.item_id.in_(held))),
        queue=count(select(func.count()).select_from(CaseItem)
                    .join(EvidenceItem, EvidenceItem.id == CaseItem.item_id)
                    .where(CaseItem.case_id == case.id, CaseItem.reviewed.is_(False),
                           EvidenceItem.kind.in_(("image", "video")),
                           CaseItem.item_id.not_in(matched_ids))),
        unread=count(select(func.count()).select_from(MatchNotification)
                     .where(MatchNotification.case_id == case.id,
                            MatchNotification.read_at.is_(None))),
        shared=[SharingCase(reference=s.reference, visible=s.visible)
                for s in shared_cases(session, actor, case.reference)],
        newer=newer_versions(session, case.reference, last_run(session, case.reference)))
    return summary
