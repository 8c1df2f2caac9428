"""Need-to-know: which cases an actor may see, and which names they may read in them.

An investigator or analyst sees the cases of their unit and those assigned to them; a supervisor
sees their unit's. A minor's name and identifiers are masked for everyone outside the case's
assigned team, supervisors included: being able to open a case is not needing to know a child.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false, or_, select, true
from sqlalchemy.orm import Session

from nigehbaan.cases.models import Case, CaseAssignment, Identifier, Person
from nigehbaan.core.actors import Actor
from nigehbaan.core.errors import Forbidden, NotFound
from nigehbaan.core.roles import Permission

MASKED_NAME = "[minor: name withheld]"


def visible_clause(actor: Actor) -> ColumnElement[bool]:
    if actor.local_operator:
        return true()
    if not actor.can(Permission.CASE_READ) or actor.user_id is None:
        return false()
    assigned = exists().where(
        CaseAssignment.case_id == Case.id, CaseAssignment.user_id == actor.user_id
    )
    if not actor.unit:
        return assigned
    return or_(Case.unit == actor.unit, assigned)


def get_case(session: Session, reference: str) -> Case:
    case = session.execute(
        select(Case).where(Case.reference == reference.strip().upper())
    ).scalar_one_or_none()
    if case is None:
        raise NotFound(f"no case '{reference}'")
    return case


def load_case(session: Session, actor: Actor, reference: str,
              permission: Permission = Permission.CASE_READ) -> Case:
    """The case, if the actor's role allows `permission` and the case is theirs to see."""
    actor.require(permission)
    case = get_case(session, reference)
    allowed = session.execute(select(Case.id).where(Case.id == case.id, visible_clause(actor)))
    if allowed.first() is None:
        raise Forbidden(f"case {case.reference} is not assigned to you or your unit")
    return case


def on_team(actor: Actor, case: Case) -> bool:
    return actor.user_id is not None and any(
        assignment.user_id == actor.user_id for assignment in case.assignments
    )


def display_name(person: Person, team: bool) -> str:
    return person.full_name if team or not person.is_minor else MASKED_NAME


def display_identifier(identifier: Identifier, person: Person, team: bool) -> str:
    if team or not person.is_minor:
        return identifier.value
    return "•" * max(0, len(identifier.value) - 3) + identifier.value[-3:]
