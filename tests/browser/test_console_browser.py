"""The console as people use it, in a real browser."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.cases import register
from nigehbaan.cases.access import MASKED_NAME
from nigehbaan.cases.schemas import CaseIn
from nigehbaan.core.clock import utcnow
from nigehbaan.core.db import transaction
from nigehbaan.core.settings import Settings
from nigehbaan.web.app import create_app
from tests.browser.helpers import log_in
from tests.support import Account, serving


@pytest.fixture
def site(settings: Settings, accounts: dict[str, Account],
         factory: sessionmaker[Session]) -> Iterator[dict[str, str]]:
    now = utcnow()
    inv = accounts["investigator"].actor
    with transaction(factory) as session:
        fresh = register.open_case(session, inv, CaseIn(
            title="Recent walk-in", channel="walk_in", received_at=now - timedelta(hours=1)),
            settings)
        late = register.open_case(session, inv, CaseIn.model_validate({
            "title": "Portal report waiting too long", "channel": "public_portal",
            "received_at": now - timedelta(days=3),
            "persons": [{"role": "victim", "full_name": "Hidden Child Name", "is_minor": True}]}),
            settings)
        refs = {"fresh": fresh.reference, "late": late.reference}
    with serving(create_app(settings)) as base:
        yield {"base": base, **refs}


def test_supervisor_logs_in_with_totp_and_moves_a_case(page: Page, site: dict[str, str],
                                                       accounts: dict[str, Account]) -> None:
    sup = accounts["supervisor"]
    log_in(page, site["base"], sup)
    expect(page.locator("#login-error")).to_contain_text("one-time code")
    log_in(page, site["base"], sup, sup.code(utcnow()))
    expect(page.get_by_role("heading", name="Worklist")).to_be_visible()
    rows = page.locator("#worklist tbody tr")
    expect(rows.first).to_have_attribute("data-reference", site["late"])
    expect(rows.first).to_contain_text("OVERDUE")
    expect(rows.nth(1)).to_have_attribute("data-reference", site["fresh"])
    rows.first.get_by_role("link").click()
    expect(page.locator("#case-status")).to_have_text("received")
    page.get_by_label("To", exact=True).select_option("inquiry")
    page.get_by_label("Reason").fill("called the reporter back")
    page.get_by_role("button", name="Move").click()
    expect(page.locator("#case-status")).to_have_text("inquiry")
    expect(page.locator("#history")).to_contain_text("called the reporter back")
    page.goto(f"{site['base']}/cases")
    expect(page.locator("#worklist tbody tr").first).not_to_contain_text("OVERDUE")


def test_forbidden_move_shows_a_clear_page(page: Page, site: dict[str, str],
                                           accounts: dict[str, Account]) -> None:
    log_in(page, site["base"], accounts["investigator"])
    page.goto(f"{site['base']}/cases/{site['fresh']}")
    page.get_by_label("To", exact=True).select_option("merged")
    page.get_by_label("Reason").fill("duplicate")
    page.get_by_role("button", name="Move").click()
    expect(page.locator("#error-detail")).to_contain_text("merged_into")


def test_minor_name_is_masked_for_another_user(page: Page, site: dict[str, str],
                                               accounts: dict[str, Account]) -> None:
    log_in(page, site["base"], accounts["investigator"])
    page.goto(f"{site['base']}/cases/{site['late']}")
    expect(page.locator("#persons .person-name")).to_have_text("Hidden Child Name")
    page.get_by_role("button", name="Log out").click()
    log_in(page, site["base"], accounts["colleague"])
    page.goto(f"{site['base']}/cases/{site['late']}")
    expect(page.locator("#persons .person-name")).to_have_text(MASKED_NAME)
    expect(page.locator("body")).not_to_contain_text("Hidden Child Name")


def test_outsider_is_refused(page: Page, site: dict[str, str],
                             accounts: dict[str, Account]) -> None:
    log_in(page, site["base"], accounts["outsider"])
    response = page.goto(f"{site['base']}/cases/{site['late']}")
    assert response is not None and response.status == 403
    expect(page.locator("#error-detail")).to_contain_text("not assigned to you or your unit")
