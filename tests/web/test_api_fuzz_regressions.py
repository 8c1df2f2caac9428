"""Requests a schemathesis run against the API's own OpenAPI document answered with a 500 (or
an answer its schema did not describe). Each is now a 4xx whose `detail` names the problem,
and nothing of it is written."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy.exc import DataError

from nigehbaan.cases import queries
from tests.support import Account, open_case, upload_chat

GOOD_CHAT = ("13/03/2023, 09:12 - You created group \"Walk group\"\n"
             "13/03/2023, 09:13 - You added +92 300 1234567\n"
             "13/03/2023, 09:14 - +92 300 1234567: hello everyone\n")
TOO_BIG = 99_999_999_999
"""Larger than an `Integer` key: PostgreSQL refused the query itself."""


def _refused(response: Response, status: int, starts: str, *words: str) -> str:
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail.startswith(starts), detail
    for word in words:
        assert word in detail, detail
    return detail


@pytest.mark.parametrize(("method", "path", "name"), [
    ("get", "/api/v1/cases/{ref}/chats/{big}", "group_id"),
    ("get", "/api/v1/cases/{ref}/chats/{big}/members", "group_id"),
    ("get", "/api/v1/cases/{ref}/chats/1/members/{big}/timeline", "member_id"),
    ("get", "/api/v1/cases/{ref}/chats/{big}/export/csv", "group_id"),
    ("post", "/api/v1/matching/notifications/{big}/read", "notification_id"),
    ("post", "/api/v1/cases/{ref}/matches/{big}/confirmation", "match_id"),
    ("post", "/api/v1/referrals/{big}/moves", "referral_id"),
    ("post", "/api/v1/referrals/{big}/media-approval", "referral_id"),
    ("post", "/api/v1/cases/{ref}/persons/{big}/identifiers", "person_id"),
    ("get", "/api/v1/cases/{ref}/chats/0", "group_id"),
])
def test_record_id_out_of_range_is_422_naming_it(client: TestClient,
                                                 accounts: dict[str, Account], method: str,
                                                 path: str, name: str) -> None:
    inv = accounts["investigator"]
    url = path.format(ref=open_case(client, inv), big=TOO_BIG)
    bodies = {"confirmation": {}, "moves": {"to": "approved", "reason": "checked"},
              "media-approval": {"reason": "checked"},
              "identifiers": {"kind": "phone", "value": "03001234567"}}
    body = next((b for key, b in bodies.items() if url.endswith(key)), None)
    response = client.request(method.upper(), url, headers=inv.headers, json=body)
    _refused(response, 422, f"path.{name}:")


def test_attribution_person_id_out_of_range_is_422(client: TestClient,
                                                   accounts: dict[str, Account]) -> None:
    inv = accounts["investigator"]
    ref = open_case(client, inv)
    response = client.post(f"/api/v1/cases/{ref}/attributions", headers=inv.headers,
                           json={"person_id": TOO_BIG, "country": "ES", "reason": "seen"})
    _refused(response, 422, "person_id:")


@pytest.mark.parametrize(("body", "field"), [
    ({"title": "Nul\u0000title", "channel": "walk_in"}, "title:"),
    ({"title": "Offence", "channel": "walk_in", "offences": ["PECA\u0000"]}, "offences:"),
    ({"title": "Person", "channel": "walk_in",
      "persons": [{"role": "victim", "full_name": "A\u0000B"}]}, "persons.0.full_name:"),
    ({"title": "Handle", "channel": "walk_in",
      "persons": [{"role": "suspect", "identifiers": [{"kind": "handle", "value": "a\u0000"}]}]},
     "persons.0.identifiers.0.value:"),
])
def test_nul_in_a_case_is_422_and_nothing_is_written(client: TestClient,
                                                     accounts: dict[str, Account],
                                                     body: dict[str, object],
                                                     field: str) -> None:
    inv = accounts["investigator"]
    response = client.post("/api/v1/cases", json=body, headers=inv.headers)
    _refused(response, 422, field, "NUL")
    assert client.get("/api/v1/cases", headers=inv.headers).json() == []


@pytest.mark.parametrize(("path", "body", "field"), [
    pytest.param("/api/v1/cases/{ref}/moves", {"to": "inquiry", "reason": "called\u0000"},
                 "reason:", id="case-move"),
    pytest.param("/api/v1/cases/{ref}/persons", {"role": "suspect", "notes": "x\u0000"},
                 "notes:", id="person"),
    pytest.param("/api/v1/cases/{ref}/referrals", {"country": "ES", "note": "n\u0000"},
                 "note:", id="referral"),
    pytest.param("/api/v1/cases/{ref}/matches/1/confirmation", {"category": "a\u0000"},
                 "category:", id="match-confirmation"),
    pytest.param(f"/api/v1/cases/{{ref}}/evidence/{'a' * 64}/review", {"category": "a\u0000"},
                 "category:", id="evidence-review"),
    pytest.param(f"/api/v1/evidence/{'a' * 64}/view", {"reason": "looking\u0000"}, "reason:",
                 id="evidence-view"),
    pytest.param("/api/v1/referrals/incoming", {"agency": "Policia\u0000", "country": "ES"},
                 "agency:", id="incoming-referral"),
    pytest.param("/api/v1/auth/token", {"username": "investigator\u0000", "password": "x"},
                 "username:", id="token"),
])
def test_nul_in_other_bodies_is_422_naming_the_field(client: TestClient,
                                                     accounts: dict[str, Account], path: str,
                                                     body: dict[str, str], field: str) -> None:
    inv = accounts["investigator"]
    ref = open_case(client, inv)
    url = path.format(ref=ref)
    _refused(client.post(url, json=body, headers=inv.headers), 422, field, "NUL")
    shown = client.get(f"/api/v1/cases/{ref}", headers=inv.headers).json()
    assert shown["status"] == "received" and shown["persons"] == []


@pytest.mark.parametrize(("path", "where"), [
    ("/api/v1/cases/CC-2026-00%0001", "path:"),
    ("/api/v1/evidence/ab%00cd", "path:"),
    ("/api/v1/matching/notifications?case=CC%00", "query.case:"),
    ("/api/v1/matching/new-material?case=CC%00", "query.case:"),
    ("/api/v1/referrals?case=%00", "query.case:"),
    ("/api/v1/cases/{ref}/chats/1/members?triage=a%00", "query.triage:"),
])
def test_nul_in_path_or_query_is_422(client: TestClient, accounts: dict[str, Account],
                                     path: str, where: str) -> None:
    inv = accounts["investigator"]
    url = path.format(ref=open_case(client, inv)) if "{ref}" in path else path
    _refused(client.get(url, headers=inv.headers), 422, where, "NUL")


def test_nul_in_hash_list_name_is_422(client: TestClient, accounts: dict[str, Account]) -> None:
    response = client.post("/api/v1/hashlists/a%00b/versions?format=plain",
                           content=b"d41d8cd98f00b204e9800998ecf8427e\n",
                           headers=accounts["admin"].headers)
    _refused(response, 422, "path:", "NUL")


@pytest.mark.parametrize(("received", "words"), [
    ("9999-12-31T23:59:59-23:00", ("outside the range",)),
    ("0001-01-01T00:00:00+01:00", ("outside the range",)),
    ("0001-01-01T00:00:00", ("before 1990",)),
])
def test_received_at_out_of_range_is_422(client: TestClient, accounts: dict[str, Account],
                                         received: str, words: tuple[str, ...]) -> None:
    inv = accounts["investigator"]
    response = client.post("/api/v1/cases", headers=inv.headers,
                           json={"title": "Old case", "channel": "walk_in",
                                 "received_at": received})
    _refused(response, 422, "received_at:", *words)
    referral = client.post("/api/v1/referrals/incoming", headers=inv.headers,
                           json={"agency": "Policia", "country": "ES", "received_at": received})
    _refused(referral, 422, "received_at:", *words)
    assert client.get("/api/v1/cases", headers=inv.headers).json() == []


def test_ip_capture_time_out_of_range_is_422(client: TestClient,
                                             accounts: dict[str, Account]) -> None:
    inv = accounts["investigator"]
    body = {"agency": "Policia", "country": "ES", "subjects": [
        {"ip_events": [{"address": "192.0.2.7", "at": "9999-12-31T23:59:59-23:00"}]}]}
    response = client.post("/api/v1/referrals/incoming", headers=inv.headers, json=body)
    _refused(response, 422, "subjects.0.ip_events.0.at:", "outside the range")
    assert client.get("/api/v1/cases", headers=inv.headers).json() == []


def test_lone_surrogate_is_422_not_a_failed_response(client: TestClient,
                                                     accounts: dict[str, Account]) -> None:
    inv = accounts["investigator"]
    response = client.post("/api/v1/cases", headers={**inv.headers,
                                                     "content-type": "application/json"},
                           content=b'{"title": "abc\\ud800", "channel": "walk_in"}')
    _refused(response, 422, "title:")
    assert "input" not in response.json()["errors"][0]
    assert client.get("/api/v1/cases", headers=inv.headers).json() == []


def test_validation_errors_do_not_echo_the_password(client: TestClient) -> None:
    """The password itself is what fails (too long), so an error echoing its input would
    hold it."""
    response = client.post("/api/v1/auth/token",
                           json={"username": "x", "password": "secret-1" + "p" * 1100})
    assert response.status_code == 422 and "password" in response.text
    assert "secret-1" not in response.text


@pytest.mark.parametrize("filename", ["f" * 400 + ".txt", "\u00e9" * 200 + ".txt", "..",
                                      "../.."])
def test_odd_chat_file_names_are_spooled(client: TestClient, accounts: dict[str, Account],
                                         filename: str) -> None:
    inv = accounts["investigator"]
    ref = open_case(client, inv)
    response = upload_chat(client, inv, ref, filename, GOOD_CHAT.encode(), date_order="dmy")
    assert response.status_code == 201, response.text


def test_a_value_the_database_refuses_is_422(client: TestClient, accounts: dict[str, Account],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The net under the schemas: a value only the database refuses is still the request's
    fault, not a 500."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise DataError("SELECT", {}, ValueError("PostgreSQL text fields cannot contain NUL"))

    monkeypatch.setattr(queries, "list_cases", refuse)
    response = client.get("/api/v1/cases", headers=accounts["investigator"].headers)
    _refused(response, 422, "a value in the request cannot be stored:", "NUL")


def test_openapi_describes_the_error_answers(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    answers = spec["paths"]["/api/v1/cases"]["post"]["responses"]
    assert {"401", "403", "404", "409", "422"} <= set(answers)
    invalid = answers["422"]["content"]["application/json"]["schema"]["$ref"]
    shape = spec["components"]["schemas"][invalid.rsplit("/", 1)[1]]
    assert shape["properties"]["detail"]["type"] == "string"
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert "204" in spec["paths"]["/api/v1/evidence/{sha256}/preview"]["get"]["responses"]
    export = spec["paths"]["/api/v1/cases/{reference}/chats/{group_id}/export/{kind}"]["get"]
    assert set(export["responses"]["200"]["content"]) == {"text/csv", "application/xml"}


def _list_items(node: object, where: str = "") -> list[str]:
    """Places where a schema's `items` is a list: valid in OpenAPI 3.0, not in 3.1."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "items" and isinstance(value, list):
                found.append(f"{where}/items")
            found += _list_items(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _list_items(value, f"{where}/{index}")
    return found


def test_openapi_schemas_are_valid_3_1(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    assert _list_items(spec) == []


@pytest.mark.parametrize(("entry", "catalogue", "field"), [
    ({"code": "X" * 41, "law": "Act", "title": "Title"}, "", "statutes.0.code:"),
    ({"code": "X1", "law": "L" * 161, "title": "Title"}, "", "statutes.0.law:"),
    ({"code": "X1", "law": "Act", "section": "s" * 21, "title": "Title"}, "",
     "statutes.0.section:"),
    ({"code": "X1", "law": "Act", "title": "Title\u0000"}, "", "statutes.0.title:"),
    ({"code": "X1", "law": "Act", "title": "Title"}, "c" * 121, "catalogue:"),
])
def test_statute_catalogue_beyond_the_table_is_422(client: TestClient,
                                                   accounts: dict[str, Account],
                                                   entry: dict[str, str], catalogue: str,
                                                   field: str) -> None:
    admin = accounts["admin"]
    response = client.post("/api/v1/statutes", headers=admin.headers,
                           json={"catalogue": catalogue, "statutes": [entry]})
    _refused(response, 422, field)
    codes = {s["code"] for s in client.get("/api/v1/statutes", headers=admin.headers).json()}
    assert "X1" not in codes


def test_statute_catalogue_still_names_missing_parts(client: TestClient,
                                                     accounts: dict[str, Account]) -> None:
    response = client.post("/api/v1/statutes", headers=accounts["admin"].headers,
                           json={"statutes": [{"code": " X9 ", "extra": "kept out"}]})
    _refused(response, 422, "statutes[0]: missing law, title")


def test_nul_in_a_chat_decision_is_422(client: TestClient,
                                       accounts: dict[str, Account]) -> None:
    inv = accounts["investigator"]
    ref = open_case(client, inv)
    made = upload_chat(client, inv, ref, "chat.txt", GOOD_CHAT.encode(), date_order="dmy")
    assert made.status_code == 201, made.text
    group = made.json()["group"]["id"]
    base = f"/api/v1/cases/{ref}/chats/{group}/members"
    member = client.get(base, headers=inv.headers).json()[0]["member_id"]
    response = client.post(f"{base}/{member}/decisions", headers=inv.headers,
                           json={"category": "undetermined", "reason": "checked\u0000"})
    _refused(response, 422, "reason:", "NUL")
    assert client.get(base, headers=inv.headers).json()[0]["decision"] is None
