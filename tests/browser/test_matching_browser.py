"""Matching in the console: run, see the list's suggestion, confirm it without seeing the item."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.cases import register
from nigehbaan.cases.schemas import CaseIn
from nigehbaan.core.actors import Actor
from nigehbaan.core.db import transaction
from nigehbaan.core.settings import Settings
from nigehbaan.evidence import acquisition
from nigehbaan.matching import lists
from nigehbaan.web.app import create_app
from tests.browser.helpers import log_in
from tests.support import Account, serving


@pytest.fixture
def held(settings: Settings, accounts: dict[str, Account], factory: sessionmaker[Session],
         operator: Actor, tmp_path: Path) -> Iterator[dict[str, str]]:
    inv = accounts["investigator"].actor
    with transaction(factory) as session:
        reference = register.open_case(session, inv, CaseIn(title="Phone", channel="walk_in"),
                                       settings).reference
    folder = tmp_path / "phone"
    folder.mkdir()
    rng = np.random.default_rng(8)
    for name in ("known.png", "unknown.png"):
        pixels = rng.integers(0, 255, (96, 128, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / name)
    listing = tmp_path / "list.csv"
    md5 = hashlib.md5((folder / "known.png").read_bytes()).hexdigest()
    listing.write_text(f"hash_type,hash,category\nmd5,{md5},1\n")
    with transaction(factory) as session:
        lists.import_list(session, operator, listing, lists.ListOptions(
            name="hotline", format="csv", scheme="vics-us"))
    with ThreadPoolExecutor(1) as pool:
        acquisition.ingest(factory, inv, reference, folder, "phone", settings, executor=pool)
    with serving(create_app(settings)) as base:
        yield {"base": base, "case": reference, "md5": md5}


def test_matches_are_confirmed_from_the_suggestion(
        page: Page, held: dict[str, str], accounts: dict[str, Account]) -> None:
    log_in(page, held["base"], accounts["analyst"])
    page.goto(f"{held['base']}/cases/{held['case']}")
    expect(page.locator('#known-figures [data-figure="matched"]')).to_have_text(
        "1 (0 confirmed, 1 unconfirmed)")
    expect(page.locator('#known-figures [data-figure="queue"]')).to_have_text("1")
    page.get_by_role("link", name="Matches against hash lists").click()
    rows = page.locator("#matches tbody tr[data-item]")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("li[data-match]")).to_have_count(1)
    expect(rows.first).to_contain_text("exact-md5")
    expect(rows.first.locator("img.preview")).to_have_attribute(
        "src", f"/evidence/{rows.first.get_attribute('data-item')}/preview.jpg")
    expect(rows.first.get_by_label("category")).to_have_value("1")
    expect(page.locator("#review-queue li[data-sha256]")).to_have_count(1)
    rows.first.get_by_role("button", name="Confirm").click()
    expect(page.locator("#matches td.confirmation").first).to_have_text(
        "confirmed: 1 by analyst")
    expect(page.locator("#matches form")).to_have_count(0)
    expect(page.locator("#run-form")).to_have_count(0)
    page.goto(f"{held['base']}/cases/{held['case']}")
    expect(page.locator('#known-figures [data-figure="confirmed"]')).to_have_text("1")
    page.goto(f"{held['base']}/cases/{held['case']}/evidence")
    expect(page.locator("#items .match-badge")).to_have_text(["confirmed: 1"])
