"""The quick exit on every portal page: visible, translated, keyboard-reachable, configurable,
a plain no-referrer link without JavaScript; and the page it leaves keeps nothing cached."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, Route, expect
from pydantic import ValidationError

from nigehbaan.core.settings import Settings
from nigehbaan.intake.config import PortalConfig
from nigehbaan.intake.portal import create_portal_app
from tests.intake.browsing import Reporter
from tests.intake.portal_support import UNIT, come_back, receipt_of, report
from tests.support import serving

DEFAULT = "https://www.google.com/search?q=weather"
PAGES = ["/", "/ur/", "/en/", "/ur/report", "/en/report", "/en/return", "/ur/return",
         "/en/help/added-to-a-group", "/ur/help/get-help", "/en/nowhere", "/xx/report"]
EXIT_LINK = re.compile(r'<a class="quick-exit" id="quick-exit" href="([^"]+)" '
                       r'rel="noreferrer" data-quick-exit[^>]*>(.*?)</a>', re.S)


def exit_link(html: str) -> tuple[str, str]:
    found = EXIT_LINK.search(html)
    assert found, html[:800]
    return found.group(1).replace("&amp;", "&"), re.sub(r"<[^>]+>", "", found.group(2))


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_quick_exit_first(portal: TestClient, path: str) -> None:
    page = portal.get(path)
    href, words = exit_link(page.text)
    assert href == DEFAULT
    assert '<script src="/static/js/quickexit.js"></script>' in page.text
    # First thing after the skip link, before the page's own header and content.
    assert page.text.index('id="quick-exit"') < page.text.index('id="main"')
    if 'class="skip"' in page.text:
        assert page.text.index('class="skip"') < page.text.index('id="quick-exit"')
    if path.startswith("/ur") or path == "/":
        assert "اس سائٹ سے فوراً نکلیں" in words
    if path.startswith("/en") or path == "/":
        assert "Leave this site quickly" in words


def test_the_status_page_and_the_answers_to_bad_input_have_it_too(portal: TestClient) -> None:
    visit = come_back(portal, receipt_of(report(portal, "ur", description="x")), "ur")
    assert exit_link(visit.page.text)[1] == "اس سائٹ سے فوراً نکلیں"
    too_large = portal.post("/en/report", content=b"x" * (300 * 1024),
                            headers={"content-type": "application/x-www-form-urlencoded"})
    assert too_large.status_code == 413 and exit_link(too_large.text)[0] == DEFAULT


def test_the_destination_is_a_setting(settings: Settings) -> None:
    config = PortalConfig(unit=UNIT, exit_url="https://news.example.org/weather?city=Lahore")
    with TestClient(create_portal_app(settings, config), base_url="https://portal.test") as c:
        assert exit_link(c.get("/en/report").text)[0] == config.exit_url
    for bad in ("javascript:alert(1)", "/en/", "www.example.org", "", "https://x.org/a b",
                'https://x.org/"><script>'):
        with pytest.raises(ValidationError, match="exit_url"):
            PortalConfig(exit_url=bad)


def test_nothing_of_the_visit_is_cached_or_kept(portal: TestClient) -> None:
    form = portal.get("/en/report")
    typed = report(portal, description="words to forget")
    visit = come_back(portal, receipt_of(typed))
    for answer in (form, typed, visit.page, visit.send("more words")):
        assert answer.headers["cache-control"] == "no-store"
        assert "set-cookie" not in answer.headers
    assert portal.cookies == {}
    script = portal.get("/static/js/quickexit.js")
    assert script.status_code == 200 and "location.replace" in script.text
    assert "javascript" in script.headers["content-type"]


@pytest.fixture
def leaving(reporter: Reporter) -> Iterator[Page]:
    """A reporter whose browser answers for the everyday site itself (no network in tests)."""

    def weather(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html",
                      body="<!doctype html><title>Weather</title><p>Sunny, 31 degrees</p>")

    reporter.context.route("https://www.google.com/**", weather)
    yield reporter.page



@pytest.mark.browser
def test_clicking_leaves_and_back_does_not_return_to_the_form(
        leaving: Page, reporter: Reporter) -> None:
    page = leaving
    page.goto(reporter.base + "/en/")
    page.get_by_role("link", name="Make a report").click()
    page.get_by_label("What happened?").fill("a secret")
    expect(page.locator("#quick-exit")).to_have_attribute("data-ready", "true")
    page.get_by_role("link", name="Leave this site quickly").click()
    page.wait_for_url(DEFAULT)
    expect(page.locator("p")).to_have_text("Sunny, 31 degrees")
    page.go_back()
    assert page.url != reporter.base + "/en/report"  # the form's entry was replaced
    assert "a secret" not in page.content()
    assert reporter.context.cookies() == [] and reporter.errors == []


@pytest.mark.browser
def test_escape_twice_leaves_and_the_button_is_reached_by_keyboard(
        leaving: Page, reporter: Reporter) -> None:
    page = leaving
    page.goto(reporter.base + "/ur/report")
    expect(page.locator("#quick-exit")).to_have_attribute("data-ready", "true")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # skip link, then the way out
    assert page.evaluate("document.activeElement.id") == "quick-exit"
    page.get_by_label("کیا ہوا؟").fill("ایک راز")
    page.keyboard.press("Escape")
    assert page.url == reporter.base + "/ur/report"  # once is not enough
    page.keyboard.press("Escape")
    page.wait_for_url(DEFAULT)
    page.go_back()
    assert page.url != reporter.base + "/ur/report"


@pytest.fixture
def browser_reporter_without_js(portal_app: FastAPI, browser: Browser) -> Iterator[Reporter]:
    with serving(portal_app) as base:
        made = Reporter(browser, base, javascript=False)
        made.context.route("https://www.google.com/**", lambda route: route.fulfill(
            status=200, content_type="text/html", body="<p>Sunny, 31 degrees</p>"))
        yield made
        made.close()


@pytest.mark.browser
def test_without_javascript_it_is_a_plain_link_to_the_same_site(
        browser_reporter_without_js: Reporter) -> None:
    page = browser_reporter_without_js.page
    page.goto(browser_reporter_without_js.base + "/en/return")
    link = page.get_by_role("link", name="Leave this site quickly")
    expect(link).to_have_attribute("href", DEFAULT)
    expect(link).to_have_attribute("rel", "noreferrer")
    link.click()
    page.wait_for_url(DEFAULT)
    expect(page.locator("p")).to_have_text("Sunny, 31 degrees")
