"""Statistics in a real browser: plotly from the installed package draws every chart under the
console's CSP, the annual report prints to PDF, and arrival hits appear on the case page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.cases import register
from nigehbaan.cases.schemas import CaseIn
from nigehbaan.core.db import transaction
from nigehbaan.core.settings import Settings
from nigehbaan.referrals.incoming import receive_referral
from nigehbaan.referrals.schemas import IncomingReferralIn
from nigehbaan.web.app import create_app
from tests.browser.helpers import log_in
from tests.support import Account, serving

PHONE = "+34612345678"


@pytest.fixture
def site(settings: Settings, accounts: dict[str, Account],
         factory: sessionmaker[Session]) -> Iterator[dict[str, str]]:
    inv = accounts["investigator"].actor
    with transaction(factory) as session:
        for month in (1, 2, 2, 5):
            register.open_case(session, inv, CaseIn.model_validate({
                "title": "Walk-in", "channel": "walk_in", "region": "Sindh",
                "received_at": datetime(2018, month, 3, tzinfo=UTC),
                "persons": [{"role": "suspect", "identifiers": [
                    {"kind": "phone", "value": PHONE}]}]}), settings)
        case, _ = receive_referral(session, inv, IncomingReferralIn.model_validate({
            "agency": "Embassy of Spain", "country": "ES", "subjects": [
                {"identifiers": [{"kind": "phone", "value": PHONE}]}]}), settings)
        referred = case.reference
    with serving(create_app(settings)) as base:
        yield {"base": base, "referred": referred}


def test_dashboard_draws_every_chart_without_csp_errors(
        page: Page, site: dict[str, str], accounts: dict[str, Account]) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    log_in(page, site["base"], accounts["investigator"])
    page.goto(f"{site['base']}/stats")
    charts = page.locator(".chart")
    count = charts.count()
    assert count >= 8
    for index in range(count):
        expect(charts.nth(index)).to_have_attribute("data-drawn", "true")
        expect(charts.nth(index).locator("svg.main-svg").first).to_be_visible()
    expect(page.locator("table[data-key='cases_by_year'] tbody tr").first).to_contain_text("2018")
    # No script is refused and nothing fails. (plotly.min.js still tries to set one inline
    # style attribute, which the CSP blocks without visible effect: its rule sheet is ours.)
    assert [p for p in problems if "script" in p.lower() or "Uncaught" in p] == []


def test_annual_report_prints_to_pdf(page: Page, site: dict[str, str],
                                     accounts: dict[str, Account]) -> None:
    log_in(page, site["base"], accounts["investigator"])
    page.goto(f"{site['base']}/stats/annual?year=2018")
    expect(page.locator("#report-total")).to_have_text("4 cases received in 2018.")
    expect(page.locator(".chart").first).to_have_attribute("data-drawn", "true")
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 2


def test_arrival_hits_show_on_the_new_case(page: Page, site: dict[str, str],
                                           accounts: dict[str, Account]) -> None:
    log_in(page, site["base"], accounts["investigator"])
    page.goto(f"{site['base']}/cases/{site['referred']}")
    hits = page.locator("#arrival-hits li.hit")
    expect(hits).to_have_count(4)
    expect(hits.first).to_contain_text(f"this phone number {PHONE} is a suspect's in case CC-2018-")


