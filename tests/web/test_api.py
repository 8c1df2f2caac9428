"""The API end to end: flows, error shapes, and refused access being audited."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nigehbaan.core.audit import AuditEvent
from nigehbaan.core.clock import utcnow
from tests.support import Account

CASE = {"title": "Family reports images shared", "channel": "walk_in",
        "offences": ["PECA-2016-21"], "region": "Punjab",
        "persons": [{"role": "victim", "full_name": "Child Example", "is_minor": True,
                     "identifiers": [{"kind": "phone", "value": "0300 7654321"}]}]}


def _open(client: TestClient, account: Account, body: Mapping[str, object] = CASE) -> str:
    response = client.post("/api/v1/cases", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    reference: str = response.json()["reference"]
    return reference


def test_open_move_and_read(client: TestClient, accounts: dict[str, Account]) -> None:
    inv = accounts["investigator"]
    ref = _open(client, inv)
    moved = client.post(f"/api/v1/cases/{ref}/moves", headers=inv.headers,
                        json={"to": "inquiry", "reason": "called the family"})
    assert moved.status_code == 200
    body = moved.json()
    assert body["status"] == "inquiry" and body["moves"][0]["reason"] == "called the family"
    assert body["persons"][0]["identifiers"][0]["value"] == "+923007654321"
    listed = client.get("/api/v1/cases", headers=inv.headers).json()
    assert [row["reference"] for row in listed] == [ref]


def test_bad_move_is_409_with_allowed_moves(client: TestClient,
                                            accounts: dict[str, Account]) -> None:
    inv = accounts["investigator"]
    ref = _open(client, inv)
    response = client.post(f"/api/v1/cases/{ref}/moves", headers=inv.headers,
                           json={"to": "prosecution", "reason": "skip ahead"})
    assert response.status_code == 409
    assert "allowed moves from received: inquiry, declined, merged" in response.json()["detail"]


def test_invalid_phone_is_422_naming_the_field(client: TestClient,
                                               accounts: dict[str, Account]) -> None:
    body = dict(CASE, persons=[{"role": "suspect",
                                "identifiers": [{"kind": "phone", "value": "+92 12"}]}])
    response = client.post("/api/v1/cases", json=body,
                           headers=accounts["investigator"].headers)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("persons[0].identifiers[0].value:")
    assert client.get("/api/v1/cases", headers=accounts["investigator"].headers).json() == []


def test_unknown_things_are_404_or_422(client: TestClient, accounts: dict[str, Account]) -> None:
    headers = accounts["investigator"].headers
    assert client.get("/api/v1/cases/CC-1999-0001", headers=headers).status_code == 404
    unknown_channel = client.post("/api/v1/cases", headers=headers,
                                  json=dict(CASE, channel="carrier_pigeon"))
    assert unknown_channel.status_code == 422
    assert "channel" in unknown_channel.json()["detail"]
    unknown_statute = client.post("/api/v1/cases", headers=headers,
                                  json=dict(CASE, offences=["XX-1"]))
    assert unknown_statute.status_code == 404
    assert "XX-1" in unknown_statute.json()["detail"]
    assign = client.post("/api/v1/cases/CC-1999-0001/team", json={"username": "ghost"},
                         headers=accounts["supervisor"].headers)
    assert assign.status_code == 404
    ref = _open(client, accounts["investigator"])
    ghost = client.post(f"/api/v1/cases/{ref}/team", json={"username": "ghost"},
                        headers=accounts["supervisor"].headers)
    assert ghost.status_code == 404 and "ghost" in ghost.json()["detail"]


def test_malformed_json_is_422_not_500(client: TestClient, accounts: dict[str, Account]) -> None:
    response = client.post("/api/v1/cases", content=b"{not json",
                           headers={**accounts["investigator"].headers,
                                    "content-type": "application/json"})
    assert response.status_code == 422
    assert "detail" in response.json()


def test_refusals_are_401_403_and_audited(client: TestClient, accounts: dict[str, Account],
                                          session: Session) -> None:
    ref = _open(client, accounts["investigator"])
    assert client.get(f"/api/v1/cases/{ref}").status_code == 401
    bad = client.get(f"/api/v1/cases/{ref}", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    refused = client.get(f"/api/v1/cases/{ref}", headers=accounts["outsider"].headers)
    assert refused.status_code == 403
    events = session.query(AuditEvent).filter(AuditEvent.action == "access.refused").all()
    assert [(e.outcome, e.actor) for e in events] == [
        ("unauthenticated", "anonymous"), ("unauthenticated", "anonymous"),
        ("forbidden", "outsider")]
    assert events[2].object_ref == f"/api/v1/cases/{ref}"


def test_reads_and_changes_are_audited_with_session(client: TestClient,
                                                    accounts: dict[str, Account],
                                                    session: Session) -> None:
    ref = _open(client, accounts["investigator"])
    client.get(f"/api/v1/cases/{ref}", headers=accounts["investigator"].headers)
    events = session.query(AuditEvent).filter(AuditEvent.object_ref == ref).all()
    assert [e.action for e in events] == ["case.open", "case.read"]
    assert all(e.session_ref.startswith("token:") for e in events)


def test_login_with_totp_gives_a_token(client: TestClient, accounts: dict[str, Account]) -> None:
    sup = accounts["supervisor"]
    refused = client.post("/api/v1/auth/token",
                          json={"username": "supervisor", "password": sup.password})
    assert refused.status_code == 401
    granted = client.post("/api/v1/auth/token", json={
        "username": "supervisor", "password": sup.password, "totp": sup.code(utcnow())})
    assert granted.status_code == 201
    token = granted.json()["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["role"] == "supervisor"


def test_cookie_session_needs_csrf_for_api_writes(client: TestClient,
                                                  accounts: dict[str, Account]) -> None:
    inv = accounts["investigator"]
    login = client.post("/login", data={"username": "investigator", "password": inv.password},
                        follow_redirects=False)
    assert login.status_code == 303
    cookie = login.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=strict" in cookie
    assert client.get("/api/v1/cases").status_code == 200
    assert client.post("/api/v1/cases", json=CASE).status_code == 403


def test_openapi_document_lists_the_routes(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/cases/{reference}/moves" in paths
    assert "/api/v1/audit/verify" in paths


def test_security_headers(client: TestClient) -> None:
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    assert "http://" not in response.text.replace("http://testserver", "")
