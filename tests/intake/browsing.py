"""What the portal's browser tests share: a phone browser that records its requests, a
generated benign picture, and the reporter's receipt step."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Page, Request
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.core.db import transaction
from nigehbaan.intake.models import PortalReport

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


class Reporter:
    """A fresh phone browser, recording every request it makes."""

    def __init__(self, browser: Browser, base: str, javascript: bool = True) -> None:
        self.context = browser.new_context(java_script_enabled=javascript, **PHONE)  # type: ignore[arg-type]
        self.page: Page = self.context.new_page()
        self.page.set_default_timeout(20000)
        self.base = base
        self.requests: list[Request] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def close(self) -> None:
        self.context.close()


def write_picture(folder: Path, seed: int = 20240611, name: str = "kite.png") -> Path:
    """A benign generated picture: noise with coloured ellipses (PDQ quality well above 50)."""
    rng = np.random.default_rng(seed)
    image = Image.fromarray(rng.integers(0, 256, (240, 320, 3), dtype=np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = int(rng.integers(0, 280)), int(rng.integers(0, 200))
        draw.ellipse((x, y, x + 40, y + 30), fill=(int(rng.integers(256)), 120, 200))
    path = folder / name
    image.save(path)
    return path


def only_report(factory: sessionmaker[Session]) -> PortalReport:
    with transaction(factory) as session:
        row = session.execute(select(PortalReport)).scalar_one()
        _ = (row.case, row.hashes, row.messages)
        return row


def save_receipt(page: Page) -> str:
    receipt = page.locator("#receipt").inner_text().strip()
    page.locator("#saved").check()
    page.get_by_role("button").last.click()
    return receipt
