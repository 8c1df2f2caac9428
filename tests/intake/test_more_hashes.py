"""A returning reporter adds fingerprints of more of their own pictures from the status page:
they join the report's hash list, duplicates are skipped, bad uploads refused with a clear
message, limits and audit as for other additions, and matching picks them up incrementally."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.core.actors import Actor
from nigehbaan.core.audit import AuditEvent
from nigehbaan.core.db import transaction
from nigehbaan.intake import conversation, tokens
from nigehbaan.intake.models import PortalReport, ReportedHash
from nigehbaan.matching import victims
from nigehbaan.matching.models import HashEntry
from tests.intake.browsing import Reporter, only_report, write_picture
from tests.intake.portal_support import Visit, come_back, receipt_of, report
from tests.intake.test_browser_hashing import hamming, pdq_of_file
from tests.support import Account


def entry(n: int, quality: int | None = 80) -> dict[str, Any]:
    made: dict[str, Any] = {"sha256": f"{n:02x}" * 32, "md5": f"{n + 100:02x}" * 16,
                            "size": 1000 + n}
    if quality is not None:
        made.update(pdq=f"{n + 50:02x}" * 32, quality=quality)
    return made


def visit_with(portal: TestClient, *entries: dict[str, Any], lang: str = "en") -> Visit:
    sent = report(portal, lang, description="it keeps spreading",
                  hashes=json.dumps(list(entries)) if entries else "")
    return come_back(portal, receipt_of(sent), lang)


def stored(factory: sessionmaker[Session]) -> list[str]:
    with transaction(factory) as session:
        return list(session.execute(select(ReportedHash.sha256)
                                    .order_by(ReportedHash.id)).scalars())


def reference(factory: sessionmaker[Session]) -> str:
    with transaction(factory) as session:
        return session.execute(select(PortalReport)).scalar_one().case.reference


def test_the_status_page_offers_it_hidden_until_the_script_runs(portal: TestClient) -> None:
    page = visit_with(portal).page.text
    assert 'id="hashes-form"' in page and 'name="action" value="hashes"' in page
    assert '<fieldset id="own-section" class="own" data-nigehbaan-hash-section hidden>' in page
    assert '<input type="file" id="own" multiple' in page
    assert 'type="file" name=' not in page  # a file input without a name is never sent
    for script in ("hashblock", "md5", "sha256", "pdq", "hashreport"):
        assert f'<script src="/static/js/{script}.js"></script>' in page


def test_added_fingerprints_join_the_report_and_reach_the_officer(
        portal: TestClient, factory: sessionmaker[Session],
        accounts: dict[str, Account]) -> None:
    visit = visit_with(portal, entry(1))
    added = visit.add_hashes(json.dumps([entry(2), entry(3, quality=None)]))
    assert added.status_code == 200
    assert "Fingerprints added to your report: 2." in added.text
    assert "Already in your report" not in added.text
    assert stored(factory) == [entry(n)["sha256"] for n in (1, 2, 3)]
    with transaction(factory) as session:
        page = conversation.reporter_page(session, accounts["supervisor"].actor,
                                          reference(factory))
        audited = session.execute(select(AuditEvent).where(
            AuditEvent.action == "portal.hashes")).scalar_one()
    assert [(h.sha256, h.pdq, h.quality, h.size) for h in page.hashes][1:] == [
        (entry(2)["sha256"], entry(2)["pdq"], 80, 1002), (entry(3)["sha256"], None, None, 1003)]
    assert audited.actor == "portal" and audited.object_ref == page.reference
    assert audited.detail == {"added": 2, "already": 0, "total": 3}
    assert entry(2)["sha256"] not in json.dumps(audited.detail)


def test_duplicates_are_left_out_and_a_replay_adds_nothing(
        portal: TestClient, factory: sessionmaker[Session]) -> None:
    visit = visit_with(portal, entry(1))
    form = visit.page.text
    upload = json.dumps([entry(1), entry(2), entry(2)])
    first = visit.add_hashes(upload)
    assert first.status_code == 200
    assert "Fingerprints added to your report: 1." in first.text
    assert "Already in your report, so not added again: 1." in first.text
    visit.page = Response(200, text=form)  # the same form sent again
    again = visit.add_hashes(upload)
    assert again.status_code == 200 and "Fingerprints added" not in again.text
    assert "Already in your report, so not added again: 2." in again.text
    assert stored(factory) == [entry(1)["sha256"], entry(2)["sha256"]]


def test_what_is_not_fingerprints_is_refused_in_the_readers_language(
        portal: TestClient, factory: sessionmaker[Session]) -> None:
    visit = visit_with(portal, lang="ur")
    for bad in ("not json", '{"sha256": 1}', json.dumps([{"sha256": "zz", "md5": "00"}]),
                json.dumps([entry(1) | {"name": "IMG_0001.jpg"}]),
                json.dumps([entry(1) | {"quality": 101}]), json.dumps([entry(1)] * 201)):
        refused = visit.add_hashes(bad)
        assert refused.status_code == 422, bad
        assert "اس صفحے کے بنائے ہوئے فنگر پرنٹ نہیں ہیں" in refused.text
        assert 'aria-invalid="true"' in refused.text
    empty = visit.add_hashes("")
    assert empty.status_code == 422
    assert "براہِ کرم پہلے کم از کم ایک تصویر یا ویڈیو چنیں۔" in empty.text
    english = visit_with(portal, lang="en").add_hashes("[]")
    assert "Please choose at least one picture or video first." in english.text
    assert stored(factory) == []


def test_limits_and_expired_visits_as_for_other_additions(
        portal: TestClient, portal_app: FastAPI, factory: sessionmaker[Session]) -> None:
    visit = visit_with(portal)
    upload = json.dumps([entry(4)])
    stale = portal.post("/en/return", data={
        "access": tokens.issue_access(portal_app.state.key, 1, now=0), "action": "hashes",
        "token": tokens.issue_form(portal_app.state.key, "message"), "hashes": upload})
    assert stale.status_code == 401 and "timed out" in stale.text
    forged = portal.post("/en/return", data={"access": "1.9999999999.beef", "action": "hashes",
                                             "token": "x", "hashes": upload})
    assert forged.status_code == 401
    old_form = visit.page.text.replace(
        visit.page.text.split('name="token" value="')[1].split('"')[0],
        tokens.issue_form(portal_app.state.key, "message", now=0))
    visit.page = Response(200, text=old_form)
    expired = visit.add_hashes(upload)
    assert expired.status_code == 400 and "open for a long time" in expired.text
    visit.page = expired  # which carries a fresh form
    while portal_app.state.limits.submissions.take():
        pass
    busy = visit.add_hashes(upload)
    assert busy.status_code == 429 and "Many people are using this site" in busy.text
    assert upload.replace('"', "&#34;") in busy.text  # kept: no need to pick the files again
    assert stored(factory) == []


def test_matching_picks_up_added_fingerprints_incrementally(
        portal: TestClient, factory: sessionmaker[Session], operator: Actor) -> None:
    visit = visit_with(portal, entry(1))
    with transaction(factory) as session:
        assert victims.sync(session, operator) == 3  # SHA-256, MD5, PDQ
    visit.add_hashes(json.dumps([entry(1), entry(5, quality=30)]))
    with transaction(factory) as session:
        assert victims.sync(session, operator) == 2  # the new file; low quality: no PDQ
        assert victims.sync(session, operator) == 0
        values = set(session.execute(select(HashEntry.value)).scalars())
    assert {entry(5)["sha256"], entry(5)["md5"]} <= values
    assert entry(5)["pdq"] not in values



@pytest.mark.browser
def test_in_the_browser_only_the_fingerprints_are_posted(
        portal: TestClient, reporter: Reporter, factory: sessionmaker[Session],
        tmp_path: Path) -> None:
    receipt = receipt_of(report(portal, description="they posted more of me"))
    picture = write_picture(tmp_path, seed=61, name="me-at-school.png")
    page = reporter.page
    page.goto(reporter.base + "/en/return")
    page.get_by_label("Your receipt code").fill(receipt)
    page.get_by_role("button", name="Open my report").click()
    expect(page.locator("#own-section")).to_be_visible()
    page.set_input_files("#own", str(picture))
    page.wait_for_selector("#own[data-state=done]")
    expect(page.locator("#own-status")).to_contain_text("fingerprint ready")
    page.get_by_role("button", name="Add the fingerprints to my report").click()
    expect(page.locator("#hashes-added")).to_contain_text("Fingerprints added to your report: 1.")
    assert page.url == reporter.base + "/en/return"
    [posted] = [r for r in reporter.requests if r.method == "POST" and
                b"action=hashes" in (r.post_data_buffer or b"")]
    body = posted.post_data_buffer or b""
    data = picture.read_bytes()
    assert len(body) < 4096 and picture.name.encode() not in body
    assert data[:64] not in body and b"multipart" not in body
    assert posted.headers["content-type"] == "application/x-www-form-urlencoded"
    [row] = only_report(factory).hashes
    assert (row.sha256, row.md5, row.size) == (hashlib.sha256(data).hexdigest(),
                                               hashlib.md5(data).hexdigest(), len(data))
    assert row.pdq is not None and hamming(row.pdq, pdq_of_file(picture)[0]) <= 8
    assert reporter.context.cookies() == [] and reporter.errors == []
