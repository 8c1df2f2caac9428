"""`nigehbaan referral …` end to end, and the synthetic-scenario package: built, verified,
altered by one byte and refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from nigehbaan.cases.models import Case
from nigehbaan.core.db import transaction
from nigehbaan.core.settings import Settings
from nigehbaan.referrals.attribution import countries_of
from nigehbaan.synth import load, scenario
from tests.cli.runner import run
from tests.mutations import flipped
from tests.support import Account
from tests.zip_bombs import quoted_overlap, zipped

DATA = Path(__file__).parent / "data"


def _synthetic_case(factory: sessionmaker[Session], settings: Settings,
                    accounts: dict[str, Account]) -> tuple[str, str]:
    """Load the seed-7 scenario; the first case with someone abroad, and that country."""
    with transaction(factory) as session:
        load.load_cases(session, scenario.build(7), settings, accounts["investigator"].actor,
                        accounts["supervisor"].actor)
        for case in session.execute(select(Case).order_by(Case.id)).scalars():
            foreign = [code for code in countries_of(session, case) if code != "PK"]
            if foreign:
                return case.reference, foreign[0]
    raise AssertionError("the scenario has no foreign person")


def test_synthetic_package_is_built_verified_and_refused_after_one_changed_byte(
        cli: CliRunner, factory: sessionmaker[Session], settings: Settings,
        accounts: dict[str, Account], tmp_path: Path) -> None:
    reference, country = _synthetic_case(factory, settings, accounts)
    out = tmp_path / f"{reference}-{country}.zip"
    built = json.loads(run(cli, "referral", "build", "--case", reference, "--country", country,
                           "--out", str(out), "--as", "investigator", "--json"))
    assert built["people"] >= 1 and built["media"] == 0
    key = tmp_path / "unit.pem"
    run(cli, "referral", "key", "--out", str(key))
    verified = run(cli, "referral", "verify", str(out), "--key", str(key))
    assert "intact" in verified and built["key_fingerprint"] in verified
    data = out.read_bytes()
    altered = tmp_path / "altered.zip"
    altered.write_bytes(flipped(data, len(data) // 2, 0x20))
    refused = run(cli, "referral", "verify", str(altered), "--key", str(key), code=1)
    assert refused.startswith(f"error: {altered}: refused: ")
    assert "SHA-256 does not match" in refused or "damaged" in refused


def test_receive_import_hits_and_status_from_the_command_line(
        cli: CliRunner, accounts: dict[str, Account], tmp_path: Path) -> None:
    first = json.loads(run(cli, "referral", "import", str(DATA / "esp_report.xml"),
                           "--format", "ncmec-xml", "--as", "investigator", "--json"))
    assert first["source_id"] == "ESP-2024-0042" and first["persons"] == 2
    assert "report/reporter" in first["unknown_fields"]
    received = run(cli, "referral", "receive", "--agency", "Embassy of Spain", "--country", "ES",
                   "--reference", "ES-77", "--phone", "+34 612 345 678",
                   "--ip", "2001:db8::17@2024-04-10T12:55:00+00:00", "--hash",
                   "md5:FEDCBA9876543210FEDCBA9876543210", "--as", "investigator")
    assert f"this phone number +34612345678 is a suspect's in case {first['case']}" in received
    assert f"this MD5 hash fedcba9876543210fedcba9876543210 was reported (as 'clip_17.mp4') " \
           f"in case {first['case']}" in received
    new_case = received.split(":")[0]
    assert new_case in run(cli, "referral", "hits", "--case", new_case)
    built = json.loads(run(cli, "referral", "build", "--case", new_case, "--country", "ES",
                           "--out", str(tmp_path / "p.zip"), "--as", "investigator", "--json"))
    number = str(built["referral"])
    assert "named supervisor" in run(cli, "referral", "move", number, "approved", "--reason",
                                     "ok", code=1)
    run(cli, "referral", "move", number, "approved", "--reason", "ok", "--as", "supervisor")
    run(cli, "referral", "move", number, "sent", "--reason", "via liaison", "--as",
        "investigator")
    listed = run(cli, "referral", "list", "--awaiting", "--as", "investigator")
    assert "ES  sent" in listed and new_case in listed


@pytest.mark.parametrize(("args", "message"), [
    (["import", "missing.json", "--format", "ncmec-json"], "cannot be read"),
    (["import", str(DATA / "esp_report.xml"), "--format", "ncmec-json"], "malformed JSON"),
    (["verify", str(DATA / "esp_report.xml")], "not a readable zip archive"),
    (["receive", "--agency", "X", "--country", "ES", "--ip", "192.0.2.1@noon"],
     "ADDRESS@ISO-TIME"),
    (["build", "--case", "CC-2099-0001", "--country", "ES", "--out", "x.zip"], "no case"),
    (["move", "999", "sent", "--reason", "x"], "no referral 999"),
])
def test_bad_input_is_one_line(cli: CliRunner, args: list[str], message: str) -> None:
    assert message in run(cli, "referral", *args, code=1)


def test_verify_refuses_a_zip_bomb_in_one_line(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    path.write_bytes(quoted_overlap(zipped({"manifest.json": b"{}"}), copies=20))
    assert run(cli, "referral", "verify", str(path), code=1) == (
        "error: package: not a package (refused: possible zip bomb: entry 'manifest.json' at "
        "byte 0 overlaps entry 'manifest.json' at byte 0)")
