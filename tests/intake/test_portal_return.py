"""Coming back with a receipt: status in plain words, messages both ways, wrong codes limited."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.cases import moves
from nigehbaan.cases.schemas import MoveIn
from nigehbaan.core.audit import AuditEvent
from nigehbaan.core.db import transaction
from nigehbaan.intake import conversation, hashlist, tokens
from nigehbaan.intake.models import PortalMessage, PortalReport
from tests.intake.portal_support import come_back, field, receipt_of, report
from tests.support import Account

TO_ARABIC_INDIC = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def reference(factory: sessionmaker[Session]) -> str:
    with transaction(factory) as session:
        return session.execute(select(PortalReport)).scalar_one().case.reference


def test_status_in_plain_words_follows_the_case(
        portal: TestClient, factory: sessionmaker[Session],
        accounts: dict[str, Account]) -> None:
    receipt = receipt_of(report(portal, description="x"))
    visit = come_back(portal, receipt)
    assert "Received. Your report is waiting for an officer." in visit.page.text
    assert reference(factory) not in visit.page.text  # nothing internal is shown
    with transaction(factory) as session:
        moves.move_case(session, accounts["supervisor"].actor, reference(factory),
                        MoveIn(to="inquiry", reason="taken up"))
    again = come_back(portal, receipt, "ur")
    assert "ایک افسر اس کی چھان بین کر رہا ہے" in again.page.text
    assert 'dir="rtl"' in again.page.text and "taken up" not in again.page.text


def test_the_code_may_be_typed_loosely(portal: TestClient) -> None:
    receipt = receipt_of(report(portal, description="x"))
    digits = receipt.replace(" ", "")
    for typed in (digits, f" {receipt} ", "-".join(receipt.split()),
                  receipt.translate(TO_ARABIC_INDIC)):
        assert come_back(portal, typed).page.status_code == 200


def test_wrong_and_malformed_codes_get_a_clear_answer(portal: TestClient) -> None:
    receipt = receipt_of(report(portal, description="x")).replace(" ", "")
    wrong = str((int(receipt) + 1) % 10**16).zfill(16)
    answer = portal.post("/ur/return", data={"action": "open", "receipt": wrong})
    assert answer.status_code == 404 and "اس کوڈ کی کوئی رپورٹ نہیں ملی" in answer.text
    for typed in ("12345", "abcd efgh ijkl mnop", "<script>x</script>", "1" * 200):
        malformed = portal.post("/en/return", data={"action": "open", "receipt": typed})
        assert malformed.status_code == 422 and "16 digits" in malformed.text
        assert "<script>x" not in malformed.text


def test_guessing_one_code_locks_its_prefix_for_a_while(portal: TestClient,
                                                        portal_app: FastAPI) -> None:
    receipt = receipt_of(report(portal, description="x")).replace(" ", "")
    limit = portal_app.state.config.receipt_failures_per_code
    for n in range(limit):
        guess = receipt[:6] + str((int(receipt[6:]) + n + 1) % 10**10).zfill(10)
        assert portal.post("/en/return", data={"action": "open",
                                               "receipt": guess}).status_code == 404
    locked = portal.post("/en/return", data={"action": "open", "receipt": receipt})
    assert locked.status_code == 429 and "wait 15 minutes" in locked.text
    other = receipt_of(report(portal, description="y")).replace(" ", "")
    if other[:6] != receipt[:6]:
        assert come_back(portal, other).page.status_code == 200


def test_too_many_checks_from_everyone_wait(portal: TestClient, portal_app: FastAPI) -> None:
    receipt = receipt_of(report(portal, description="x"))
    while portal_app.state.limits.attempts.take():
        pass
    busy = portal.post("/en/return", data={"action": "open", "receipt": receipt})
    assert busy.status_code == 429


def test_messages_and_added_information_reach_the_officer(
        portal: TestClient, factory: sessionmaker[Session],
        accounts: dict[str, Account]) -> None:
    receipt = receipt_of(report(portal, description="x"))
    visit = come_back(portal, receipt)
    assert visit.send("Are you there?").status_code == 200
    assert "Sent. An officer will read it." in visit.page.text
    assert visit.send("His number is 0300 7654321", "information").status_code == 200
    assert visit.send("   ").status_code == 422
    page = None
    with transaction(factory) as session:
        page = conversation.reporter_page(session, accounts["supervisor"].actor,
                                          reference(factory))
    assert [(m.author, m.kind, m.body) for m in page.messages] == [
        ("reporter", "message", "Are you there?"),
        ("reporter", "information", "His number is 0300 7654321")]


def test_an_officers_reply_is_seen_by_the_reporter_only_with_the_code(
        portal: TestClient, factory: sessionmaker[Session],
        accounts: dict[str, Account]) -> None:
    receipt = receipt_of(report(portal, description="x"))
    with transaction(factory) as session:
        conversation.reply(session, accounts["investigator"].actor, reference(factory),
                           "Thank you. <b>Please</b> keep the chat.")
        audited = session.execute(select(AuditEvent).where(
            AuditEvent.action == "portal.reply")).scalar_one()
        assert audited.actor == "investigator" and "Please" not in str(audited.detail)
    visit = come_back(portal, receipt)
    assert "Thank you. &lt;b&gt;Please&lt;/b&gt; keep the chat." in visit.page.text
    assert "investigator" not in visit.page.text  # officers stay unnamed to the reporter


def test_replayed_or_stale_message_forms(portal: TestClient, portal_app: FastAPI,
                                         factory: sessionmaker[Session]) -> None:
    visit = come_back(portal, receipt_of(report(portal, description="x")))
    data = {"access": field(visit.page.text, "access"), "token": field(visit.page.text, "token"),
            "action": "message", "body": "only once"}
    assert portal.post("/en/return", data=data).status_code == 200
    replay = portal.post("/en/return", data=data)
    assert replay.status_code == 409 and "already sent" in replay.text
    stale = dict(data, access=tokens.issue_access(portal_app.state.key, 1, now=0))
    timed_out = portal.post("/en/return", data=stale)
    assert timed_out.status_code == 401 and "timed out" in timed_out.text
    forged = dict(data, access="1.99999999999.deadbeef")
    assert portal.post("/en/return", data=forged).status_code == 401
    with transaction(factory) as session:
        bodies = list(session.execute(select(PortalMessage.body)).scalars())
    assert bodies == ["only once"]


def test_found_material_is_told_without_details(
        portal: TestClient, factory: sessionmaker[Session],
        accounts: dict[str, Account]) -> None:
    entry = '[{"sha256": "' + "ab" * 32 + '", "md5": "' + "cd" * 16 + '"}]'
    receipt = receipt_of(report(portal, hashes=entry))
    assert "Nothing has been found so far" in come_back(portal, receipt).page.text
    with transaction(factory) as session:
        [found] = list(hashlist.reported_entries(session))
        hashlist.mark_found(session, accounts["investigator"].actor, found.entry_id,
                            source="EV-2026-0001")
    page = come_back(portal, receipt).page.text
    assert "have been found by the unit" in page and "EV-2026-0001" not in page
