"""Importing lists into the database: every format, bad input, versions and their deltas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.core.actors import Actor
from nigehbaan.core.db import transaction
from nigehbaan.core.errors import Conflict, Forbidden, Invalid
from nigehbaan.matching import lists
from nigehbaan.matching.lists import ListOptions
from nigehbaan.matching.models import HashEntry, HashEntryEvent, HashImportRow, HashListVersion
from tests.support import Account

MD5 = [f"{i:032x}" for i in range(1, 6)]
SHA1 = [f"{i:040x}" for i in range(1, 6)]
PDQ = [f"{i:064x}" for i in range(1, 6)]


def _import(factory: sessionmaker[Session], actor: Actor, path: Path, **options: object
            ) -> lists.ImportReport:
    with transaction(factory) as session:
        return lists.import_list(session, actor, path, ListOptions(**options))  # type: ignore[arg-type]


def _count(factory: sessionmaker[Session], model: type[object], **where: object) -> int:
    with transaction(factory) as session:
        query = select(func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return int(session.execute(query).scalar_one())


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text("hash_type,hash,category,series\n" + "\n".join(rows) + "\n", "utf-8")
    return path


def test_csv_import_then_versions_compute_the_delta_and_keep_history(
        factory: sessionmaker[Session], operator: Actor, tmp_path: Path) -> None:
    first = _csv(tmp_path / "v1.csv", [f"md5,{MD5[0]},1,s1", f"MD5,{MD5[1].upper()},1,",
                                       f"pdq,{PDQ[0]},2,", f"sha1,{SHA1[0]},1,"])
    report = _import(factory, operator, first, name="agency", format="csv", scheme="vics-us",
                     source="National hotline", version="2024-01")
    assert (report.read, report.added, report.changed, report.withdrawn) == (4, 4, 0, 0)
    second = _csv(tmp_path / "v2.csv", [f"md5,{MD5[0]},2,s1", f"pdq,{PDQ[0]},2,",
                                        f"sha1,{SHA1[0]},1,", f"md5,{MD5[2]},1,"])
    report = _import(factory, operator, second, name="agency", format="csv", version="2024-02")
    assert (report.added, report.changed, report.withdrawn, report.entries) == (1, 1, 1, 4)
    assert report.number == 2
    with transaction(factory) as session:
        changed = session.execute(select(HashEntry).where(HashEntry.value == MD5[0])).scalar_one()
        assert (changed.category_raw, changed.category) == ("2", "2")
        event = session.execute(select(HashEntryEvent).where(
            HashEntryEvent.entry_id == changed.id, HashEntryEvent.action == "changed")).scalar_one()
        assert event.previous["category_raw"] == "1"
        gone = session.execute(select(HashEntry).where(HashEntry.value == MD5[1])).scalar_one()
        assert gone.withdrawn and gone.withdrawn_version_id is not None
    # Listed again later: a new row, the withdrawn one stays as history.
    third = _csv(tmp_path / "v3.csv", [f"md5,{MD5[1]},1,"])
    report = _import(factory, operator, third, name="agency", format="csv")
    assert (report.version, report.added, report.withdrawn) == ("v3", 1, 4)
    assert _count(factory, HashEntry, value=MD5[1]) == 2
    assert _count(factory, HashImportRow) == 0


def test_reimport_of_a_version_or_the_same_file_is_refused(
        factory: sessionmaker[Session], operator: Actor, tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", [f"md5,{MD5[0]},,"])
    _import(factory, operator, path, name="l", format="csv", version="1")
    with pytest.raises(Conflict, match="already has version '1'"):
        _import(factory, operator, _csv(tmp_path / "b.csv", [f"md5,{MD5[1]},,"]), name="l",
                format="csv", version="1")
    with pytest.raises(Conflict, match="already imported into 'l' as version '1'"):
        _import(factory, operator, path, name="l", format="csv", version="2")
    assert _count(factory, HashListVersion) == 1


@pytest.mark.parametrize(("text", "problem"), [
    ("hash_type,hash\nmd5,abc\n", r"line 2: md5 hash 'abc' has 3 hex digits, expected 32"),
    ("hash_type,hash\nmd5," + "g" * 32 + "\n", r"line 2: .*non-hex character 'g'"),
    ("hash_type,hash\nmd4," + "0" * 32 + "\n", r"line 2: unknown hash type 'md4'"),
    ("hash,category\n" + "0" * 32 + ",1\n", r"line 1: header lacks column\(s\) hash_type"),
    ('hash_type,hash\nmd5,"' + "0" * 32 + "\n", r"line \d+: malformed CSV"),
])
def test_bad_csv_names_the_line_and_imports_nothing(
        factory: sessionmaker[Session], operator: Actor, tmp_path: Path, text: str,
        problem: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("hash_type,hash\n" + f"md5,{MD5[0]}\n" * 3 + text.split("\n", 1)[1]
                    if text.startswith("hash_type") else text, "utf-8")
    with pytest.raises(Invalid, match=problem.replace("line 2", "line 5")
                       if text.startswith("hash_type,hash\n") else problem):
        _import(factory, operator, path, name="bad", format="csv")
    assert _count(factory, HashEntry) == 0
    assert _count(factory, HashListVersion) == 0


def test_unknown_categories_are_all_named_with_their_first_line(
        factory: sessionmaker[Session], operator: Actor, tmp_path: Path) -> None:
    path = _csv(tmp_path / "c.csv", [f"md5,{MD5[0]},1,", f"md5,{MD5[1]},9,",
                                     f"md5,{MD5[2]},X,", f"md5,{MD5[3]},9,"])
    with pytest.raises(Invalid, match=r"'9' \(first at line 3\), 'X' \(first at line 4\)"):
        _import(factory, operator, path, name="c", format="csv", scheme="vics-us")
    with pytest.raises(Invalid, match="no category scheme: give --scheme"):
        _import(factory, operator, path, name="c", format="csv")
    assert _count(factory, HashEntry) == 0


def test_duplicates_are_reported_by_line_and_kept_once(
        factory: sessionmaker[Session], operator: Actor, tmp_path: Path) -> None:
    path = _csv(tmp_path / "d.csv", [f"md5,{MD5[0]},,", f"md5,{MD5[1]},,", f"md5,{MD5[0]},,"])
    report = _import(factory, operator, path, name="d", format="csv")
    assert (report.read, report.added, report.duplicates) == (3, 2, 1)
    assert report.duplicate_lines == [[2, 4]]


def test_vics_hma_and_plain_lists_import(
        factory: sessionmaker[Session], operator: Actor, tmp_path: Path) -> None:
    vics = tmp_path / "case.json"
    vics.write_text(json.dumps({
        "@odata.context": "http://github.com/ICMEC/ProjectVic/DataModels/2.0.xml/Default/"
                          "$metadata#Cases",
        "value": [{"CaseID": "C1", "Media": [
            {"MediaID": 1, "Category": 1, "MD5": MD5[0].upper(), "SHA1": SHA1[0],
             "Series": "S", "VictimIdentified": "true"},
            {"MediaID": 2, "PhotoDNA": "opaque"}]}]}), "utf-8")
    report = _import(factory, operator, vics, name="vic", format="vics", scheme="vics-us")
    assert (report.added, report.skipped) == (2, 1)
    hma = tmp_path / "bank.txt"
    hma.write_text(f"pdq {PDQ[0]}\nvideo_md5 {MD5[1]}\n", "utf-8")
    assert _import(factory, operator, hma, name="hma", format="hma").added == 2
    plain = tmp_path / "plain.txt"
    plain.write_text(f"{MD5[2]}\n{SHA1[1]}\n", "utf-8")
    assert _import(factory, operator, plain, name="plain", format="plain").added == 2
    ambiguous = tmp_path / "amb.txt"
    ambiguous.write_text(f"{MD5[3]}\n{PDQ[1]}\n", "utf-8")
    with pytest.raises(Invalid, match="line 2: 64 hex digits may be SHA-256 or PDQ"):
        _import(factory, operator, ambiguous, name="amb", format="plain")
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"value": [{"MD5": "' + MD5[0] + '"},\n {"MD5": }]}', "utf-8")
    with pytest.raises(Invalid, match=r"line 2, character \d+: malformed JSON"):
        _import(factory, operator, bad_json, name="bj", format="vics")
    with transaction(factory) as session:
        entry = session.execute(select(HashEntry).where(HashEntry.value == SHA1[0])).scalar_one()
        assert (entry.category, entry.series, entry.media_id) == ("1", "S", "1")
        assert entry.extra["VictimIdentified"] is True


def test_only_hashlist_admins_import(factory: sessionmaker[Session],
                                     accounts: dict[str, Account], tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", [f"md5,{MD5[0]},,"])
    with pytest.raises(Forbidden):
        _import(factory, accounts["supervisor"].actor, path, name="x", format="csv")
    assert _import(factory, accounts["admin"].actor, path, name="x", format="csv").added == 1


def test_a_list_of_a_million_lines_streams(
        factory: sessionmaker[Session], operator: Actor, tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    with path.open("w", encoding="utf-8") as out:
        for start in range(0, 1_000_000, 100_000):
            out.write("".join(f"{i:032x}\n" for i in range(start, start + 100_000)))
    report = _import(factory, operator, path, name="big", format="plain")
    assert (report.read, report.added, report.entries) == (1_000_000, 1_000_000, 1_000_000)
    assert _count(factory, HashImportRow) == 0
