"""Console forms: CSRF on every change, readable errors, and the pages each role lands on."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from nigehbaan.core.clock import utcnow
from tests.support import Account, login


def test_register_a_case_through_the_form(client: TestClient,
                                          accounts: dict[str, Account]) -> None:
    csrf = login(client, accounts["investigator"])
    form = {"csrf": csrf, "title": "Family came in", "channel": "walk_in", "summary": "s",
            "offences": ["PECA-2016-21", "PPC-292A"], "priority": "high"}
    created = client.post("/cases/new", data=form, follow_redirects=False)
    assert created.status_code == 303
    page = client.get(created.headers["location"])
    assert "PECA-2016-21, PPC-292A" in page.text and "Family came in" in page.text


def test_form_without_csrf_is_refused(client: TestClient, accounts: dict[str, Account]) -> None:
    login(client, accounts["investigator"])
    refused = client.post("/cases/new", data={"title": "x", "channel": "walk_in"})
    assert refused.status_code == 403
    assert "CSRF" in refused.text


def test_bad_form_shows_the_field(client: TestClient, accounts: dict[str, Account]) -> None:
    csrf = login(client, accounts["investigator"])
    page = client.post("/cases/new", data={"csrf": csrf, "title": "x", "channel": "walk_in"})
    assert page.status_code == 422
    assert "title" in page.text and "Traceback" not in page.text


def test_unauthenticated_console_redirects_to_login(client: TestClient) -> None:
    response = client.get("/cases", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/cases"


def test_roles_land_on_their_pages(client: TestClient, accounts: dict[str, Account]) -> None:
    login(client, accounts["auditor"])
    audit = client.get("/audit")
    assert "audit: intact" in audit.text
    assert client.get("/cases").status_code == 403
    admin = accounts["admin"]
    csrf = login(client, admin, admin.code(utcnow()))
    created = client.post("/admin/users", data={"csrf": csrf, "username": "new.sup",
                                                "role": "supervisor", "password": "long-password",
                                                "unit": "Unit A"})
    assert 'id="totp-secret"' in created.text


def test_api_token_from_the_console(client: TestClient, accounts: dict[str, Account]) -> None:
    csrf = login(client, accounts["analyst"])
    page = client.post("/account/tokens", data={"csrf": csrf, "name": "notebook"})
    token = re.search(r'id="api-token">([^<]+)<', page.text)
    assert token
    client.cookies.clear()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.group(1)}"})
    assert me.json()["username"] == "analyst"
