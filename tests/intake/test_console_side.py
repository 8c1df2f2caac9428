"""What officers see of portal reports: need-to-know, inert reporter text, audited replies,
and the supervisor's queue with safeguarding cases on top."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.cases import moves, register
from nigehbaan.cases.schemas import CaseIn
from nigehbaan.core.audit import AuditEvent
from nigehbaan.core.clock import utcnow
from nigehbaan.core.db import transaction
from nigehbaan.core.settings import Settings
from nigehbaan.intake.models import PortalReport
from tests.intake.portal_support import come_back, receipt_of, report
from tests.support import Account, login, open_case

SCRIPT = "<script>alert('pwned')</script>"
ALL_FIELDS = {"description": SCRIPT, "platform": SCRIPT, "groups": SCRIPT, "people": SCRIPT,
              "contact": SCRIPT}


def reference(factory: sessionmaker[Session], index: int = 0) -> str:
    with transaction(factory) as session:
        rows = session.execute(select(PortalReport).order_by(PortalReport.id)).scalars().all()
        return rows[index].case.reference


def test_script_in_every_field_is_inert_in_the_console(
        portal: TestClient, client: TestClient, factory: sessionmaker[Session],
        accounts: dict[str, Account]) -> None:
    visit = come_back(portal, receipt_of(report(portal, **ALL_FIELDS)))
    visit.send(SCRIPT)
    visit.send(SCRIPT, "information")
    login(client, accounts["supervisor"], accounts["supervisor"].code(utcnow()))
    page = client.get(f"/cases/{reference(factory)}/reporter")
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    assert page.text.count("&lt;script&gt;alert(") >= 7
    api = client.get(f"/api/v1/cases/{reference(factory)}/reporter",
                     headers=accounts["supervisor"].headers).json()
    assert api["description"] == SCRIPT and api["messages"][0]["body"] == SCRIPT


def test_replying_from_the_console_is_audited_and_reaches_the_reporter(
        portal: TestClient, client: TestClient, factory: sessionmaker[Session],
        accounts: dict[str, Account]) -> None:
    receipt = receipt_of(report(portal, description="help"))
    ref = reference(factory)
    csrf = login(client, accounts["investigator"])
    assert client.post(f"/cases/{ref}/reporter", data={"body": "no csrf"}).status_code == 422
    refused = client.post(f"/cases/{ref}/reporter", data={"csrf": "wrong", "body": "x"})
    assert refused.status_code == 403
    sent = client.post(f"/cases/{ref}/reporter", data={"csrf": csrf, "body": "We are on it."},
                       follow_redirects=False)
    assert sent.status_code == 303 and "/reporter#message-" in sent.headers["location"]
    assert "We are on it." in client.get(f"/cases/{ref}/reporter").text
    assert "We are on it." in come_back(portal, receipt).page.text
    with transaction(factory) as session:
        actions = [e.action for e in session.execute(
            select(AuditEvent).where(AuditEvent.object_ref == ref)
            .order_by(AuditEvent.seq)).scalars()]
    assert actions[:2] == ["case.open", "portal.report"]
    assert "portal.reply" in actions and "portal.read" in actions


def test_case_page_links_the_reporter_only_when_a_portal_report_is_there(
        portal: TestClient, client: TestClient, factory: sessionmaker[Session],
        accounts: dict[str, Account]) -> None:
    """A case opened by hand with the portal as its channel has no reporter's page: the case
    page linked one anyway, and the link led to a 404 (21 such cases in the demo)."""
    report(portal, description="help")
    reported = reference(factory)
    inv = accounts["investigator"]
    hand_ref = open_case(client, inv, "Portal report taken by phone", "public_portal")
    login(client, inv)
    link = 'href="/cases/{}/reporter"'
    assert link.format(reported) in client.get(f"/cases/{reported}").text
    page = client.get(f"/cases/{hand_ref}")
    assert page.status_code == 200
    assert 'id="reporter"' not in page.text and link.format(hand_ref) not in page.text


def test_need_to_know_applies(portal: TestClient, client: TestClient,
                              factory: sessionmaker[Session],
                              accounts: dict[str, Account]) -> None:
    report(portal, description="x")
    ref = reference(factory)
    path = f"/api/v1/cases/{ref}/reporter"
    assert client.get(path, headers=accounts["outsider"].headers).status_code == 403
    assert client.get(path, headers=accounts["auditor"].headers).status_code == 403
    analyst = client.get(path, headers=accounts["analyst"].headers)
    assert analyst.status_code == 200 and analyst.json()["can_reply"] is False
    assert client.post(f"{path}/messages", json={"body": "x"},
                       headers=accounts["analyst"].headers).status_code == 403
    assert client.post(f"{path}/messages", json={"body": "hi"},
                       headers=accounts["investigator"].headers).status_code == 201
    assert client.post(f"{path}/messages", json={"body": ""},
                       headers=accounts["investigator"].headers).status_code == 422
    assert client.get("/api/v1/cases/CC-2000-0001/reporter",
                      headers=accounts["analyst"].headers).status_code == 404


def test_a_case_not_from_the_portal_has_no_reporter_page(
        client: TestClient, factory: sessionmaker[Session], settings: Settings,
        accounts: dict[str, Account]) -> None:
    with transaction(factory) as session:
        ref = register.open_case(session, accounts["investigator"].actor,
                                 CaseIn(title="Walk-in", channel="walk_in"),
                                 settings).reference
    answer = client.get(f"/api/v1/cases/{ref}/reporter", headers=accounts["analyst"].headers)
    assert answer.status_code == 404 and "portal" in answer.json()["detail"]


def test_a_child_reporters_contact_is_for_the_assigned_team_only(
        portal: TestClient, client: TestClient, factory: sessionmaker[Session],
        accounts: dict[str, Account]) -> None:
    report(portal, description="it is me", reporter_role="child", contact="0300 7654321")
    ref = reference(factory)
    path = f"/api/v1/cases/{ref}/reporter"
    hidden = client.get(path, headers=accounts["supervisor"].headers).json()
    assert "7654321" not in str(hidden) and hidden["contact"].startswith("[withheld")
    with transaction(factory) as session:
        moves.assign(session, accounts["supervisor"].actor, ref, "investigator")
    shown = client.get(path, headers=accounts["investigator"].headers).json()
    assert shown["contact"] == "0300 7654321"
    assert [c["value"] for c in shown["contacts"]] == ["+923007654321"]


def test_invalid_numbers_are_flagged_on_the_console(
        portal: TestClient, client: TestClient, factory: sessionmaker[Session],
        accounts: dict[str, Account]) -> None:
    report(portal, description="x", people="+92 300 123\n+92 300 1234567")
    login(client, accounts["investigator"])
    page = client.get(f"/cases/{reference(factory)}/reporter").text
    assert page.count('class="flagged"') == 1 and "not a valid phone number" in page
    case_page = client.get(f"/cases/{reference(factory)}").text
    assert f'href="/cases/{reference(factory)}/reporter"' in case_page


def test_the_queue_puts_safeguarding_first(portal: TestClient, client: TestClient,
                                           factory: sessionmaker[Session], settings: Settings,
                                           accounts: dict[str, Account]) -> None:
    with transaction(factory) as session:
        old = register.open_case(session, accounts["investigator"].actor, CaseIn(
            title="Old walk-in", channel="walk_in",
            received_at=utcnow() - timedelta(days=5)), settings).reference
    visit = come_back(portal, receipt_of(report(portal, description="calm report")))
    visit.send("anyone?")
    report(portal, description="it is me", reporter_role="child")
    report(portal, description="spreading", spreading_now="yes")
    items = client.get("/api/v1/queue", headers=accounts["supervisor"].headers).json()
    assert [i["safeguarding"] for i in items] == [True, True, False, False]
    assert items[2]["reference"] == old and items[2]["overdue"]
    assert items[3]["reporter_messages"] == 1
    assert client.get("/api/v1/queue", headers=accounts["investigator"].headers
                      ).status_code == 403
    login(client, accounts["supervisor"], accounts["supervisor"].code(utcnow()))
    html = client.get("/queue").text
    rows = re.findall(r'<tr data-reference="([^"]+)"( class="safeguarding")?', html)
    assert [bool(flag) for _, flag in rows] == [True, True, False, False]
    assert 'href="/queue"' in html
