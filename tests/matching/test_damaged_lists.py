"""Damaged hash lists: every import ends in success or a one-line error, never a crash.

A seeded mutation sweep over each format (bytes inserted, deleted, overwritten, cut; for VICS
JSON, field values swapped for other JSON types) runs the real import into the test database,
then one regression test per crash the sweep found. Only generated hash values are used.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.core.actors import Actor
from nigehbaan.core.db import make_session_factory, transaction
from nigehbaan.core.errors import Invalid
from nigehbaan.matching import lists
from nigehbaan.matching.lists import ListOptions
from nigehbaan.matching.models import HashEntry, HashImportRow, HashList, HashListVersion
from tests.mutations import Recipe, delete, insert, overwrite, truncate

SEED = 20261129
CASES = 50
"""Per format and database: the sweep stays a few seconds even on PostgreSQL."""
MD5 = "0123456789abcdef0123456789abcdef"
SHA1 = "0123456789abcdef0123456789abcdef01234567"


def _hex(rng: random.Random, digits: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(digits))


def _csv(rng: random.Random) -> str:
    lines = ["hash_type,hash,category,source,series,media_id,quality"]
    for _ in range(rng.randint(1, 6)):
        kind = rng.choice(["md5", "sha1", "sha256", "pdq"])
        value = _hex(rng, {"md5": 32, "sha1": 40}.get(kind, 64))
        lines.append(f"{kind},{value},{rng.randint(0, 3)},agency,S{rng.randint(0, 9)},"
                     f"{rng.randint(1, 999)},{rng.randint(0, 100)}")
    return "\n".join(lines) + "\n"


def _plain(rng: random.Random) -> str:
    return "".join(_hex(rng, rng.choice([32, 40])) + "\n" for _ in range(rng.randint(1, 6)))


def _hma(rng: random.Random) -> str:
    return "".join(rng.choice([f"pdq {_hex(rng, 64)}\n", f"video_md5 {_hex(rng, 32)}\n"])
                   for _ in range(rng.randint(1, 6)))


def _vics_document(rng: random.Random) -> dict[str, Any]:
    media = [{"MediaID": rng.randint(1, 10**6), "Category": rng.randint(0, 3),
              "MD5": _hex(rng, 32).upper(), "SHA1": _hex(rng, 40), "Series": "S1",
              "MediaSize": 2048, "Tags": ["t"], "Comments": "c", "VictimIdentified": "true",
              "IsDistributed": False} for _ in range(rng.randint(1, 4))]
    if rng.random() < 0.5:
        return {"@odata.context": "http://x/2.0.xml/Default/$metadata#Media", "value": media}
    return {"@odata.context": "http://x/2.0.xml/Default/$metadata#Cases",
            "value": [{"CaseID": "C1", "Media": media}]}


def _vics(rng: random.Random) -> str:
    return json.dumps(_vics_document(rng), indent=rng.choice([None, 1]))


_ODD = [None, 0, -1, 1.5, 10**30, True, [], [1, "x"], {}, {"a": 1}, "", " ", "a\x00b",
        "x" * 5000, "101", "1e999", "-1e999", "NaN", "9" * 5000, "\ud800"]
"""What a damaged or hostile VICS file may hold where a field's value should be; the strings
after "101" are written as bare JSON tokens, and the last as an unpaired surrogate escape."""


def _vics_types(rng: random.Random) -> str:
    document = _vics_document(rng)
    places: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        for key in (list(node) if isinstance(node, dict) else range(len(node))):
            places.append((node, key))
            if isinstance(node[key], dict | list):
                walk(node[key])

    walk(document)
    tokens: list[str] = []
    for _ in range(rng.randint(1, 3)):
        node, key = rng.choice(places)
        odd = rng.choice(_ODD)
        if isinstance(odd, str) and _ODD.index(odd) > _ODD.index("101"):
            tokens.append(odd)
            odd = f"@token{len(tokens) - 1}@"
        node[key] = odd
    text = json.dumps(document)
    for index, token in enumerate(tokens):
        text = text.replace(f'"@token{index}@"', '"\\ud800"' if token == "\ud800" else token)
    return text


DAMAGE = Recipe((insert([bytes([b]) for b in (0, 10, 13, 34, 44, 123, 0xC3, 0xFF)]), delete(1),
                 overwrite(), truncate,
                 insert([b"\x00", b"\\u0000", b"x" * 300, b"9" * 400, b",,", b'"', b"1e999",
                         b"\xef\xbb\xbf"])),
                rounds=(1, 4))
"""One to four of: a NUL, line break, quote, comma, brace or stray UTF-8 byte inserted, one
byte cut, one overwritten, the end cut off, a longer troublesome snippet inserted."""


GENERATED: dict[str, tuple[str, Callable[[random.Random], str], bool]] = {
    "csv": ("csv", _csv, True),
    "plain": ("plain", _plain, True),
    "hma": ("hma", _hma, True),
    "vics": ("vics", _vics, True),
    "vics-types": ("vics", _vics_types, False),
}
"""Sweep name → (format, generator, whether its text is then damaged byte by byte)."""


@pytest.fixture(scope="module")
def db(engine: Engine) -> sessionmaker[Session]:
    """One database for the module, not emptied per test (that costs a second a test on
    PostgreSQL): every import names its own list and counts are compared before and after."""
    return make_session_factory(engine)


def _import(db: sessionmaker[Session], actor: Actor, path: Path, **options: Any
            ) -> lists.ImportReport:
    with transaction(db) as session:
        return lists.import_list(session, actor, path, ListOptions(**options))


def _counts(db: sessionmaker[Session]) -> list[int]:
    with transaction(db) as session:
        return [int(session.execute(select(func.count()).select_from(model)).scalar_one())
                for model in (HashList, HashListVersion, HashEntry, HashImportRow)]


def _refused(db: sessionmaker[Session], actor: Actor, path: Path, problem: str,
             **options: Any) -> None:
    """The import fails with `problem` (a regex of the whole message) and leaves nothing."""
    before = _counts(db)
    with pytest.raises(Invalid, match=f"^{problem}$"):
        _import(db, actor, path, name=path.parent.name, **options)
    assert _counts(db) == before


@pytest.mark.parametrize("sweep", sorted(GENERATED))
def test_damaged_lists_import_or_fail_in_one_line(
        db: sessionmaker[Session], operator: Actor, tmp_path: Path, sweep: str) -> None:
    fmt, generate, damage = GENERATED[sweep]
    rng = random.Random(f"{SEED}-{sweep}")
    before = _counts(db)
    imported = entries = 0
    outcomes = {"imported": 0, "refused": 0}
    for case in range(CASES):
        data = generate(rng).encode("utf-8", "surrogatepass")
        path = tmp_path / f"{case}.list"
        path.write_bytes(DAMAGE.damage(data, rng) if damage else data)
        try:
            report = _import(db, operator, path, name=f"sweep-{sweep}-{case}", format=fmt,
                             version="1", scheme="vics-us" if fmt == "csv" else "")
        except Invalid as error:
            message = str(error)
            assert message and "\n" not in message and len(message) < 400, (case, message)
            outcomes["refused"] += 1
        else:
            imported += 1
            entries += report.entries
            outcomes["imported"] += 1
    # A refused import leaves nothing: one list and one version per import that succeeded.
    lists_, versions, stored, staged = (after - was for after, was in zip(_counts(db), before,
                                                                         strict=True))
    assert (lists_, versions, stored, staged) == (imported, imported, entries, 0)
    assert outcomes["refused"] > 0


# -- regressions: one per crash the sweep found ---------------------------------------------------


def _vics_file(path: Path, **fields: Any) -> Path:
    media = {"MediaID": 1, "Category": 1, "MD5": MD5, **fields}
    path.write_text(json.dumps({"odata.metadata": "x", "value": [media]}), "utf-8")
    return path


def _stored(db: sessionmaker[Session], name: str) -> HashEntry:
    with transaction(db) as session:
        return session.execute(select(HashEntry).join(HashList, HashList.id == HashEntry.list_id)
                               .where(HashList.name == name)).scalar_one()


def test_over_long_series_and_media_id_are_cut_to_their_columns(
        db: sessionmaker[Session], operator: Actor, tmp_path: Path) -> None:
    """PostgreSQL refused the staging insert (VARCHAR 200 / 120); SQLite stored it whole."""
    path = _vics_file(tmp_path / "long.json", Series="s" * 500, MediaID="m" * 300)
    _import(db, operator, path, name=tmp_path.name, format="vics")
    entry = _stored(db, tmp_path.name)
    assert entry.series is not None and entry.media_id is not None
    assert len(entry.series) == 200 and entry.series.startswith("s" * 150)
    assert len(entry.media_id) == 120 and entry.media_id.startswith("m" * 100)


def test_nul_characters_are_stored_replaced(
        db: sessionmaker[Session], operator: Actor, tmp_path: Path) -> None:
    """PostgreSQL text refuses U+0000: the import crashed on it in any text field."""
    path = tmp_path / "nul.csv"
    path.write_text("hash_type,hash,source,series,media_id,no\x00te\n"
                    f"md5,{MD5},a\x00gency,S\x001,m\x001,x\x00y\n", "utf-8")
    _import(db, operator, path, name=tmp_path.name, format="csv")
    entry = _stored(db, tmp_path.name)
    assert (entry.series, entry.media_id) == ("S\ufffd1", "m\ufffd1")
    assert entry.extra == {"no\ufffdte": "x\ufffdy", "source": "a\ufffdgency"}


def test_a_nul_in_a_category_is_reported_as_an_unknown_category(
        db: sessionmaker[Session], operator: Actor, tmp_path: Path) -> None:
    path = tmp_path / "cat.csv"
    path.write_text(f"hash_type,hash,category\nmd5,{MD5},1\x00\n", "utf-8")
    _refused(db, operator, path, "unknown categories not in the mapping to 'vics-us': "
             "'1\ufffd' \\(first at line 2\\)", format="csv", scheme="vics-us")


@pytest.mark.parametrize("token", ["1e999", "-1e999", "NaN", "Infinity"])
def test_numbers_beyond_a_float_are_refused(
        db: sessionmaker[Session], operator: Actor, tmp_path: Path, token: str) -> None:
    """PostgreSQL's JSON refused the `Infinity` they are written as; SQLite stored it."""
    path = _vics_file(tmp_path / "inf.json", MediaSize="@")
    path.write_text(path.read_text("utf-8").replace('"@"', token), "utf-8")
    _refused(db, operator, path, r"value\[0\] \(line 1, character \d+\): MediaSize holds "
             r"-?(inf|nan), a number out of range", format="vics")


@pytest.mark.parametrize("field", ["MediaID", "Series", "Comments", "Category"])
def test_an_unpaired_surrogate_escape_is_refused(
        db: sessionmaker[Session], operator: Actor, tmp_path: Path, field: str) -> None:
    """`"\\ud800"` is valid JSON but not text: encoding it for the database crashed."""
    path = _vics_file(tmp_path / "sur.json", **{field: "@"})
    path.write_text(path.read_text("utf-8").replace('"@"', '"x\\ud800"'), "utf-8")
    _refused(db, operator, path, rf"value\[0\] .*: {field} holds an unpaired surrogate "
             r"\\ud800, not text", format="vics")


@pytest.mark.parametrize(("value", "problem"), [
    ("9" * 5000, r"line 1, character \d+: malformed JSON: a number with too many digits"),
    ("[" * 5000 + "]" * 5000, r"line 1, character \d+: malformed JSON: a value nested too deeply"),
    ("[" * 500 + "]" * 500, r"value\[0\] .*: MediaSize is nested more than 20 levels deep"),
])
def test_numbers_too_long_and_values_too_deep_are_refused(
        db: sessionmaker[Session], operator: Actor, tmp_path: Path, value: str,
        problem: str) -> None:
    """The first two raised ValueError and RecursionError through the reader (fixed in
    `core.jsonstream`); the last, kept in `extra`, overflowed the stack when stored."""
    path = _vics_file(tmp_path / "big.json", MediaSize="@")
    path.write_text(path.read_text("utf-8").replace('"@"', value), "utf-8")
    _refused(db, operator, path, problem, format="vics")


@pytest.mark.parametrize("value", [[1], {"a": 1}, True, 1.5])
@pytest.mark.parametrize("field", ["MediaID", "Series"])
def test_text_fields_of_another_json_type_are_refused(
        db: sessionmaker[Session], operator: Actor, tmp_path: Path, field: str,
        value: Any) -> None:
    """They were stored as Python's text of the value (`"[1]"`, `"True"`)."""
    path = _vics_file(tmp_path / "type.json", **{field: value})
    _refused(db, operator, path, rf"value\[0\] .*: {field} is .*, expected text or a number",
             format="vics")


def test_a_header_cell_holding_a_line_break_is_named_on_one_line(
        db: sessionmaker[Session], operator: Actor, tmp_path: Path) -> None:
    """A quoted CSV cell may hold a line break: the header error printed it as a second line."""
    path = tmp_path / "header.csv"
    path.write_text(f'"hash\nx",hash\nmd5,{MD5}\n', "utf-8")
    _refused(db, operator, path, r"line 1: header lacks column\(s\) hash_type \(found: "
             r"hash\\nx,hash\)", format="csv")


@pytest.mark.parametrize(("fmt", "text"), [
    ("csv", "hash_type,hash\nmd5," + "x" * 100_000 + "\n"),
    ("csv", "hash_type,hash\n" + "q" * 100_000 + "," + MD5 + "\n"),
    ("csv", "hash,c" + "c" * 100_000 + "\n"),
    ("csv", f"hash_type,hash,category\nmd5,{MD5}," + "k" * 100_000 + "\n"),
    ("hma", "pdq " + "z" * 100_000 + "\n"),
    ("hma", "p" * 100_000 + " " + MD5 + "\n"),
    ("hma", "p" * 100_000 + "\n"),
    ("vics", json.dumps({"value": [{"MD5": "y" * 100_000}]})),
    ("vics", json.dumps({"value": [{"MD5": MD5, "IsDistributed": "y" * 100_000}]})),
])
def test_errors_quote_a_long_bad_value_cut(
        db: sessionmaker[Session], operator: Actor, tmp_path: Path, fmt: str,
        text: str) -> None:
    """The message quoted the whole value: megabytes on the one line the CLI prints."""
    path = tmp_path / "long.list"
    path.write_text(text, "utf-8")
    _refused(db, operator, path, r"[^\n]{1,300}", format=fmt)
    with pytest.raises(Invalid, match="…"):
        _import(db, operator, path, name=tmp_path.name, format=fmt)
