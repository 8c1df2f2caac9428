"""Moving a case through its lifecycle, approving proactive cases and forming the team."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from nigehbaan.cases.access import get_case, load_case
from nigehbaan.cases.channels import Channel
from nigehbaan.cases.lifecycle import TERMINAL, Status, allowed_moves, is_allowed
from nigehbaan.cases.models import Case, CaseAssignment, CaseMove
from nigehbaan.cases.schemas import ApprovalIn, MoveIn
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.auth import get_user
from nigehbaan.core.clock import utcnow
from nigehbaan.core.errors import Conflict, Invalid
from nigehbaan.core.roles import Permission, Role

CASE_WORKERS = frozenset({Role.ANALYST, Role.INVESTIGATOR, Role.SUPERVISOR})

_MOVE_WORDS = "allowed moves from {current}: {allowed}"


def _refuse(case: Case, target: Status) -> Conflict:
    allowed = ", ".join(status.value for status in allowed_moves(Status(case.status))) or "none"
    return Conflict(f"{case.reference} cannot move from {case.status} to {target.value}; "
                    + _MOVE_WORDS.format(current=case.status, allowed=allowed))


def _check_preconditions(session: Session, actor: Actor, case: Case, move: MoveIn) -> None:
    if move.to == Status.REGISTERED:
        if not move.police_reference:
            raise Invalid("police_reference: registration needs the police reference (FIR number)")
        if case.channel == Channel.PROACTIVE_MONITORING and case.approved_at is None:
            raise Conflict(f"{case.reference} comes from proactive monitoring: a supervisor must "
                           "approve it before it is registered")
    if move.to == Status.MERGED:
        if not move.merged_into:
            raise Invalid("merged_into: name the case this one is merged into")
        target = load_case(session, actor, move.merged_into)
        if target.id == case.id:
            raise Invalid("merged_into: a case cannot be merged into itself")
        if Status(target.status) in TERMINAL:
            raise Conflict(f"merged_into: {target.reference} is {target.status}")


def move_case(session: Session, actor: Actor, reference: str, move: MoveIn,
              *, now: datetime | None = None) -> Case:
    case = load_case(session, actor, reference, Permission.CASE_WRITE)
    current = Status(case.status)
    if not is_allowed(current, move.to):
        raise _refuse(case, move.to)
    _check_preconditions(session, actor, case, move)
    now = now or utcnow()
    case.moves.append(CaseMove(from_status=current.value, to_status=move.to.value, at=now,
                               actor=actor.username, reason=move.reason))
    case.status = move.to.value
    if case.first_action_at is None:
        case.first_action_at = now
    if move.to == Status.REGISTERED:
        case.police_reference = move.police_reference
    if move.to == Status.MERGED:
        case.merged_into = get_case(session, move.merged_into).reference
    session.flush()
    audit.record(session, actor, "case.move", "case", case.reference,
                 detail={"from": current.value, "to": move.to.value, "reason": move.reason})
    return case


def approve_case(session: Session, actor: Actor, reference: str, approval: ApprovalIn) -> Case:
    case = load_case(session, actor, reference, Permission.CASE_APPROVE)
    if case.channel != Channel.PROACTIVE_MONITORING:
        raise Conflict(f"{case.reference} is not a proactive-monitoring case: nothing to approve")
    if case.approved_at is not None:
        raise Conflict(f"{case.reference} was already approved by {case.approved_by}")
    if Status(case.status) in TERMINAL:
        raise Conflict(f"{case.reference} is {case.status}")
    case.approved_by, case.approved_at = actor.username, utcnow()
    audit.record(session, actor, "case.approve", "case", case.reference,
                 detail={"reason": approval.reason})
    return case


def assign(session: Session, actor: Actor, reference: str, username: str) -> Case:
    case = load_case(session, actor, reference, Permission.CASE_ASSIGN)
    user = get_user(session, username)
    if user.role_enum not in CASE_WORKERS:
        raise Invalid(f"username: a {user.role} does not work cases")
    if case.unit and user.unit != case.unit:
        raise Invalid(f"username: {user.username} is not in unit '{case.unit}'")
    if any(assignment.user_id == user.id for assignment in case.assignments):
        raise Conflict(f"{user.username} is already on the team of {case.reference}")
    case.assignments.append(CaseAssignment(user_id=user.id))
    session.flush()
    audit.record(session, actor, "case.assign", "case", case.reference,
                 detail={"user": user.username})
    return case
