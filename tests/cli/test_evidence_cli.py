"""`nigehbaan evidence …` from the command line."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from nigehbaan.core.settings import Settings
from nigehbaan.evidence.store import open_vault
from tests.cli.runner import run
from tests.support import Account


@pytest.fixture
def phone(tmp_path: Path) -> Path:
    folder = tmp_path / "phone"
    (folder / "DCIM").mkdir(parents=True)
    for index in range(4):
        Image.new("RGB", (96, 64), (40 * index, 120, 200 - 30 * index)).save(
            folder / "DCIM" / f"IMG_{index}.png")
    (folder / "notes.txt").write_text("benign notes")
    return folder


def _case(cli: CliRunner) -> str:
    out = run(cli, "case", "open", "--title", "Seized phone", "--channel", "walk_in",
              "--as", "investigator", "--json")
    reference: str = json.loads(out)["reference"]
    return reference


def test_ingest_list_verify_custody_export(cli: CliRunner, accounts: dict[str, Account],
                                           phone: Path, settings: Settings,
                                           tmp_path: Path) -> None:
    ref = _case(cli)
    first = json.loads(run(cli, "evidence", "ingest", str(phone), "--case", ref, "--source",
                           "phone of suspect 3", "--as", "investigator", "--json"))
    assert (first["files"], first["new_content"], first["refused"]) == (5, 5, [])
    again = json.loads(run(cli, "evidence", "ingest", str(phone), "--case", ref, "--source",
                           "phone of suspect 3", "--as", "investigator", "--json"))
    assert (again["files"], again["already_recorded"]) == (0, 5)
    items = json.loads(run(cli, "evidence", "list", "--case", ref, "--as", "investigator",
                           "--json"))
    picture = phone / "DCIM" / "IMG_2.png"
    sha = hashlib.sha256(picture.read_bytes()).hexdigest()
    found = next(i for i in items if i["sha256"] == sha)
    assert found["md5"] == hashlib.md5(picture.read_bytes()).hexdigest()
    assert found["findings"][0]["path"] == "phone/DCIM/IMG_2.png" and found["pdq"]
    assert "checked 5 items, 0 bad" in run(cli, "evidence", "verify", "--case", ref,
                                          "--as", "investigator")
    out = tmp_path / "copy.png"
    run(cli, "evidence", "export", sha, str(out), "--reason", "send to the lab", "--as",
        "investigator")
    assert out.read_bytes() == picture.read_bytes()
    assert "exists" in run(cli, "evidence", "export", sha, str(out), "--reason", "again!",
                           code=1)
    custody = json.loads(run(cli, "evidence", "custody", "--item", sha, "--as", "investigator",
                             "--json"))
    assert [e["action"] for e in custody] == ["acquired", "verified", "exported"]
    assert "custody: intact" in run(cli, "audit", "verify")


def test_changed_blob_fails_verify(cli: CliRunner, accounts: dict[str, Account], phone: Path,
                                   settings: Settings) -> None:
    ref = _case(cli)
    run(cli, "evidence", "ingest", str(phone), "--case", ref, "--source", "phone", "--as",
        "investigator")
    sha = hashlib.sha256((phone / "notes.txt").read_bytes()).hexdigest()
    blob = open_vault(settings).path_of(sha)
    blob.chmod(0o600)
    sealed = blob.read_bytes()
    blob.write_bytes(sealed[:-1] + bytes([sealed[-1] ^ 0x01]))  # never the same byte again
    line = run(cli, "evidence", "verify", code=1)
    assert line.startswith("error: 1 of 5 items no longer match") and sha[:16] in line



def test_whole_vault_check_names_unrecorded_blobs(cli: CliRunner, accounts: dict[str, Account],
                                                  phone: Path, settings: Settings) -> None:
    """Content stored by an ingest interrupted before it recorded the item is named, and the
    check still passes: nothing was changed, and a re-run of the ingest records it."""
    ref = _case(cli)
    run(cli, "evidence", "ingest", str(phone), "--case", ref, "--source", "phone", "--as",
        "investigator")
    stray = open_vault(settings).put(io.BytesIO(b"stored, then the ingest stopped")).sha256
    line = run(cli, "evidence", "verify")
    assert "checked 5 items, 0 bad" in line
    assert "1 blob(s) in the vault that no item records" in line and stray[:16] in line
    found = json.loads(run(cli, "evidence", "verify", "--json"))
    assert found["unrecorded"] == [stray] and found["bad"] == []
    assert json.loads(run(cli, "evidence", "verify", "--case", ref, "--as", "investigator",
                          "--json"))["unrecorded"] == []

def test_ingest_bad_input(cli: CliRunner, accounts: dict[str, Account], tmp_path: Path) -> None:
    ref = _case(cli)
    assert "does not exist" in run(cli, "evidence", "ingest", str(tmp_path / "none"), "--case",
                                   ref, "--source", "x", code=1)
    assert "no case" in run(cli, "evidence", "ingest", str(tmp_path), "--case", "CC-1900-0001",
                            "--source", "x", code=1)
    assert "exactly one" in run(cli, "evidence", "custody", code=1)
