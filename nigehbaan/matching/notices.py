"""Notifications to a case's officers: a victim's reported material was found elsewhere.

Shown on the case's matching page and in the reader's worklist (every case they may see);
reading one is recorded, so a supervisor can see that the officer was told and acted.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from nigehbaan.cases.access import load_case, visible_clause
from nigehbaan.cases.models import Case
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.clock import utcnow
from nigehbaan.core.errors import NotFound
from nigehbaan.core.roles import Permission
from nigehbaan.matching.models import MatchNotification
from nigehbaan.matching.views import NotificationView


def notifications(session: Session, actor: Actor, reference: str = "",
                  unread_only: bool = False) -> list[NotificationView]:
    actor.require(Permission.CASE_READ)
    found = aliased(Case)
    query = (select(MatchNotification, Case.reference, found.reference)
             .join(Case, Case.id == MatchNotification.case_id)
             .join(found, found.id == MatchNotification.found_case_id)
             .where(visible_clause(actor)).order_by(MatchNotification.id.desc()))
    if reference:
        query = query.where(Case.id == load_case(session, actor, reference).id)
    if unread_only:
        query = query.where(MatchNotification.read_at.is_(None))
    return [NotificationView(id=n.id, case=ref, found_in=found_ref, message=n.message,
                             created_at=n.created_at, read_at=n.read_at, read_by=n.read_by)
            for n, ref, found_ref in session.execute(query).all()]


def mark_read(session: Session, actor: Actor, notification_id: int) -> NotificationView:
    row = session.get(MatchNotification, notification_id)
    if row is None:
        raise NotFound(f"no notification {notification_id}")
    case = session.get(Case, row.case_id)
    assert case is not None
    load_case(session, actor, case.reference)
    if row.read_at is None:
        row.read_at, row.read_by = utcnow(), actor.username
        audit.record(session, actor, "matching.notice.read", "case", case.reference,
                     detail={"notification": row.id})
    found = session.get(Case, row.found_case_id)
    return NotificationView(id=row.id, case=case.reference,
                            found_in=found.reference if found else "", message=row.message,
                            created_at=row.created_at, read_at=row.read_at,
                            read_by=row.read_by)
