"""The API and the console pages of international cooperation."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.core.clock import utcnow
from nigehbaan.core.db import transaction
from nigehbaan.core.settings import Settings
from nigehbaan.referrals import verify
from tests.referrals.helpers import SPANISH_PHONE, group_case
from tests.support import Account, login

DATA = Path(__file__).parent / "data"


def test_api_receives_a_referral_and_shows_its_hits(
        client: TestClient, factory: sessionmaker[Session], settings: Settings,
        accounts: dict[str, Account]) -> None:
    inv = accounts["investigator"]
    with transaction(factory) as session:
        earlier = group_case(session, inv.actor, settings).reference
    created = client.post("/api/v1/referrals/incoming", headers=inv.headers, json={
        "agency": "Embassy of Spain", "country": "ES", "reference": "ES-1",
        "subjects": [{"identifiers": [{"kind": "phone", "value": SPANISH_PHONE}]}]})
    assert created.status_code == 201, created.text
    reference = created.json()["reference"]
    hits = client.get(f"/api/v1/cases/{reference}/hits", headers=inv.headers).json()
    assert [h["sentence"] for h in hits] == [
        f"this phone number {SPANISH_PHONE} is a suspect's in case {earlier}"]
    bad = client.post("/api/v1/referrals/incoming", headers=inv.headers, json={
        "agency": "Embassy", "country": "ES", "hashes": [{"algorithm": "md5", "value": "zz"}]})
    assert bad.status_code == 422 and "hashes[0].value" in bad.json()["detail"]


def test_api_imports_xml_and_builds_a_verifiable_package(
        client: TestClient, accounts: dict[str, Account], settings: Settings) -> None:
    inv = accounts["investigator"]
    imported = client.post("/api/v1/platform-reports?format=ncmec-xml", headers={
        **inv.headers, "Content-Type": "application/xml"},
        content=(DATA / "esp_report.xml").read_bytes())
    assert imported.status_code == 201, imported.text
    case = imported.json()["case"]
    built = client.post(f"/api/v1/cases/{case}/packages", headers=inv.headers,
                        json={"country": "ES"})
    assert built.status_code == 201 and built.headers["content-type"] == "application/zip"
    key = client.get("/api/v1/referrals/signing-key", headers=inv.headers)
    result = verify.check(built.content, key_pem=key.content, key_source="api")
    assert result.ok and result.key_fingerprint == key.headers["x-key-fingerprint"]
    bomb = client.post("/api/v1/platform-reports?format=ncmec-xml", headers=inv.headers,
                       content=b'<!DOCTYPE r [<!ENTITY a "b">]><report>&a;</report>')
    assert bomb.status_code == 422 and "document type declaration" in bomb.json()["detail"]


def test_console_flow_from_incoming_form_to_awaiting_list(
        client: TestClient, accounts: dict[str, Account]) -> None:
    csrf = login(client, accounts["investigator"])
    form = client.get("/referrals/incoming")
    assert 'id="incoming-form"' in form.text
    created = client.post("/referrals/incoming", follow_redirects=False, data={
        "csrf": csrf, "agency": "Embassy of Spain", "country": "es", "reference": "ES-9",
        "name": "Named Person", "identifiers": f"phone {SPANISH_PHONE}\nemail n@example.org\n"
        "handle telegram:named\nip 192.0.2.5 2024-03-01T10:00:00+00:00",
        "hashes": f"sha256 {'ab' * 32} photo 1.jpg", "text": "Their account."})
    assert created.status_code == 303, created.text
    page = client.get(created.headers["location"])
    reference = re.search(r"/cases/(CC-\d{4}-\d{4})\"", page.text)
    assert reference and 'id="build-form"' in page.text and "Spain (ES)" in page.text
    case_page = client.get(f"/cases/{reference.group(1)}")
    assert 'id="arrival-hits"' in case_page.text and "/assets/referrals/hits.js" in case_page.text
    package = client.post(f"/cases/{reference.group(1)}/packages",
                          data={"csrf": csrf, "country": "ES"})
    assert package.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(package.content)).namelist()
    assert "data/ip_captures.json" in names and "data/reported_files.json" in names
    page = client.get(f"/cases/{reference.group(1)}/international")
    referral = re.search(r'data-referral="(\d+)"', page.text)
    assert referral
    client.cookies.clear()
    sup = accounts["supervisor"]
    csrf = login(client, sup, sup.code(utcnow()))
    for to in ("approved", "sent"):
        moved = client.post(f"/referrals/{referral.group(1)}/move", follow_redirects=False,
                            data={"csrf": csrf, "to": to, "reason": "walk"})
        assert moved.status_code == 303, moved.text
    listing = client.get("/referrals")
    assert 'data-country="ES"' in listing.text and reference.group(1) in listing.text
    assert client.get("/assets/referrals/hits.js").status_code == 200
    assert client.get("/assets/referrals/nothing.js").status_code == 404


def test_console_uploads_a_json_report(client: TestClient, accounts: dict[str, Account]) -> None:
    csrf = login(client, accounts["investigator"])
    uploaded = client.post("/referrals/platform-report", follow_redirects=False,
                           data={"csrf": csrf, "format": "ncmec-json"},
                           files={"report": ("r.json", (DATA / "cybertip_le.json").read_bytes(),
                                             "application/json")})
    assert uploaded.status_code == 303
    refused = client.post("/referrals/platform-report",
                          data={"csrf": csrf, "format": "ncmec-json"},
                          files={"report": ("r.json", b"{not json", "application/json")})
    assert refused.status_code == 422 and "malformed JSON" in refused.text
