"""The portal in Debian's chromium: what a reporter on a phone actually does."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.core.db import transaction
from nigehbaan.intake import conversation
from nigehbaan.intake.models import PortalMessage
from tests.intake.browsing import Reporter, only_report, save_receipt, write_picture
from tests.intake.test_browser_hashing import hamming, pdq_of_file
from tests.support import Account

pytestmark = pytest.mark.browser


def test_a_full_report_in_urdu(reporter: Reporter, factory: sessionmaker[Session]) -> None:
    page = reporter.page
    page.goto(reporter.base + "/")
    page.locator('a[href="/ur/"]').click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.get_by_role("link", name="رپورٹ درج کریں").first.click()
    page.get_by_label("کیا ہوا؟").fill("ایک انجان شخص نے مجھے گروپ میں شامل کیا اور تصویریں مانگیں")
    page.get_by_label("کس ایپ یا ویب سائٹ پر؟").fill("واٹس ایپ")
    page.get_by_label("میں وہ بچہ یا نوجوان ہوں جس کے ساتھ یہ ہوا").check()
    page.get_by_label("13 سے 15 سال").check()
    page.get_by_role("button", name="رپورٹ بھیجیں").click()
    expect(page.locator("h1")).to_have_text("آپ کی رپورٹ بھیج دی گئی")
    assert page.url == reporter.base + "/ur/report"  # the address never changed
    expect(page.locator("#receipt")).to_have_text(re.compile(r"^\d{4} \d{4} \d{4} \d{4}$"))
    page.get_by_role("button", name="آگے بڑھیں").click()  # not ticked: the browser holds it
    expect(page.locator("#receipt")).to_be_visible()
    save_receipt(page)
    expect(page.locator("h1")).to_have_text("ہمیں بتانے کا شکریہ")
    row = only_report(factory)
    assert row.language == "ur" and row.case.safeguarding and row.age_band == "13_15"
    assert row.description.startswith("ایک انجان شخص")
    assert all("?" not in r.url for r in reporter.requests)
    assert {r.url.split("/")[2] for r in reporter.requests} == {reporter.base.split("/")[2]}
    assert reporter.context.cookies() == [] and reporter.errors == []


def test_english_report_then_back_with_the_receipt_to_read_the_officer(
        reporter: Reporter, factory: sessionmaker[Session],
        accounts: dict[str, Account]) -> None:
    page = reporter.page
    page.goto(reporter.base + "/en/report")
    page.get_by_label("What happened?").fill("Someone is sharing a picture of my sister")
    page.get_by_label("Phone numbers or usernames of the people involved").fill(
        "+92 300 1234567\n@kite_runner_99")
    page.get_by_label("Yes").check()
    page.get_by_label("I am a parent or guardian").check()
    page.get_by_role("button", name="Send the report").click()
    receipt = save_receipt(page)
    expect(page.locator("h1")).to_have_text("Thank you for telling us")
    reference = only_report(factory).case.reference
    with transaction(factory) as session:
        conversation.reply(session, accounts["investigator"].actor, reference,
                           "Thank you. Please do not delete the chat.")
    page.goto(reporter.base + "/en/return")
    page.get_by_label("Your receipt code").fill(receipt)
    page.get_by_role("button", name="Open my report").click()
    expect(page.locator("#status-words")).to_have_text(
        "Received. Your report is waiting for an officer.")
    expect(page.locator("#messages")).to_contain_text("Please do not delete the chat.")
    assert reference not in page.content()
    page.get_by_label("Your message").fill("I will keep it. Thank you.")
    page.get_by_role("button", name="Send the message").click()
    expect(page.locator("#messages")).to_contain_text("I will keep it. Thank you.")
    assert page.url == reporter.base + "/en/return"
    with transaction(factory) as session:
        bodies = list(session.execute(select(PortalMessage.body)
                                      .order_by(PortalMessage.id)).scalars())
    assert bodies == ["Thank you. Please do not delete the chat.", "I will keep it. Thank you."]
    assert reporter.context.cookies() == [] and reporter.errors == []


def test_a_hash_only_report_sends_the_fingerprints_not_the_picture(
        reporter: Reporter, factory: sessionmaker[Session], tmp_path: Path) -> None:
    picture = write_picture(tmp_path)
    page = reporter.page
    page.goto(reporter.base + "/en/report")
    expect(page.locator("#own-section")).to_be_visible()
    page.set_input_files("#own", str(picture))
    page.wait_for_selector("#own[data-state=done]")
    expect(page.locator("#own-status")).to_contain_text("fingerprint ready")
    page.get_by_label("I am the child or young person this happened to").check()
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator("#receipt")).to_be_visible()
    posts = [r for r in reporter.requests if r.method == "POST"]
    assert len(posts) == 1
    body = posts[0].post_data_buffer or b""
    assert len(body) < 4096 and picture.name.encode() not in body
    assert picture.read_bytes()[:64] not in body
    row = only_report(factory)
    [entry] = row.hashes
    data = picture.read_bytes()
    assert (entry.sha256, entry.md5) == (hashlib.sha256(data).hexdigest(),
                                         hashlib.md5(data).hexdigest())
    assert entry.pdq is not None and hamming(entry.pdq, pdq_of_file(picture)[0]) <= 8
    assert entry.size == len(data) and row.description == "" and row.case.safeguarding


def test_keyboard_only(reporter: Reporter, factory: sessionmaker[Session]) -> None:
    page = reporter.page
    page.goto(reporter.base + "/en/report")

    def tab_to(selector: str, limit: int = 40) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    tab_to("#description")
    page.keyboard.type("Typed with the keyboard only")
    tab_to("input[name=spreading_now]")
    page.keyboard.press("Space")
    tab_to("button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#receipt")).to_be_visible()
    tab_to("#saved")
    page.keyboard.press("Space")
    tab_to("#confirm-form button")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Thank you for telling us")
    row = only_report(factory)
    assert row.description == "Typed with the keyboard only" and row.spreading_now == "yes"


def test_everything_but_hashing_works_without_javascript(
        browser: Browser, site: str, factory: sessionmaker[Session]) -> None:
    reporter = Reporter(browser, site, javascript=False)
    try:
        page = reporter.page
        page.goto(site + "/en/report")
        expect(page.locator("#own-section")).to_be_hidden()
        page.get_by_label("What happened?").fill("No script here")
        page.get_by_role("button", name="Send the report").click()
        receipt = save_receipt(page)
        expect(page.locator("h1")).to_have_text("Thank you for telling us")
        page.goto(site + "/en/return")
        page.get_by_label("Your receipt code").fill(receipt)
        page.get_by_role("button", name="Open my report").click()
        page.get_by_label("New information (names, numbers, links, what happened next)").fill(
            "one more thing")
        page.get_by_role("button", name="Add to my report").click()
        expect(page.locator("#messages")).to_contain_text("one more thing")
        assert only_report(factory).description == "No script here"
    finally:
        reporter.close()
