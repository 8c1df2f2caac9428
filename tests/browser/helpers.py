"""Steps many browser tests share."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.support import Account


def log_in(page: Page, base: str, account: Account, code: str = "") -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(account.username)
    page.get_by_label("Password").fill(account.password)
    if code:
        page.get_by_label("One-time code").fill(code)
    page.get_by_role("button", name="Log in").click()
