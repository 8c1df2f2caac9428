"""Making a report through the portal: the case, the receipt, and nothing half-saved."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.cases.models import Case
from nigehbaan.core.audit import AuditEvent
from nigehbaan.core.db import transaction
from nigehbaan.intake.models import PortalContact, PortalMessage, PortalReport, ReportedHash
from tests.intake.portal_support import field, receipt_of, report


def counts(factory: sessionmaker[Session]) -> tuple[int, ...]:
    with transaction(factory) as session:
        return tuple(session.scalar(select(func.count()).select_from(model)) or 0
                     for model in (Case, PortalReport, PortalContact, ReportedHash,
                                   PortalMessage))


def only_report(factory: sessionmaker[Session]) -> tuple[PortalReport, Case]:
    with transaction(factory) as session:
        row = session.execute(select(PortalReport)).scalar_one()
        _ = (row.contacts, row.hashes, row.messages, row.case.assignments)  # load before closing
        return row, row.case


def test_a_report_opens_a_received_portal_case_with_its_deadline(
        portal: TestClient, factory: sessionmaker[Session]) -> None:
    sent = report(portal, description="A stranger added me to a group",
                  platform="WhatsApp", people="+92 300 1234567\n+92 300 123")
    assert sent.status_code == 200
    receipt = receipt_of(sent).replace(" ", "")
    row, case = only_report(factory)
    assert (case.status, case.channel, case.unit) == ("received", "public_portal", "Unit A")
    assert case.first_action_due - case.received_at == timedelta(hours=24)
    assert case.created_by == "portal" and not case.safeguarding
    assert case.assignments == [] and case.title == "Portal report: WhatsApp"
    assert receipt not in row.receipt_hash and row.receipt_hash.startswith("$argon2id$")
    assert [(c.valid, c.value) for c in row.contacts] == [(True, "+923001234567"), (False, "")]
    with transaction(factory) as session:
        event = session.execute(select(AuditEvent).where(
            AuditEvent.action == "case.open")).scalar_one()
        assert (event.actor, event.session_ref) == ("portal", "portal")


def test_a_child_or_spreading_now_means_safeguarding(portal: TestClient,
                                                     factory: sessionmaker[Session]) -> None:
    report(portal, description="it is me", reporter_role="child", age_band="13_15")
    report(portal, description="pictures going round", spreading_now="yes")
    report(portal, description="just worried", spreading_now="no", reporter_role="parent")
    with transaction(factory) as session:
        flags = [(c.safeguarding, c.priority) for c in session.execute(
            select(Case).order_by(Case.id)).scalars()]
    assert flags == [(True, "high"), (True, "high"), (False, "normal")]


def test_receipt_confirmation_step(portal: TestClient) -> None:
    sent = report(portal, description="x")
    receipt = receipt_of(sent)
    assert 'name="saved"' in sent.text and "required" in sent.text
    unticked = portal.post("/en/report", data={"step": "confirm",
                                               "receipt": receipt.replace(" ", "")})
    assert unticked.status_code == 422 and receipt_of(unticked) == receipt
    assert 'aria-invalid="true"' in unticked.text
    ticked = portal.post("/en/report", data={"step": "confirm", "saved": "yes",
                                             "receipt": receipt.replace(" ", "")})
    assert ticked.status_code == 200 and receipt not in ticked.text
    assert 'href="/en/return"' in ticked.text
    garbled = portal.post("/en/report", data={"step": "confirm", "receipt": "<b>1</b>"})
    assert garbled.status_code == 400 and "<b>1</b>" not in garbled.text


def test_a_replayed_form_is_refused_and_saves_nothing_more(
        portal: TestClient, factory: sessionmaker[Session]) -> None:
    page = portal.get("/en/report")
    data = {"token": field(page.text, "token"), "step": "report", "description": "once"}
    first = portal.post("/en/report", data=data)
    again = portal.post("/en/report", data=data)
    assert first.status_code == 200 and again.status_code == 409
    assert "already sent" in again.text and 'id="receipt"' not in again.text
    assert counts(factory)[:2] == (1, 1)


def test_a_forged_or_expired_form_keeps_the_answers_and_saves_nothing(
        portal: TestClient, factory: sessionmaker[Session]) -> None:
    forged = portal.post("/en/report", data={"token": "0" * 32 + ".1.abc", "step": "report",
                                             "description": "my words stay"})
    assert forged.status_code == 400 and "my words stay" in forged.text
    assert "We could not accept this form" in forged.text
    missing = portal.post("/en/report", data={"description": "no token"})
    assert missing.status_code == 400
    assert counts(factory) == (0, 0, 0, 0, 0)


def test_bad_answers_are_named_in_the_reporters_language_and_nothing_is_saved(
        portal: TestClient, factory: sessionmaker[Session]) -> None:
    bad = report(portal, "ur", description="x" * 10_001, age_band="ninety",
                 hashes="[{\"sha256\": \"nope\"}]")
    assert bad.status_code == 422
    assert "یہ جواب بہت لمبا ہے" in bad.text  # too long
    assert "براہِ کرم دیے گئے جوابات میں سے ایک چنیں" in bad.text  # not a choice
    assert "فنگر پرنٹ" in bad.text  # not hashes
    assert 'href="#description"' in bad.text and 'aria-invalid="true"' in bad.text
    assert "ninety" not in bad.text.split('name="age_band"')[0][-10:]
    assert counts(factory) == (0, 0, 0, 0, 0)


def test_an_oversized_request_is_refused_before_it_is_read(
        portal: TestClient, factory: sessionmaker[Session]) -> None:
    page = portal.get("/ur/report")
    huge = portal.post("/ur/report", data={"token": field(page.text, "token"),
                                           "step": "report", "description": "x" * 400_000})
    assert huge.status_code == 413 and 'lang="ur"' in huge.text
    assert "کچھ بھی محفوظ نہیں ہوا" in huge.text  # nothing was saved
    assert counts(factory) == (0, 0, 0, 0, 0)


def test_nul_bytes_and_script_are_stored_as_harmless_text(
        portal: TestClient, factory: sessionmaker[Session]) -> None:
    sent = report(portal, description="<script>alert('x')</script>\x00 end",
                  platform="<img src=x onerror=alert(1)>")
    assert sent.status_code == 200
    row, _ = only_report(factory)
    assert row.description == "<script>alert('x')</script> end"


def test_a_hash_only_report(portal: TestClient, factory: sessionmaker[Session]) -> None:
    entries = [{"sha256": "ab" * 32, "md5": "cd" * 16, "pdq": "ef" * 32, "quality": 90,
                "size": 5_000_000_000},
               {"sha256": "12" * 32, "md5": "34" * 16, "pdq": None, "quality": None}]
    sent = report(portal, hashes=json.dumps(entries), reporter_role="child")
    assert sent.status_code == 200
    row, case = only_report(factory)
    assert case.safeguarding and row.description == ""
    assert [(h.sha256, h.pdq, h.size) for h in row.hashes] == [
        ("ab" * 32, "ef" * 32, 5_000_000_000), ("12" * 32, None, None)]


def test_busy_portal_keeps_the_answers(portal: TestClient, factory: sessionmaker[Session],
                                       portal_app: object) -> None:
    limits = portal_app.state.limits  # type: ignore[attr-defined]
    stopped = limits.submissions.clock()
    limits.submissions.clock = lambda: stopped  # no token comes back while the test runs
    while limits.submissions.take():
        pass
    busy = report(portal, description="please wait with me")
    assert busy.status_code == 429 and "please wait with me" in busy.text
    assert counts(factory) == (0, 0, 0, 0, 0)


def test_valid_fingerprints_survive_a_problem_elsewhere(portal: TestClient) -> None:
    entries = json.dumps([{"sha256": "ab" * 32, "md5": "cd" * 16}])
    bad = report(portal, hashes=entries, age_band="ninety")
    assert bad.status_code == 422
    assert field(bad.text, "hashes") == entries.replace('"', "&#34;")
