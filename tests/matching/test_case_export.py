"""A case's own media as a VICS or CSV list that other tools read, each export in custody."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nigehbaan.matching.formats import get_format
from nigehbaan.matching.hashes import HashType
from tests.cli.conftest import cli
from tests.cli.runner import run
from tests.matching.test_match_api_db import cli_case_with_pictures
from tests.support import Account

__all__ = ["cli"]


def test_case_media_round_trips_through_vics_with_reviewed_categories(
        cli: CliRunner, accounts: dict[str, Account], tmp_path: Path) -> None:
    assert "investigator" in accounts
    ref, items = cli_case_with_pictures(cli, tmp_path / "phone", (1, 2, 3))
    listing = tmp_path / "list.txt"
    listing.write_text(f"{items[0]['md5']}\n")
    run(cli, "hashlist", "import", str(listing), "--format", "plain", "--name", "nat")
    run(cli, "match", "--case", ref)
    match_id = json.loads(run(cli, "matches", "list", "--case", ref, "--json"))[0]["id"]
    run(cli, "matches", "confirm", str(match_id), "--case", ref, "--category", "B1")

    out = tmp_path / "case.json"
    run(cli, "hashlist", "export-case", "--case", ref, "--format", "vics", "--out", str(out))
    entries = list(get_format("vics").read_path(out))
    md5s = {e.value: e.category for e in entries if e.hash_type is HashType.MD5}
    assert sorted(md5s) == sorted(i["md5"].lower() for i in items)
    assert md5s[items[0]["md5"].lower()] == "B1"
    assert {e.hash_type for e in entries} == {HashType.MD5, HashType.SHA1}
    assert json.loads(out.read_text())["value"][0]["MD5"].isupper()
    custody = json.loads(run(cli, "evidence", "custody", "--item", items[1]["sha256"],
                             "--json"))
    assert [e["action"] for e in custody] == ["acquired", "exported"]
    assert custody[-1]["detail"] == {"as": "case media list (vics)"}

    csv_text = run(cli, "hashlist", "export-case", "--case", ref)
    assert csv_text.startswith("hash_type,hash") and items[2]["sha256"] in csv_text

    refused = tmp_path / "refused.hma"
    line = run(cli, "hashlist", "export-case", "--case", ref, "--format", "hma",
               "--out", str(refused), code=1)
    assert "use csv or vics" in line
    assert not refused.exists() and list(tmp_path.glob(".refused.hma*")) == []
    assert "no case" in run(cli, "hashlist", "export-case", "--case", "CC-1999-0001", code=1)
