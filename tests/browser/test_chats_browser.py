"""The chat-group page in a real browser: figures drawn by the installed plotly under the CSP,
filters, and an analyst's decision beside the advice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.cases import register
from nigehbaan.cases.schemas import CaseIn
from nigehbaan.chats import importer
from nigehbaan.core.db import transaction
from nigehbaan.core.settings import Settings
from nigehbaan.web.app import create_app
from tests.browser.test_console_browser import log_in
from tests.chats.groups import export_path, write_groups
from tests.support import Account, serving


@pytest.fixture
def site(settings: Settings, accounts: dict[str, Account], factory: sessionmaker[Session],
         tmp_path: Path) -> Iterator[dict[str, str]]:
    manifest = write_groups(tmp_path, with_media=False)
    export = export_path(tmp_path, manifest, "whatsapp-android-en", "txt")
    inv = accounts["investigator"].actor
    with transaction(factory) as session:
        case = register.open_case(session, inv, CaseIn(title="Seized phone", channel="walk_in"),
                                  settings)
        group = importer.import_export(session, inv, case.reference, export).group
        refs = {"case": case.reference, "group": str(group.id)}
    with serving(create_app(settings)) as base:
        yield {"base": base, **refs}


def test_group_page_draws_networks_and_records_a_decision(
        page: Page, site: dict[str, str], accounts: dict[str, Account]) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, site["base"], accounts["analyst"])
    page.goto(f"{site['base']}/cases/{site['case']}")
    page.get_by_role("link", name="Chat groups").click()
    page.get_by_role("link", name="Cricket Club Lahore 2023").click()
    expect(page.locator("#recruitment-chart")).to_have_attribute("data-drawn", "true",
                                                                 timeout=30000)
    expect(page.locator("#interaction-chart")).to_have_attribute("data-drawn", "true")
    expect(page.locator("#recruitment-chart .main-svg").first).to_be_visible()
    expect(page.locator("#countries")).to_contain_text("in Pakistan")
    page.locator("#member-filters select[name=triage]").select_option("possible_victim")
    page.get_by_role("button", name="Show").click()
    rows = page.locator("#members tbody tr")
    expect(rows.first).to_have_attribute("data-triage", "possible_victim")
    rows.first.get_by_role("link").first.click()
    expect(page.locator("#advice")).to_contain_text("possible victim")
    expect(page.locator("#timeline tr.cited").first).to_be_visible()
    page.get_by_label("Category").select_option("possible_victim")
    page.get_by_label("Reason").fill("asked for pictures by two members")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator("#decision")).to_contain_text("asked for pictures by two members")
    # plotly's own injected <style> is refused by the CSP (its layout rules are in
    # web/static/plotly.css); what must never be refused is a script.
    assert [e for e in errors if "script" in e.lower()] == [], errors
