"""Incoming international referrals: a case on the referral channel, and arrival look-ups."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nigehbaan.cases.models import Case
from nigehbaan.core.errors import Conflict, Invalid
from nigehbaan.core.settings import Settings
from nigehbaan.referrals.incoming import receive_referral
from nigehbaan.referrals.lookups import hits_for
from nigehbaan.referrals.models import IpCapture, ReportedFile
from nigehbaan.referrals.schemas import IncomingReferralIn
from tests.referrals.helpers import SPANISH_PHONE, group_case
from tests.support import Account

SHA = "ab" * 32


def _referral(**extra: object) -> IncomingReferralIn:
    body: dict[str, object] = {
        "agency": "Embassy of Spain (Policía Nacional liaison)", "country": "ES",
        "reference": "ES-2024-0001", "text": "A national of yours is in a group we seized.",
        "subjects": [{"full_name": "Mateo Example",
                      "identifiers": [{"kind": "phone", "value": "+34 612 34 56 78"}],
                      "ip_events": [{"address": "192.0.2.9", "at": "2024-03-01T10:00:00Z",
                                     "event": "login"}]}],
        "hashes": [{"algorithm": "SHA-256", "value": SHA.upper(), "file_name": "a.jpg"}]}
    body.update(extra)
    return IncomingReferralIn.model_validate(body)


def test_referral_opens_a_case_and_finds_the_phone_elsewhere(
        session: Session, settings: Settings, accounts: dict[str, Account]) -> None:
    actor = accounts["investigator"].actor
    earlier = group_case(session, actor, settings)
    case, _ = receive_referral(session, actor, _referral(), settings)
    assert case.channel == "international_referral" and case.referring_country == "ES"
    assert case.persons[0].identifiers[0].value == SPANISH_PHONE
    assert case.persons[0].country == "ES"
    views = hits_for(session, actor, case)
    assert [v.sentence for v in views] == [
        f"this phone number {SPANISH_PHONE} is a suspect's in case {earlier.reference}"]
    captured = session.execute(select(IpCapture).where(IpCapture.case_id == case.id)).scalar_one()
    assert captured.address == "192.0.2.9" and captured.person_id == case.persons[0].id
    stored = session.execute(select(ReportedFile).where(ReportedFile.case_id == case.id)
                             ).scalar_one()
    assert (stored.algorithm, stored.value) == ("sha256", SHA)


def test_hashes_and_addresses_match_earlier_referrals(
        session: Session, settings: Settings, accounts: dict[str, Account]) -> None:
    actor = accounts["investigator"].actor
    first, _ = receive_referral(session, actor, _referral(), settings)
    second, hits = receive_referral(session, actor, _referral(
        reference="ES-2024-0002", subjects=[{"ip_events": [{"address": "192.0.2.9"}]}]),
        settings)
    kinds = sorted((h.kind, h.other_case_id) for h in hits)
    assert kinds == [("ip", first.id), ("sha256", first.id)]
    outsider = hits_for(session, accounts["outsider"].actor, second)
    assert {h.text for h in outsider} == {"is known"}


def test_another_units_case_is_named_but_not_described(
        session: Session, settings: Settings, accounts: dict[str, Account]) -> None:
    group_case(session, accounts["outsider"].actor, settings)
    case, _ = receive_referral(session, accounts["investigator"].actor, _referral(), settings)
    (hit,) = hits_for(session, accounts["investigator"].actor, case)
    assert not hit.visible and hit.sentence.startswith(f"this phone number {SPANISH_PHONE} is "
                                                       "known in case CC-")


@pytest.mark.parametrize(("change", "message"), [
    ({"hashes": [{"algorithm": "sha256", "value": "xyz"}]}, "hashes[0].value"),
    ({"hashes": [{"algorithm": "crc32", "value": "00"}]}, "unknown hash algorithm"),
    ({"subjects": [{"ip_events": [{"address": "999.1.1.1"}]}]}, "not an IP address"),
    ({"country": "XX"}, "referring_country"),
    ({"subjects": [{}, {"identifiers": [{"kind": "phone", "value": SPANISH_PHONE},
                                        {"kind": "email", "value": "no-at-sign"}]}]},
     "subjects[1].identifiers[1].value: 'no-at-sign' is not an e-mail address"),
    ({"subjects": [{"country": "XX"}]}, "subjects[0].country"),
])
def test_bad_referral_is_refused_whole(session: Session, settings: Settings,
                                       accounts: dict[str, Account], change: dict[str, object],
                                       message: str) -> None:
    before = session.execute(select(func.count(Case.id))).scalar_one()
    nested = session.begin_nested()
    with pytest.raises(Invalid, match=message.replace("[", r"\[").replace("]", r"\]")):
        receive_referral(session, accounts["investigator"].actor, _referral(**change), settings)
    nested.rollback()
    assert session.execute(select(func.count(Case.id))).scalar_one() == before


def test_the_same_reference_twice_is_a_conflict(session: Session, settings: Settings,
                                                accounts: dict[str, Account]) -> None:
    actor = accounts["investigator"].actor
    case, _ = receive_referral(session, actor, _referral(), settings)
    with pytest.raises(Conflict, match=f"already received as case {case.reference}"):
        receive_referral(session, actor, _referral(), settings)
