"""The chat-group page in a real browser: figures drawn by the installed plotly under the CSP,
filters, an analyst's decision beside the advice, and uploaded media shown only as blurred
previews with their known-list badges."""

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
from tests.browser.helpers import log_in
from tests.chats.groups import export_path, write_groups
from tests.chats.media_export import hash_list, write_export
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


def test_uploaded_export_shows_blurred_media_with_match_badges(
        page: Page, settings: Settings, accounts: dict[str, Account],
        factory: sessionmaker[Session], tmp_path: Path) -> None:
    export = write_export(tmp_path / "export")
    hash_list(factory, accounts["admin"].actor, export, tmp_path)
    inv = accounts["investigator"]
    with transaction(factory) as session:
        ref = register.open_case(session, inv.actor, CaseIn(title="Seized phone",
                                                            channel="walk_in"), settings).reference
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    with serving(create_app(settings)) as base:
        log_in(page, base, inv)
        page.goto(f"{base}/cases/{ref}/chats")
        expect(page.locator("#media")).to_be_checked()
        page.locator("#export").set_input_files(str(export.zip))
        page.get_by_role("button", name="Import").click()
        expect(page.locator("#known-media")).to_contain_text("1 item(s) match known lists")
        known = page.locator("#shared-media .media-card.status-matched").first
        expect(known).to_contain_text("agency list · suggested 1")
        image = known.locator("img.media-preview")
        expect(image).to_have_attribute("src", f"/evidence/{export.sha256}/preview.jpg")
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=image.element_handle())
        assert "blur" in image.evaluate("img => getComputedStyle(img).filter")
        expect(page.locator("#shared-media .media-card[data-status=no_match]").first
               ).to_be_visible()
    assert missing == [], missing
    assert [e for e in errors if "script" in e.lower()] == [], errors
