"""Matching through the API and the command line: import, run, read, confirm, export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from typer.testing import CliRunner

from nigehbaan.core.settings import Settings
from tests.cli.runner import run
from tests.support import Account


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("NIGEHBAAN_HOME", str(settings.home))
    monkeypatch.setenv("NIGEHBAAN_DATABASE_URL", settings.database_url)
    monkeypatch.delenv("NIGEHBAAN_USER", raising=False)
    return CliRunner()


def _picture(seed: int) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 255, (48, 64, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "PNG")
    return out.getvalue()


def _case_with_items(client: TestClient, inv: Account) -> tuple[str, list[dict[str, str]]]:
    ref = client.post("/api/v1/cases", headers=inv.headers, json={
        "title": "Seized card", "channel": "walk_in"}).json()["reference"]
    files = [("files", (f"p{i}.png", _picture(i), "image/png")) for i in range(3)]
    assert client.post(f"/api/v1/cases/{ref}/evidence", headers=inv.headers,
                       data={"source": "card"}, files=files).status_code == 201
    items = client.get(f"/api/v1/cases/{ref}/evidence", headers=inv.headers).json()
    return ref, items


def test_api_import_run_confirm_queue_links_and_export(
        client: TestClient, accounts: dict[str, Account]) -> None:
    admin, inv, analyst = accounts["admin"], accounts["investigator"], accounts["analyst"]
    ref, items = _case_with_items(client, inv)
    known, other = items[0], items[1]
    body = f"hash_type,hash,category\nmd5,{known['md5']},1\npdq,{other['pdq']},2\n"
    made = client.post("/api/v1/hashlists/hotline/versions?format=csv&scheme=vics-us"
                       "&version=2024-05&source=Hotline", headers=admin.headers,
                       content=body.encode())
    assert made.status_code == 201 and made.json()["added"] == 2
    again = client.post("/api/v1/hashlists/hotline/versions?format=csv&version=2024-05",
                        headers=admin.headers, content=body.encode())
    assert again.status_code == 409 and "already has version '2024-05'" in again.json()["detail"]
    bad = client.post("/api/v1/hashlists/other/versions?format=csv", headers=admin.headers,
                      content=b"hash_type,hash\nmd5,zz\n")
    assert bad.status_code == 422 and bad.json()["detail"].startswith("line 2: ")
    listed = client.get("/api/v1/hashlists", headers=analyst.headers).json()
    assert [(h["name"], h["entries"]) for h in listed] == [("hotline", 2)]
    report = client.post(f"/api/v1/cases/{ref}/matching/runs", headers=inv.headers,
                         json={}).json()
    assert report["matched_items"] == 2
    assert report["by_method"] == {"exact-md5": 1, "pdq": 1}
    matches = client.get(f"/api/v1/cases/{ref}/matches", headers=analyst.headers).json()
    first = next(m for m in matches if m["method"] == "exact-md5")
    assert (first["suggested"], first["list"], first["version"]) == ("1", "hotline", "2024-05")
    done = client.post(f"/api/v1/cases/{ref}/matches/{first['id']}/confirmation",
                       headers=analyst.headers, json={})
    assert done.status_code == 200 and done.json()["confirmed"] == "1"
    queue = client.get(f"/api/v1/cases/{ref}/review-queue", headers=analyst.headers).json()
    assert [q["sha256"] for q in queue] == [items[2]["sha256"]]
    review = client.post(f"/api/v1/cases/{ref}/evidence/{items[2]['sha256']}/review",
                         headers=analyst.headers, json={"category": "1"})
    assert review.status_code == 200
    exported = client.get(f"/api/v1/matching/new-material?format=csv&case={ref}",
                          headers=analyst.headers)
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert {r["hash"] for r in rows} >= {items[2]["sha256"], items[2]["md5"]}
    assert known["md5"] not in exported.text
    vics = client.get("/api/v1/matching/new-material?format=vics", headers=analyst.headers)
    assert json.loads(vics.text)["value"][0]["MD5"] == items[2]["md5"].upper()
    assert client.get(f"/api/v1/cases/{ref}/shared-material",
                      headers=analyst.headers).json() == []


def test_console_pages(client: TestClient, accounts: dict[str, Account]) -> None:
    inv = accounts["investigator"]
    ref, _items = _case_with_items(client, inv)
    client.post("/login", data={"username": "investigator", "password": inv.password})
    page = client.get(f"/cases/{ref}/matching")
    assert page.status_code == 200 and "Review queue" in page.text
    assert client.get("/hashlists").status_code == 200
    assert f"/cases/{ref}/matching" in client.get(f"/cases/{ref}").text


def test_cli_import_list_match_and_bad_input(
        cli: CliRunner, accounts: dict[str, Account], tmp_path: Path) -> None:
    folder = tmp_path / "card"
    folder.mkdir()
    (folder / "a.png").write_bytes(_picture(5))
    ref = json.loads(run(cli, "case", "open", "--title", "Card", "--channel", "walk_in",
                         "--as", "investigator", "--json"))["reference"]
    run(cli, "evidence", "ingest", str(folder), "--case", ref, "--source", "card",
        "--as", "investigator")
    items = json.loads(run(cli, "evidence", "list", "--case", ref, "--json"))
    listing = tmp_path / "list.txt"
    listing.write_text(f"{items[0]['md5']}\n")
    out = run(cli, "hashlist", "import", str(listing), "--format", "plain", "--name", "nat",
              "--version", "7", "--source", "National")
    assert "nat 7: 1 read, 1 added" in out
    line = run(cli, "hashlist", "import", str(listing), "--format", "plain", "--name", "nat",
               "--version", "7", code=1)
    assert "already has version '7'" in line
    bad = tmp_path / "bad.txt"
    bad.write_text(f"{items[0]['md5']}\n{'a' * 64}\n")
    assert "line 2: 64 hex digits" in run(cli, "hashlist", "import", str(bad), "--format",
                                          "plain", "--name", "bad", code=1)
    assert "nat (list, National" in run(cli, "hashlist", "list")
    report = json.loads(run(cli, "match", "--case", ref, "--json"))
    assert report["matched_items"] == 1 and report["new_matches"] == 1
    again = json.loads(run(cli, "match", "--case", ref, "--json"))
    assert again["new_matches"] == 0
    assert "exact-md5" in run(cli, "matches", "list", "--case", ref)
    assert run(cli, "matches", "queue", "--case", ref).strip() == "empty"
    assert run(cli, "matches", "shared", "--case", ref).strip() == "none"
    assert run(cli, "matches", "notices").strip() == "none"
    match_id = json.loads(run(cli, "matches", "list", "--case", ref, "--json"))[0]["id"]
    assert "category B1 confirmed" in run(cli, "matches", "confirm", str(match_id), "--case",
                                          ref, "--category", "B1")
    out_file = tmp_path / "new.csv"
    run(cli, "hashlist", "export-new", "--out", str(out_file))
    assert out_file.read_text().startswith("hash_type,hash")
