"""A unit's own statute catalogue from the command line is held to the API's bounds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from nigehbaan.cases.models import Statute
from tests.cli.runner import run

_GOOD = {"code": "UNIT-1", "law": "Unit Act", "title": "A unit's offence"}


def _catalogue(tmp_path: Path, entries: list[dict[str, str]], name: str = "unit") -> Path:
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps({"catalogue": name, "statutes": entries}), "utf-8")
    return path


@pytest.mark.parametrize(("bad", "named"), [
    ({"code": "X" * 41}, "statutes[1].code: 41 characters, at most 40"),
    ({"law": "L" * 161}, "statutes[1].law: 161 characters, at most 160"),
    ({"section": "s" * 21}, "statutes[1].section: 21 characters, at most 20"),
    ({"title": "T" * 201}, "statutes[1].title: 201 characters, at most 200"),
    ({"description": "d" * 20_001}, "statutes[1].description: 20001 characters, at most 20000"),
    ({"title": "Title\u0000"}, "statutes[1].title: holds a NUL character"),
], ids=["code", "law", "section", "title", "description", "nul"])
def test_load_refuses_what_the_table_cannot_hold(
    cli: CliRunner, factory: sessionmaker[Session], tmp_path: Path,
    bad: dict[str, str], named: str,
) -> None:  # fmt: skip
    entry = {"code": "UNIT-2", "law": "Unit Act", "title": "Another", **bad}
    line = run(cli, "statutes", "load", str(_catalogue(tmp_path, [_GOOD, entry])), code=1)
    assert named in line
    with factory() as session:
        codes = set(session.scalars(select(Statute.code)))
    assert not codes & {"UNIT-1", "UNIT-2", "X" * 41}


def test_load_refuses_an_overlong_catalogue_name(
    cli: CliRunner, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    path = _catalogue(tmp_path, [_GOOD], name="c" * 121)
    assert "catalogue: 121 characters, at most 120" in run(cli, "statutes", "load", str(path),
                                                           code=1)
    with factory() as session:
        assert session.get(Statute, "UNIT-1") is None


def test_load_takes_entries_at_the_bounds(
    cli: CliRunner, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    entry = {"code": "C" * 40, "law": "L" * 160, "section": "s" * 20, "title": "T" * 200,
             "description": "d" * 20_000}
    assert "loaded 1 statutes" in run(cli, "statutes", "load", str(_catalogue(tmp_path, [entry])))
    with factory() as session:
        stored = session.get(Statute, "C" * 40)
        assert stored is not None and stored.title == "T" * 200
