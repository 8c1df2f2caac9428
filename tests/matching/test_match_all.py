"""`match --all`: after a new list version, every case the user may see is matched again, each
in its own unit of work; cases of other units are left alone."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.cli.conftest import cli
from tests.cli.runner import run
from tests.matching.test_match_api_db import cli_case_with_pictures
from tests.support import Account

__all__ = ["cli"]


def _case_with_picture(cli: CliRunner, tmp_path: Path, seed: int, who: str) -> tuple[str, str]:
    ref, items = cli_case_with_pictures(cli, tmp_path / f"phone-{seed}", [seed], who)
    return ref, str(items[0]["md5"])


def test_a_new_list_is_run_over_every_case_the_user_may_see(
        cli: CliRunner, accounts: dict[str, Account], tmp_path: Path) -> None:
    assert {"investigator", "outsider"} <= set(accounts)
    first, md5_1 = _case_with_picture(cli, tmp_path, 1, "investigator")
    second, md5_2 = _case_with_picture(cli, tmp_path, 2, "investigator")
    theirs, md5_3 = _case_with_picture(cli, tmp_path, 3, "outsider")
    listing = tmp_path / "list.txt"
    listing.write_text(f"{md5_1}\n{md5_2}\n{md5_3}\n")
    imported = run(cli, "hashlist", "import", str(listing), "--format", "plain", "--name",
                   "national")
    assert "3 case(s) hold evidence not matched since this version" in imported

    reports = json.loads(run(cli, "match", "--all", "--as", "investigator", "--json"))
    assert [(r["case"], r["new_matches"]) for r in reports] == [(first, 1), (second, 1)]
    assert "0 new match(es)" in run(cli, "match", "--all", "--as", "investigator")
    assert run(cli, "matches", "list", "--case", theirs, "--as", "outsider").strip() == "no matches"

    assert "--case REF, or --all" in run(cli, "match", code=1)
    assert "--case REF, or --all" in run(cli, "match", "--all", "--case", first, code=1)
