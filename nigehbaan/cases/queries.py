"""Reading the register: the worklist (overdue first) and one case with its people and links."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session, aliased

from nigehbaan.cases.access import (
    display_identifier,
    display_name,
    load_case,
    on_team,
    visible_clause,
)
from nigehbaan.cases.lifecycle import Status, allowed_moves
from nigehbaan.cases.models import Case, Identifier, Person
from nigehbaan.cases.views import (
    CaseDetail,
    CaseSummary,
    IdentifierView,
    LinkView,
    MoveView,
    PersonView,
)
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.clock import utcnow
from nigehbaan.core.roles import Permission
from nigehbaan.core.users import User


def is_overdue(case: Case, now: datetime) -> bool:
    return case.first_action_at is None and case.first_action_due < now


def summarise(case: Case, now: datetime) -> CaseSummary:
    return CaseSummary(
        reference=case.reference, title=case.title, channel=case.channel, status=case.status,
        priority=case.priority, region=case.region, unit=case.unit, received_at=case.received_at,
        first_action_due=case.first_action_due, first_action_at=case.first_action_at,
        overdue=is_overdue(case, now), safeguarding=case.safeguarding,
    )


def list_cases(
    session: Session, actor: Actor, *, status: Status | None = None, channel: str = "",
    overdue_only: bool = False, limit: int = 200, now: datetime | None = None,
) -> list[CaseSummary]:
    """Overdue first (most overdue on top), then safeguarding, then the newest."""
    actor.require(Permission.CASE_READ)
    now = now or utcnow()
    overdue = and_(Case.first_action_at.is_(None), Case.first_action_due < now)
    query = select(Case).where(visible_clause(actor)).order_by(
        sql_case((overdue, 0), else_=1), sql_case((overdue, Case.first_action_due), else_=None),
        Case.safeguarding.desc(), Case.received_at.desc(), Case.id.desc(),
    ).limit(max(1, min(limit, 1000)))
    if status is not None:
        query = query.where(Case.status == status.value)
    if channel:
        query = query.where(Case.channel == channel)
    if overdue_only:
        query = query.where(overdue)
    rows = [summarise(case, now) for case in session.execute(query).scalars()]
    audit.record(session, actor, "case.list", "case", "",
                 detail={"returned": len(rows), "status": status.value if status else "",
                         "channel": channel, "overdue_only": overdue_only})
    return rows


def _person_view(person: Person, team: bool) -> PersonView:
    masked = person.is_minor and not team
    return PersonView(
        id=person.id, role=person.role, name=display_name(person, team), is_minor=person.is_minor,
        masked=masked, country=person.country, notes="" if masked else person.notes,
        identifiers=[IdentifierView(kind=i.kind, value=display_identifier(i, person, team),
                                    country=i.country, platform=i.platform)
                     for i in person.identifiers],
    )


def linked_cases(session: Session, actor: Actor, case: Case, team: bool) -> list[LinkView]:
    """Other cases holding an identifier this case holds: the same phone is the same person."""
    mine, other = aliased(Identifier), aliased(Identifier)
    rows = session.execute(
        select(other.case_id, mine.id)
        .join(other, and_(other.kind == mine.kind, other.value == mine.value,
                          other.case_id != mine.case_id))
        .where(mine.case_id == case.id)
    ).all()
    shared: dict[int, set[int]] = defaultdict(set)
    for other_case_id, identifier_id in rows:
        shared[other_case_id].add(identifier_id)
    if not shared:
        return []
    visible_ids = set(session.execute(
        select(Case.id).where(Case.id.in_(shared), visible_clause(actor))).scalars())
    owners = {i.id: (i, p) for p in case.persons for i in p.identifiers}
    links = []
    for linked in session.execute(select(Case).where(Case.id.in_(shared))
                                  .order_by(Case.reference)).scalars():
        values = sorted({display_identifier(*owners[i], team) for i in shared[linked.id]})
        visible = linked.id in visible_ids
        links.append(LinkView(reference=linked.reference, visible=visible, shared=values,
                              title=linked.title if visible else "(another unit's case)"))
    return links


def case_detail(session: Session, actor: Actor, reference: str,
                *, now: datetime | None = None, audit_read: bool = True) -> CaseDetail:
    case = load_case(session, actor, reference)
    now = now or utcnow()
    team = on_team(actor, case)
    members = session.execute(select(User.username).where(
        User.id.in_([a.user_id for a in case.assignments])).order_by(User.username)).scalars()
    detail = CaseDetail(
        **summarise(case, now).model_dump(), summary=case.summary,
        offences=[offence.statute_code for offence in case.offences],
        referring_agency=case.referring_agency, referring_country=case.referring_country,
        referring_reference=case.referring_reference, police_reference=case.police_reference,
        approved_by=case.approved_by, merged_into=case.merged_into, created_by=case.created_by,
        team=list(members), on_team=team,
        allowed_moves=[s.value for s in allowed_moves(Status(case.status))],
        persons=[_person_view(person, team) for person in case.persons],
        moves=[MoveView(from_status=m.from_status, to_status=m.to_status, at=m.at, actor=m.actor,
                        reason=m.reason) for m in case.moves],
        links=linked_cases(session, actor, case, team),
    )
    if audit_read:
        audit.record(session, actor, "case.read", "case", case.reference,
                     detail={"persons": [p.id for p in case.persons], "masked": not team})
    return detail
