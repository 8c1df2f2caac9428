"""A case's evidence list and review queue in the console: a seized phone holds tens of
thousands of items, so both come a page at a time, and previews load as they scroll into view."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from nigehbaan.evidence import console
from tests.matching.test_match_api_db import _picture
from tests.matching.test_match_console import _case, _items
from tests.support import Account, login


def test_the_item_list_is_paged_and_previews_load_lazily(
        client: TestClient, accounts: dict[str, Account], monkeypatch: pytest.MonkeyPatch) -> None:
    inv = accounts["investigator"]
    ref = _case(client, inv, range(5))
    ordered = sorted(str(item["sha256"]) for item in _items(client, inv, ref).values())
    monkeypatch.setattr(console, "ITEMS_PAGE", 2)
    login(client, inv)

    def listed(start: int) -> tuple[list[str], str]:
        page = client.get(f"/cases/{ref}/evidence?start={start}")
        assert page.status_code == 200
        return re.findall(r'<tr data-sha256="([0-9a-f]{64})"', page.text), page.text

    first, text = listed(0)
    assert first == ordered[:2] and "Items 1–2 of 5, by SHA-256." in text
    assert "?start=2#items-page" in text and "Earlier items" not in text
    assert text.count('loading="lazy"') == 2
    last, text = listed(4)
    assert last == ordered[4:] and "Items 5–5 of 5" in text
    assert "?start=2#items-page" in text and "Later items" not in text
    refused = client.get(f"/cases/{ref}/evidence?start=-3")
    assert refused.status_code == 422 and "start" in refused.text
    beyond, text = listed(99)
    assert beyond == [] and "No items from number 100 on: there are 5." in text
    api = f"/api/v1/cases/{ref}/evidence"
    paged = client.get(f"{api}?start=1&limit=3", headers=inv.headers).json()
    assert [item["sha256"] for item in paged] == ordered[1:4]
    assert client.get(f"{api}?limit=0", headers=inv.headers).status_code == 422


def test_the_review_queue_is_paged(client: TestClient, accounts: dict[str, Account],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from nigehbaan.matching import console as matching_console

    inv = accounts["investigator"]
    ref = _case(client, inv, range(5))
    monkeypatch.setattr(matching_console, "QUEUE_PAGE", 2)
    login(client, inv)
    whole = client.get(f"/api/v1/cases/{ref}/review-queue", headers=inv.headers).json()
    pages = [client.get(f"/cases/{ref}/matching?start={start}").text for start in (0, 2, 4)]
    shown = [re.findall(r'<li data-sha256="([0-9a-f]{64})"', page) for page in pages]
    assert shown == [[q["sha256"] for q in whole][i:i + 2] for i in (0, 2, 4)]
    assert "Items 1–2 of 5 to review." in pages[0] and "Earlier items" not in pages[0]
    assert 'start="5"' in pages[2] and "Later items" not in pages[2]


def test_an_item_held_twice_counts_once(client: TestClient, accounts: dict[str, Account],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The same picture from a second source is a second place for one item: the pager counted
    places (four), so its last page promised an item that was not there."""
    inv = accounts["investigator"]
    ref = _case(client, inv, range(3))
    again = [("files", ("p0.png", _picture(0), "image/png"))]
    assert client.post(f"/api/v1/cases/{ref}/evidence", headers=inv.headers,
                       data={"source": "usb stick"}, files=again).status_code == 201
    monkeypatch.setattr(console, "ITEMS_PAGE", 2)
    login(client, inv)
    assert "Items 1–2 of 3, by SHA-256." in client.get(f"/cases/{ref}/evidence").text
    last = client.get(f"/cases/{ref}/evidence?start=2").text
    assert "Items 3–3 of 3" in last and "Later items" not in last
