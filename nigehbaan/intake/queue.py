"""The supervisor's intake queue: new complaints to take up, safeguarding cases first.

`cases.queries.list_cases` orders the whole worklist overdue-first; the intake queue answers a
different question ("what must someone pick up now?"), so it holds the cases still `received`,
and puts a child reporting or material being spread now above everything, then the overdue,
then the soonest due. It also counts reporter messages waiting for an answer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nigehbaan.cases.access import visible_clause
from nigehbaan.cases.lifecycle import Status
from nigehbaan.cases.models import Case
from nigehbaan.cases.queries import is_overdue
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.clock import utcnow
from nigehbaan.core.roles import Permission
from nigehbaan.intake.models import PortalMessage, PortalReport
from nigehbaan.intake.views import QueueItem


def _waiting(session: Session, case_ids: list[int]) -> dict[int, int]:
    """Reporter messages after the unit's last reply, per case."""
    rows = session.execute(
        select(PortalReport.case_id, PortalMessage.author)
        .join(PortalMessage, PortalMessage.report_id == PortalReport.id)
        .where(PortalReport.case_id.in_(case_ids)).order_by(PortalMessage.id))
    waiting: dict[int, int] = {}
    for case_id, author in rows:
        waiting[case_id] = waiting.get(case_id, 0) + 1 if author == "reporter" else 0
    return waiting


def intake_queue(session: Session, actor: Actor, *, limit: int = 200,
                 now: datetime | None = None) -> list[QueueItem]:
    actor.require(Permission.CASE_ASSIGN)
    now = now or utcnow()
    cases = list(session.execute(
        select(Case).where(visible_clause(actor), Case.status == Status.RECEIVED.value)
        .order_by(Case.safeguarding.desc(), Case.first_action_due, Case.id)
        .limit(max(1, min(limit, 1000)))).unique().scalars())
    cases.sort(key=lambda c: (not c.safeguarding, not is_overdue(c, now)))  # stable
    waiting = _waiting(session, [c.id for c in cases])
    items = [QueueItem(reference=c.reference, title=c.title, channel=c.channel, status=c.status,
                       safeguarding=c.safeguarding, overdue=is_overdue(c, now),
                       received_at=c.received_at, first_action_due=c.first_action_due,
                       team=len(c.assignments), reporter_messages=waiting.get(c.id, 0))
             for c in cases]
    audit.record(session, actor, "queue.read", "case", "", detail={"returned": len(items)})
    return items
