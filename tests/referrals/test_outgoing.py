"""Referral status: the moves that exist, who may make them, and the list awaiting an answer."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from nigehbaan.core.audit import AuditEvent
from nigehbaan.core.errors import Conflict, Forbidden
from nigehbaan.core.settings import Settings
from nigehbaan.referrals import outgoing, package
from nigehbaan.referrals.schemas import ReferralStatus as S
from tests.referrals.helpers import group_case
from tests.support import Account


def test_a_referral_goes_from_draft_to_answered(session: Session, settings: Settings,
                                                accounts: dict[str, Account]) -> None:
    inv, sup = accounts["investigator"].actor, accounts["supervisor"].actor
    case = group_case(session, inv, settings)
    empty = outgoing.create(session, inv, case.reference, "GB")
    with pytest.raises(Conflict, match="no package yet"):
        outgoing.move(session, sup, empty.id, S.APPROVED, "ok")
    referral = package.build(session, inv, case.reference, "ES", settings).referral
    with pytest.raises(Forbidden):
        outgoing.move(session, inv, referral.id, S.APPROVED, "self-approval")
    with pytest.raises(Conflict, match="cannot move from draft to sent; allowed: approved"):
        outgoing.move(session, inv, referral.id, S.SENT, "too early")
    outgoing.move(session, sup, referral.id, S.APPROVED, "checked the package")
    follow_up = package.build(session, inv, case.reference, "ES", settings).referral
    assert follow_up.id != referral.id and follow_up.status == "draft"
    outgoing.move(session, inv, referral.id, S.SENT, "sent through the liaison officer")
    awaiting = outgoing.list_referrals(session, inv, awaiting=True)
    assert [(r.id, r.country, r.status) for r in awaiting] == [(referral.id, "ES", "sent")]
    with pytest.raises(Conflict, match="is sent: media is approved while it is a draft"):
        outgoing.approve_media(session, sup, referral.id, "late")
    outgoing.move(session, inv, referral.id, S.ACKNOWLEDGED, "receipt by e-mail")
    outgoing.move(session, inv, referral.id, S.ANSWERED, "they identified the suspect")
    assert outgoing.list_referrals(session, inv, awaiting=True) == []
    view = outgoing.view(session, referral)
    assert [m.to_status for m in view.moves] == ["approved", "sent", "acknowledged", "answered"]
    assert view.sent_at is not None and view.answered_at is not None
    moves = session.query(AuditEvent).filter(AuditEvent.action == "referral.move").count()
    assert moves == 4


def test_other_units_do_not_see_the_referral(session: Session, settings: Settings,
                                             accounts: dict[str, Account]) -> None:
    case = group_case(session, accounts["investigator"].actor, settings)
    referral = outgoing.create(session, accounts["investigator"].actor, case.reference, "ES")
    assert outgoing.list_referrals(session, accounts["outsider"].actor) == []
    with pytest.raises(Forbidden):
        outgoing.move(session, accounts["outsider"].actor, referral.id, S.APPROVED, "x")
