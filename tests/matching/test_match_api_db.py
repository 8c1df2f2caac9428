"""Matching through the API and the command line: import, run, read, confirm, export."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from fastapi.testclient import TestClient
from PIL import Image
from typer.testing import CliRunner

from tests.cli.conftest import cli
from tests.cli.runner import run
from tests.support import Account, login

__all__ = ["cli"]


def _picture(seed: int) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 255, (48, 64, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "PNG")
    return out.getvalue()


def cli_case_with_pictures(cli: CliRunner, folder: Path, seeds: Iterable[int],
                           who: str = "investigator") -> tuple[str, list[dict[str, Any]]]:
    """A case opened and its folder of generated pictures ingested through the CLI: the
    reference and the case's evidence list."""
    folder.mkdir()
    for seed in seeds:
        (folder / f"p{seed}.png").write_bytes(_picture(seed))
    ref: str = json.loads(run(cli, "case", "open", "--title", folder.name, "--channel",
                              "walk_in", "--as", who, "--json"))["reference"]
    run(cli, "evidence", "ingest", str(folder), "--case", ref, "--source", folder.name,
        "--as", who)
    items: list[dict[str, Any]] = json.loads(run(cli, "evidence", "list", "--case", ref,
                                                 "--as", who, "--json"))
    return ref, items


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
    ref, items = cli_case_with_pictures(cli, tmp_path / "card", [5])
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


def _flat_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (128, 128, 128)).save(out, "PNG")
    return out.getvalue()


def test_evidence_console_shows_matches_without_showing_the_items(
        client: TestClient, accounts: dict[str, Account]) -> None:
    admin, inv, analyst = accounts["admin"], accounts["investigator"], accounts["analyst"]
    ref, items = _case_with_items(client, inv)
    assert client.post(f"/api/v1/cases/{ref}/evidence", headers=inv.headers,
                       data={"source": "card"}, files=[("files", ("flat.png", _flat_png(),
                                                                  "image/png"))]).status_code == 201
    flat = next(i for i in client.get(f"/api/v1/cases/{ref}/evidence",
                                      headers=inv.headers).json() if i["pdq_quality"] < 50)
    known, near, plain = items
    body = f"hash_type,hash,category\nmd5,{known['md5']},1\npdq,{near['pdq']},2\n"
    assert client.post("/api/v1/hashlists/hotline/versions?format=csv&scheme=vics-us"
                       "&version=2024-05", headers=admin.headers,
                       content=body.encode()).status_code == 201
    client.post(f"/api/v1/cases/{ref}/matching/runs", headers=inv.headers, json={})
    csrf = login(client, analyst)

    def badges() -> dict[str, str]:
        page = client.get(f"/cases/{ref}/evidence").text
        return dict(re.findall(r'<tr data-sha256="([0-9a-f]{64})">.*?<td class="known">'
                               r'(?:<span[^>]*>([^<]*)</span>)?</td>', page, re.S))

    assert badges() == {known["sha256"]: "matched: 1", near["sha256"]: "matched: 2",
                        plain["sha256"]: "", flat["sha256"]: "not comparable"}
    page = client.get(f"/evidence/{near['sha256']}").text
    panel = page[page.index('id="known-material"'):]
    row = re.search(r'<tr data-match="(\d+)">(.*?)</tr>', panel, re.S)
    assert row, panel[:1000]
    cells = [re.sub(r"<[^>]+>", "", c).strip()
             for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(2), re.S)]
    assert cells[0] == "hotline · 2024-05" and cells[1].startswith("#")
    assert cells[2] == "pdq" and cells[3].startswith(f"0 · q{near['pdq_quality']}")
    assert cells[5] == "2"
    decision = panel[panel.index('<div class="confirmation"'):]
    assert f'name="back" value="/evidence/{near["sha256"]}"' in decision
    assert f'<img class="preview large" src="/evidence/{near["sha256"]}/preview.jpg"' in page
    preview = client.get(f"/evidence/{near['sha256']}/preview.jpg")
    assert preview.headers["content-type"] == "image/jpeg" and preview.content != _picture(1)
    confirmed = client.post(f"/cases/{ref}/items/{near['sha256']}/confirm", data={
        "csrf": csrf, "category": "2", "back": f"/evidence/{near['sha256']}"},
        follow_redirects=False)
    assert confirmed.status_code == 303
    assert confirmed.headers["location"] == f"/evidence/{near['sha256']}#known-material"
    assert "2 by analyst" in client.get(f"/evidence/{near['sha256']}").text
    assert badges()[near["sha256"]] == "confirmed: 2"
    elsewhere = client.post(f"/cases/{ref}/items/{known['sha256']}/confirm", data={
        "csrf": csrf, "back": "https://elsewhere.example/evidence"}, follow_redirects=False)
    assert elsewhere.headers["location"] == f"/cases/{ref}/matching#matches"  # not open
    assert badges()[known["sha256"]] == "confirmed: 1"
    plain_page = client.get(f"/evidence/{plain['sha256']}").text
    assert "No match recorded." in plain_page and 'data-match="' not in plain_page
    assert "Not comparable: PDQ quality" in client.get(f"/evidence/{flat['sha256']}").text
    outsider = client.get(f"/api/v1/cases/{ref}/matches", headers=accounts["outsider"].headers)
    assert outsider.status_code == 403
