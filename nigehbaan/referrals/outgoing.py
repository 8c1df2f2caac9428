"""Outgoing referrals: draft → approved → sent → acknowledged → answered, every move recorded
with who, when and why, and the approvals that only a named supervisor may give.

Why approval refuses the bare CLI operator: whoever holds the database files can do anything,
but an approval is a person's accountable decision, so it must carry a supervisor's name.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nigehbaan.cases.access import load_case, visible_clause
from nigehbaan.cases.models import Case
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.clock import utcnow
from nigehbaan.core.countries import check_country
from nigehbaan.core.errors import Conflict, Forbidden, Invalid, NotFound
from nigehbaan.core.roles import Permission
from nigehbaan.referrals.models import Referral, ReferralMove
from nigehbaan.referrals.schemas import ReferralStatus
from nigehbaan.referrals.views import ReferralMoveOut, ReferralOut

S = ReferralStatus
MOVES: dict[ReferralStatus, tuple[ReferralStatus, ...]] = {
    S.DRAFT: (S.APPROVED,),
    S.APPROVED: (S.DRAFT, S.SENT),
    S.SENT: (S.ACKNOWLEDGED, S.ANSWERED),
    S.ACKNOWLEDGED: (S.ANSWERED,),
    S.ANSWERED: (),
}
"""Back to draft from approved only (to rebuild); once sent, a referral moves forward only."""
AWAITING = (S.SENT.value, S.ACKNOWLEDGED.value)


def _named_supervisor(actor: Actor, what: str) -> None:
    actor.require(Permission.REFERRAL_APPROVE)
    if actor.local_operator or actor.user_id is None:
        raise Forbidden(f"{what} needs a named supervisor: run it with --as USER")


def get_referral(session: Session, actor: Actor, referral_id: int,
                 permission: Permission = Permission.CASE_READ) -> tuple[Referral, Case]:
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise NotFound(f"no referral {referral_id}")
    case = session.get(Case, referral.case_id)
    assert case is not None
    return referral, load_case(session, actor, case.reference, permission)


def create(session: Session, actor: Actor, reference: str, country: str, note: str = "",
           *, now: datetime | None = None) -> Referral:
    case = load_case(session, actor, reference, Permission.CASE_WRITE)
    code = check_country(country)
    if not code:
        raise Invalid("country: required")
    referral = Referral(case_id=case.id, country=code, status=S.DRAFT.value, note=note,
                        created_by=actor.username, created_at=now or utcnow())
    session.add(referral)
    session.flush()
    audit.record(session, actor, "referral.create", "referral", str(referral.id),
                 detail={"case": case.reference, "country": code})
    return referral


def open_draft(session: Session, actor: Actor, reference: str, country: str) -> Referral:
    """The case's draft referral for the country, made if there is none."""
    case = load_case(session, actor, reference, Permission.CASE_WRITE)
    code = check_country(country)
    found = session.execute(select(Referral).where(
        Referral.case_id == case.id, Referral.country == code,
        Referral.status == S.DRAFT.value).order_by(Referral.id.desc())).scalars().first()
    return found or create(session, actor, case.reference, code)


def move(session: Session, actor: Actor, referral_id: int, to: ReferralStatus, reason: str,
         *, now: datetime | None = None) -> Referral:
    referral, case = get_referral(session, actor, referral_id, Permission.CASE_WRITE)
    current = S(referral.status)
    if to not in MOVES[current]:
        allowed = ", ".join(s.value for s in MOVES[current]) or "none"
        raise Conflict(f"referral {referral.id} cannot move from {current.value} to "
                       f"{to.value}; allowed: {allowed}")
    if to == S.APPROVED:
        _named_supervisor(actor, "approving a referral")
        if not referral.package_sha256:
            raise Conflict(f"referral {referral.id} has no package yet: build it first")
    now = now or utcnow()
    referral.moves.append(ReferralMove(from_status=current.value, to_status=to.value, at=now,
                                       actor=actor.username, reason=reason))
    referral.status = to.value
    if to == S.SENT:
        referral.sent_at = now
    if to == S.ANSWERED:
        referral.answered_at = now
    session.flush()
    audit.record(session, actor, "referral.move", "referral", str(referral.id),
                 detail={"case": case.reference, "from": current.value, "to": to.value,
                         "reason": reason, "package_sha256": referral.package_sha256})
    return referral


def approve_media(session: Session, actor: Actor, referral_id: int, reason: str) -> Referral:
    """Allow media content in this one package; logged in the audit log, and each file's
    export is logged in the custody log by the provider that reads it."""
    referral, case = get_referral(session, actor, referral_id, Permission.REFERRAL_APPROVE)
    _named_supervisor(actor, "approving media content")
    if referral.status != S.DRAFT.value:
        raise Conflict(f"referral {referral.id} is {referral.status}: media is approved "
                       "while it is a draft")
    referral.media_approved_by, referral.media_approved_at = actor.username, utcnow()
    referral.media_reason = reason
    session.flush()
    audit.record(session, actor, "referral.media_approve", "referral", str(referral.id),
                 detail={"case": case.reference, "country": referral.country, "reason": reason})
    return referral


def view(session: Session, referral: Referral) -> ReferralOut:
    case = session.get(Case, referral.case_id)
    return ReferralOut(
        id=referral.id, case=case.reference if case else "", country=referral.country,
        status=referral.status, note=referral.note, created_by=referral.created_by,
        created_at=referral.created_at, media_approved_by=referral.media_approved_by,
        package_sha256=referral.package_sha256, built_at=referral.built_at,
        sent_at=referral.sent_at, answered_at=referral.answered_at,
        allowed_moves=[s.value for s in MOVES[S(referral.status)]],
        moves=[ReferralMoveOut(from_status=m.from_status, to_status=m.to_status, at=m.at,
                               actor=m.actor, reason=m.reason) for m in referral.moves])


def list_referrals(session: Session, actor: Actor, *, awaiting: bool = False,
                   country: str = "", reference: str = "") -> list[ReferralOut]:
    """Referrals of the cases the actor may see; `awaiting` = sent or acknowledged, oldest
    first within each country, the order a liaison officer chases them in."""
    actor.require(Permission.CASE_READ)
    query = (select(Referral).join(Case, Case.id == Referral.case_id)
             .where(visible_clause(actor)))
    if awaiting:
        query = query.where(Referral.status.in_(AWAITING)).order_by(
            Referral.country, Referral.sent_at, Referral.id)
    else:
        query = query.order_by(Referral.id.desc())
    if country:
        query = query.where(Referral.country == check_country(country))
    if reference:
        query = query.where(Case.reference == reference.strip().upper())
    return [view(session, referral) for referral in session.execute(query).scalars()]
