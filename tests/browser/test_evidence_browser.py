"""Evidence in the console: blurred previews by default, the real content only with a reason."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.cases import register
from nigehbaan.cases.schemas import CaseIn
from nigehbaan.core.db import transaction
from nigehbaan.core.settings import Settings
from nigehbaan.evidence import acquisition
from nigehbaan.evidence.models import CustodyEvent
from nigehbaan.web.app import create_app
from tests.browser.helpers import log_in
from tests.support import Account, serving


@pytest.fixture
def held(settings: Settings, accounts: dict[str, Account], factory: sessionmaker[Session],
         tmp_path: Path) -> Iterator[dict[str, str]]:
    inv = accounts["investigator"].actor
    with transaction(factory) as session:
        reference = register.open_case(session, inv, CaseIn(title="Phone", channel="walk_in"),
                                       settings).reference
    folder = tmp_path / "phone"
    folder.mkdir()
    Image.new("RGB", (320, 240), (200, 40, 40)).save(folder / "red.png")
    with ThreadPoolExecutor(1) as pool:
        acquisition.ingest(factory, inv, reference, folder, "phone", settings, executor=pool)
    with serving(create_app(settings)) as base:
        yield {"base": base, "case": reference}


def test_previews_are_blurred_and_full_view_is_recorded(
        page: Page, held: dict[str, str], accounts: dict[str, Account],
        factory: sessionmaker[Session]) -> None:
    log_in(page, held["base"], accounts["investigator"])
    page.goto(f"{held['base']}/cases/{held['case']}/evidence")
    thumb = page.locator("#items img.preview")
    expect(thumb).to_have_count(1)
    expect(thumb).to_have_attribute("loading", "lazy")  # in view, so it loads at once
    page.wait_for_function("() => { const img = document.querySelector('#items img.preview');"
                           " return img.complete && img.naturalWidth > 0; }")
    pixels = page.evaluate("""() => {
        const img = document.querySelector('#items img.preview');
        const canvas = document.createElement('canvas');
        canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
        const ctx = canvas.getContext('2d'); ctx.drawImage(img, 0, 0);
        const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let coloured = 0;
        for (let i = 0; i < d.length; i += 4) {
            if (Math.abs(d[i] - d[i + 1]) > 8 || Math.abs(d[i + 1] - d[i + 2]) > 8) coloured++;
        }
        return coloured;
    }""")
    assert pixels == 0, "the preview must be greyscale"
    page.locator("#items a").first.click()
    page.get_by_label("Reason to see it unblurred").fill("compare with the complaint")
    with page.expect_response(lambda r: r.url.endswith("/view")) as shown:
        page.get_by_role("button", name="Show unblurred").click()
    assert shown.value.headers["content-type"] == "image/png"
    with transaction(factory) as session:
        viewed = session.execute(select(CustodyEvent).where(
            CustodyEvent.action == "viewed")).scalars().all()
    assert [(e.actor, e.reason) for e in viewed] == [("investigator", "compare with the complaint")]
