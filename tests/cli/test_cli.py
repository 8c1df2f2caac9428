"""The command line: human and JSON output, exit 1 with one line for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from nigehbaan.core.audit import AuditEvent
from nigehbaan.core.db import transaction
from tests.cli.runner import run
from tests.support import Account


def test_init_is_idempotent(cli: CliRunner) -> None:
    assert "ready" in run(cli, "init")
    assert "ready" in run(cli, "init")


def test_user_add_reads_password_from_stdin(cli: CliRunner) -> None:
    out = json.loads(run(cli, "user", "add", "sadia", "--role", "supervisor", "--unit", "U",
                         "--json", input="a-long-password\n"))
    assert out["role"] == "supervisor" and len(out["totp_secret"]) >= 16
    assert "unknown role 'wizard'" in run(cli, "user", "add", "x", "--role", "wizard",
                                          input="a-long-password\n", code=1)
    assert "already exists" in run(cli, "user", "add", "sadia", "--role", "analyst",
                                   input="a-long-password\n", code=1)


def test_case_open_list_show_move(cli: CliRunner, accounts: dict[str, Account]) -> None:
    opened = json.loads(run(cli, "case", "open", "--title", "Walk-in complaint", "--channel",
                            "walk_in", "--offence", "PECA-2016-21", "--as", "investigator",
                            "--json"))
    ref = opened["reference"]
    assert opened["offences"] == ["PECA-2016-21"] and opened["team"] == ["investigator"]
    run(cli, "case", "person", ref, "--role", "suspect", "--phone", "+34 612 345 678",
        "--as", "investigator")
    listed = json.loads(run(cli, "case", "list", "--as", "investigator", "--json"))
    assert [row["reference"] for row in listed] == [ref]
    shown = run(cli, "case", "show", ref, "--as", "investigator")
    assert "+34612345678" in shown and "allowed moves: inquiry, declined, merged" in shown
    assert "is now inquiry" in run(cli, "case", "move", ref, "inquiry", "--reason", "started",
                                   "--as", "investigator")
    line = run(cli, "case", "move", ref, "closed", "--reason", "x", "--as", "investigator",
               code=1)
    assert "allowed moves from inquiry: evidence_authentication, declined, merged" in line


def test_bad_input_is_one_line(cli: CliRunner, accounts: dict[str, Account]) -> None:
    assert "no case 'CC-1999-0009'" in run(cli, "case", "show", "CC-1999-0009", code=1)
    assert "unknown status 'flying'" in run(cli, "case", "list", "--status", "flying", code=1)
    assert "channel" in run(cli, "case", "open", "--title", "Bad channel", "--channel", "fax",
                            code=1)
    ref = json.loads(run(cli, "case", "open", "--title", "Phone case", "--channel", "walk_in",
                         "--json"))["reference"]
    assert "is not a valid phone number" in run(cli, "case", "person", ref, "--role", "victim",
                                                "--phone", "+92 12", code=1)
    assert "no user 'ghost'" in run(cli, "case", "list", "--as", "ghost", code=1)
    assert "not assigned to you or your unit" in run(cli, "case", "show", ref, "--as",
                                                     "outsider", code=1)


def test_audit_verify_names_the_broken_event(cli: CliRunner, accounts: dict[str, Account],
                                             factory: sessionmaker[Session]) -> None:
    assert "audit: intact" in run(cli, "audit", "verify")
    with transaction(factory) as session:
        session.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(action="forged"))
    line = run(cli, "audit", "verify", code=1)
    assert line == "error: audit log broken at event 3: content was changed"


def test_uninitialised_database_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIGEHBAAN_HOME", str(tmp_path))
    monkeypatch.delenv("NIGEHBAAN_DATABASE_URL", raising=False)
    line = run(CliRunner(), "case", "list", code=1)
    assert "run 'nigehbaan init'" in line


def test_synth_is_reproducible(cli: CliRunner, tmp_path: Path) -> None:
    small = ("--members", "20", "--messages", "200", "--images", "6", "--videos", "1")
    run(cli, "synth", str(tmp_path / "a"), "--seed", "5", *small)
    run(cli, "synth", str(tmp_path / "b"), "--seed", "5", *small)
    run(cli, "synth", str(tmp_path / "c"), "--seed", "6", *small)
    for manifest in ("chats/chats_manifest.json", "media/manifest.json"):
        assert (tmp_path / "a" / manifest).read_bytes() == (tmp_path / "b" / manifest).read_bytes()
    assert len(list((tmp_path / "a" / "media" / "images").iterdir())) == 6
    assert "messages" in run(cli, "synth", str(tmp_path / "d"), "--members", "500",
                             "--messages", "10", code=1)
    a, b, c = ((tmp_path / name / "scenario.json").read_bytes() for name in "abc")
    assert a == b and a != c
    cases = json.loads(a)["cases"]
    years = {case["received_at"][:4] for case in cases}
    assert {"2017", "2018", "2026"} <= years
    assert len({case["channel"] for case in cases}) == 5
    countries = {i["value"][:3] for case in cases for p in case["persons"]
                 for i in p["identifiers"]}
    assert len(countries) >= 4
