"""The matching console groups matches by item (one decision per picture) and the case page
shows the case's known-material figures."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.cases.models import Case
from nigehbaan.core.audit import AuditEvent
from nigehbaan.core.chain import verify
from nigehbaan.core.clock import utcnow
from nigehbaan.core.db import transaction
from nigehbaan.evidence.models import CaseItem, CustodyEvent, EvidenceItem
from nigehbaan.matching.models import MatchNotification
from tests.matching.test_match_api_db import _picture
from tests.support import Account, login, open_case


def _case(client: TestClient, account: Account, seeds: range, title: str = "Phone") -> str:
    ref = open_case(client, account, title)
    files = [("files", (f"p{i}.png", _picture(i), "image/png")) for i in seeds]
    assert client.post(f"/api/v1/cases/{ref}/evidence", headers=account.headers,
                       data={"source": "phone"}, files=files).status_code == 201
    return ref


def _items(client: TestClient, account: Account, ref: str) -> dict[str, dict[str, Any]]:
    """The case's items by uploaded file name."""
    listed = client.get(f"/api/v1/cases/{ref}/evidence", headers=account.headers).json()
    return {str(i["findings"][0]["path"]).rsplit("-", 1)[-1]: i for i in listed}


def _import(client: TestClient, admin: Account, name: str, lines: list[str]) -> dict[str, Any]:
    body = "hash_type,hash,category\n" + "".join(f"{line}\n" for line in lines)
    made = client.post(f"/api/v1/hashlists/{name}/versions?format=csv&scheme=vics-us",
                       headers=admin.headers, content=body.encode())
    assert made.status_code == 201, made.text
    report: dict[str, Any] = made.json()
    return report


def _rows(page: str) -> dict[str, str]:
    """The matches table's rows, item SHA-256 → the row's HTML, in page order."""
    table = page[page.index('id="matches"'):page.index("</table>", page.index('id="matches"'))]
    return dict(re.findall(r'<tr data-item="([0-9a-f]{64})"[^>]*>(.*?)</tr>', table, re.S))


def _matched_case(client: TestClient, accounts: dict[str, Account]) -> tuple[str, dict[str, str]]:
    """p0 matched by MD5 and PDQ (category 2), p1 by two lists that disagree (1 and 2), p2 by
    MD5 (category 1), p3 by nothing."""
    admin, inv = accounts["admin"], accounts["investigator"]
    ref = _case(client, inv, range(4))
    items = _items(client, inv, ref)
    p0, p1, p2 = items["p0.png"], items["p1.png"], items["p2.png"]
    _import(client, admin, "hotline", [f"md5,{p0['md5']},2", f"pdq,{p0['pdq']},2",
                                       f"md5,{p1['md5']},2", f"md5,{p2['md5']},1"])
    _import(client, admin, "partner", [f"md5,{p1['md5']},1"])
    report = client.post(f"/api/v1/cases/{ref}/matching/runs", headers=inv.headers, json={})
    assert report.json()["matched_items"] == 3
    return ref, {name.removesuffix(".png"): str(i["sha256"]) for name, i in items.items()}


def test_an_item_matched_twice_is_one_row_confirmed_once(
        client: TestClient, accounts: dict[str, Account],
        factory: sessionmaker[Session]) -> None:
    analyst = accounts["analyst"]
    ref, sha = _matched_case(client, accounts)
    csrf = login(client, analyst)
    rows = _rows(client.get(f"/cases/{ref}/matching").text)
    # Unconfirmed, then gravest suggestion (1 before 2), then path: p1, p2, p0.
    assert list(rows) == [sha["p1"], sha["p2"], sha["p0"]]
    twice = rows[sha["p0"]]
    assert len(re.findall(r'<li data-match="\d+">', twice)) == 2
    assert "<code>exact-md5</code> · hotline" in twice and "<code>pdq</code> 0 · q" in twice
    assert twice.count("<form") == 1 and twice.count('name="category"') == 1
    assert 'name="category" value="2"' in twice and "disagree" not in twice
    assert f'src="/evidence/{sha["p0"]}/preview.jpg"' in twice
    assert f'href="/evidence/{sha["p0"]}"' in twice and "phone: upload/0000-p0.png" in twice

    done = client.post(f"/cases/{ref}/items/{sha['p0']}/confirm",
                       data={"csrf": csrf, "category": "2"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/cases/{ref}/matching#matches"
    rows = _rows(client.get(f"/cases/{ref}/matching").text)
    assert list(rows)[-1] == sha["p0"]
    assert "confirmed: 2 by analyst" in rows[sha["p0"]] and "<form" not in rows[sha["p0"]]
    api = client.get(f"/api/v1/cases/{ref}/matches", headers=analyst.headers).json()
    assert len(api) == 5  # the API stays one row per match
    assert [m["confirmed"] for m in api if m["sha256"] == sha["p0"]] == ["2", "2"]
    findings = _items(client, analyst, ref)["p0.png"]["findings"]
    assert findings == [dict(findings[0], reviewed=True, reviewed_by="analyst", category="2")]
    with transaction(factory) as session:
        events = session.execute(select(AuditEvent).where(
            AuditEvent.action == "matching.confirm")).scalars().all()
        assert [(e.object_ref, e.detail["item"], len(e.detail["matches"]), e.detail["category"])
                for e in events] == [(ref, sha["p0"], 2, "2")]
        reviewed = session.execute(select(CustodyEvent.sha256).where(
            CustodyEvent.action == "reviewed")).scalars().all()
        assert reviewed == [sha["p0"]]


def test_lists_that_disagree_prefill_nothing_and_need_a_choice(
        client: TestClient, accounts: dict[str, Account]) -> None:
    ref, sha = _matched_case(client, accounts)
    csrf = login(client, accounts["analyst"])
    row = _rows(client.get(f"/cases/{ref}/matching").text)[sha["p1"]]
    assert "Lists disagree:</strong> 1 / 2" in row
    assert 'name="category" value=""' in row and " required" in row
    assert "hotline" in row and "partner" in row
    refused = client.post(f"/cases/{ref}/items/{sha['p1']}/confirm",
                          data={"csrf": csrf, "category": ""})
    assert refused.status_code == 422 and "lists disagree (1, 2)" in refused.text
    assert "confirmed:" not in _rows(client.get(f"/cases/{ref}/matching").text)[sha["p1"]]
    client.post(f"/cases/{ref}/items/{sha['p1']}/confirm", data={"csrf": csrf, "category": "1"})
    assert "confirmed: 1 by analyst" in _rows(client.get(f"/cases/{ref}/matching").text)[sha["p1"]]
    missing = client.post(f"/cases/{ref}/items/{sha['p3']}/confirm",
                          data={"csrf": csrf, "category": "1"})
    assert missing.status_code == 404 and "has no match in case" in missing.text


def test_the_item_page_confirms_the_item_once_per_case(
        client: TestClient, accounts: dict[str, Account]) -> None:
    analyst = accounts["analyst"]
    ref, sha = _matched_case(client, accounts)
    csrf = login(client, analyst)
    page = client.get(f"/evidence/{sha['p0']}").text
    assert page.count('data-match="') == 2  # matched by MD5 and by PDQ: two rows, one form
    forms = re.findall(r'action="(/cases/[^"]+/confirm)"', page)
    assert forms == [f"/cases/{ref}/items/{sha['p0']}/confirm"]
    done = client.post(forms[0], data={"csrf": csrf, "category": "2",
                                       "back": f"/evidence/{sha['p0']}"},
                       follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == f"/evidence/{sha['p0']}#known-material"
    page = client.get(f"/evidence/{sha['p0']}").text
    assert "/confirm" not in page and "confirmed: 2 by analyst" in page
    elsewhere = client.post(forms[0], data={"csrf": csrf, "category": "2",
                                            "back": "https://example.org/"},
                            follow_redirects=False)
    assert elsewhere.headers["location"] == f"/cases/{ref}/matching#matches"
    api = client.get(f"/api/v1/cases/{ref}/matches", headers=analyst.headers).json()
    assert [m["confirmed"] for m in api if m["sha256"] == sha["p0"]] == ["2", "2"]
    # The API's own confirmation stays one match at a time.
    p1 = [m["id"] for m in api if m["sha256"] == sha["p1"]]
    done = client.post(f"/api/v1/cases/{ref}/matches/{p1[0]}/confirmation",
                       headers=analyst.headers, json={"category": "1"})
    assert done.status_code == 200 and done.json()["confirmed"] == "1"
    api = client.get(f"/api/v1/cases/{ref}/matches", headers=analyst.headers).json()
    assert [m["confirmed"] for m in api if m["sha256"] == sha["p1"]] == ["1", None]


def _figures(page: str) -> dict[str, str]:
    """The case page's known-material figures, by name, as text."""
    start = page.index('id="known-figures"')
    panel = page[start:page.index("</dl>", start)]
    found = re.findall(r'<dd data-figure="([a-z-]+)">(.*?)</dd>', panel, re.S)
    found += re.findall(r'<span data-figure="([a-z-]+)">(.*?)</span>', panel, re.S)
    return {name: re.sub(r"<[^>]+>", "", text).strip() for name, text in found}


def test_case_page_shows_known_material_figures(
        client: TestClient, accounts: dict[str, Account],
        factory: sessionmaker[Session]) -> None:
    inv, outsider = accounts["investigator"], accounts["outsider"]
    ref, sha = _matched_case(client, accounts)
    colleague_ref = _case(client, accounts["colleague"], range(2, 3), "Same picture")
    other_unit_ref = _case(client, outsider, range(0, 1), "Their phone")
    matches = client.get(f"/api/v1/cases/{ref}/matches", headers=inv.headers).json()
    with transaction(factory) as session:
        case_id, found_id = (session.execute(select(Case.id).where(
            Case.reference == r)).scalar_one() for r in (ref, colleague_ref))
        session.add_all([MatchNotification(
            case_id=case_id, match_id=m["id"], found_case_id=found_id, message="found",
            created_at=utcnow(), read_at=utcnow() if n else None)
            for n, m in enumerate(matches[:2])])
    csrf = login(client, inv)
    client.post(f"/cases/{ref}/items/{sha['p2']}/confirm", data={"csrf": csrf, "category": ""})
    page = client.get(f"/cases/{ref}").text
    assert _figures(page) == {"items": "4", "matched": "3 (1 confirmed, 2 unconfirmed)",
                              "confirmed": "1", "unconfirmed": "2", "not-comparable": "0",
                              "queue": "1", "unread": "1",
                              "shared": f"{colleague_ref}, {other_unit_ref}"}
    shared = page[page.index('data-figure="shared"'):]
    assert f'<a href="/cases/{colleague_ref}">' in shared
    assert f'<a href="/cases/{other_unit_ref}">' not in shared  # another unit's: named only
    assert f'href="/cases/{ref}/matching"' in page
    outsider_csrf = login(client, outsider)
    refused = client.post(f"/cases/{ref}/items/{sha['p1']}/confirm",
                          data={"csrf": outsider_csrf, "category": "1"})
    assert refused.status_code == 403
    theirs = client.get(f"/cases/{other_unit_ref}").text
    assert _figures(theirs)["items"] == "1" and _figures(theirs)["matched"].startswith("1 (0")
    assert f'<a href="/cases/{ref}">' not in theirs
    assert client.get(f"/cases/{ref}").status_code == 403


def test_a_list_version_newer_than_the_last_run_is_named_until_the_case_matches_again(
        client: TestClient, accounts: dict[str, Account]) -> None:
    admin, inv = accounts["admin"], accounts["investigator"]
    ref, _ = _matched_case(client, accounts)
    csrf = login(client, inv)
    assert "newer" not in _figures(client.get(f"/cases/{ref}").text)
    assert 'id="newer-versions"' not in client.get(f"/cases/{ref}/matching").text
    p3 = _items(client, inv, ref)["p3.png"]
    report = _import(client, admin, "hotline", [f"md5,{p3['md5']},1"])
    assert report["cases_behind"] >= 1
    assert _figures(client.get(f"/cases/{ref}").text)["newer"] == (
        f"hotline · {report['version']} (+1): match again")
    banner = client.get(f"/cases/{ref}/matching").text
    assert 'id="newer-versions"' in banner and f"hotline · {report['version']}" in banner
    client.post(f"/cases/{ref}/matching/run", data={"csrf": csrf})
    assert "newer" not in _figures(client.get(f"/cases/{ref}").text)
    again = client.get(f"/cases/{ref}/matching").text
    assert 'id="newer-versions"' not in again and len(_rows(again)) == 4


def test_items_the_lists_settle_are_confirmed_in_one_step(
        client: TestClient, accounts: dict[str, Account],
        factory: sessionmaker[Session]) -> None:
    """Most of a seized phone's files are already known: an exact match whose lists agree is
    confirmed with their category, each item its own audited decision, unopened; lists that
    disagree still need a choice."""
    inv = accounts["investigator"]
    ref, sha = _matched_case(client, accounts)
    csrf = login(client, inv)
    page = client.get(f"/cases/{ref}/matching").text
    assert "Confirm the 2 items the lists settle" in page
    done = client.post(f"/cases/{ref}/matching/settle", data={"csrf": csrf},
                       follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == f"/cases/{ref}/matching?settled=2#matches"
    page = client.get(done.headers["location"]).text
    rows = _rows(page)
    assert "2 items confirmed with their lists' category." in page
    assert "confirmed: 2 by investigator" in rows[sha["p0"]]
    assert "confirmed: 1 by investigator" in rows[sha["p2"]]
    assert "Lists disagree" in rows[sha["p1"]] and 'id="settle-form"' not in page
    with transaction(factory) as session:
        decided = session.execute(select(AuditEvent.detail).where(
            AuditEvent.action == "matching.confirm")).scalars().all()
        reviewed = session.execute(select(CustodyEvent.sha256, CustodyEvent.detail).where(
            CustodyEvent.action == "reviewed")).all()
        marked = session.execute(select(EvidenceItem.sha256, CaseItem.category).join(
            CaseItem).where(CaseItem.reviewed.is_(True))).all()
        chains = [verify(session, model) for model in (AuditEvent, CustodyEvent)]
    assert sorted(d["item"] for d in decided) == sorted([sha["p0"], sha["p2"]])
    assert sorted((item, detail["category"]) for item, detail in reviewed) == sorted(
        [(sha["p0"], "2"), (sha["p2"], "1")])
    assert sorted(marked) == sorted([(sha["p0"], "2"), (sha["p2"], "1")])
    assert all(chain.ok for chain in chains)
    again = client.post(f"/api/v1/cases/{ref}/matching/settled-confirmations",
                        headers=inv.headers)
    assert again.status_code == 200 and again.json() == {"confirmed": []}


def test_only_an_exact_agreed_live_unreported_match_settles_an_item() -> None:
    from datetime import UTC, datetime

    from nigehbaan.matching.grouped import settled_by_lists
    from nigehbaan.matching.views import ItemMatches, MatchView

    def match(method: str, suggested: str = "2", withdrawn: bool = False) -> MatchView:
        return MatchView(
            id=1, sha256="a" * 64, list="l", list_kind="hashes", version="v1", entry=1,
            method=method, distance=None, query_quality=None, list_quality=None,
            query_share=None, candidate_share=None, variant="",
            matched_at=datetime(2026, 1, 1, tzinfo=UTC), suggested=suggested, series="",
            entry_withdrawn=withdrawn, confirmed=None, confirmed_by="", confirmed_at=None)

    def item(*matches: MatchView, reported: bool = False,
             confirmed: str | None = None) -> ItemMatches:
        offered = sorted({m.suggested for m in matches} - {""})
        return ItemMatches(sha256="a" * 64, kind="image", found=[], matches=list(matches),
                           suggestions=offered, suggested=offered[0] if len(offered) == 1
                           else "", severity=None, reported=reported, confirmed=confirmed,
                           confirmed_by="")

    assert settled_by_lists(item(match("exact-md5"), match("pdq")))
    assert not settled_by_lists(item(match("pdq")))
    assert not settled_by_lists(item(match("vpdq")))
    assert not settled_by_lists(item(match("exact-sha256"), match("pdq", "1")))
    assert not settled_by_lists(item(match("exact-md5", "")))
    assert not settled_by_lists(item(match("exact-md5"), match("exact-sha1", withdrawn=True)))
    assert not settled_by_lists(item(match("exact-md5"), reported=True))
    assert not settled_by_lists(item(match("exact-md5"), confirmed="2"))


def test_matched_items_and_the_queue_page_apart(
        client: TestClient, accounts: dict[str, Account],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from nigehbaan.matching import console

    inv = accounts["investigator"]
    ref, sha = _matched_case(client, accounts)
    monkeypatch.setattr(console, "QUEUE_PAGE", 2)
    login(client, inv)
    first = client.get(f"/cases/{ref}/matching").text
    later = client.get(f"/cases/{ref}/matching?matched=2").text
    assert len(_rows(first)) == 2 and len(_rows(later)) == 1
    assert set(_rows(first)) | set(_rows(later)) == {sha["p0"], sha["p1"], sha["p2"]}
    assert "Matched items 1–2 of 3, unconfirmed first." in first
    assert "?start=0&amp;matched=2#matches-page" in first  # keeps the queue's page
    assert "?start=0&amp;matched=0#matches-page" in later
