"""Damaged exports, seized phones and hand-edited files: parse and triage them, or refuse them
in one line; never a traceback.

The mutations are seeded, so a failure names a case that can be rebuilt: a Telegram message's
field given a JSON value of another type (the parser reads fields one by one), and WhatsApp
bytes inserted, cut, copied or overwritten (the parser reads the text in bulk).
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.chats import ChatParseError, Message, SystemEvent, importer, parse
from nigehbaan.chats.analysis import analyse
from nigehbaan.chats.media import MediaHashes
from nigehbaan.chats.model import EventKind, Media, MediaKind
from nigehbaan.chats.models import ChatMember, ChatMessage
from nigehbaan.chats.registry import open_chats
from nigehbaan.chats.whatsapp.events import LONGEST_WORDING
from nigehbaan.core.actors import Actor
from nigehbaan.core.db import transaction
from nigehbaan.synth.chats import write_chat_groups
from tests.mutations import Recipe, delete, duplicate, insert, overwrite, truncate
from tests.zip_bombs import (
    corrupt_data,
    encrypted,
    into_directory,
    misnamed,
    misnamed_in_directory,
    quoted_overlap,
    unknown_method,
    zeros_bomb,
    zipped,
)

SEED = 11
CASES = 120
ODD_VALUES: tuple[Any, ...] = (
    None, 0, -1, 10**30, 1.5, True, "", "x", "123", "-5", "2023-01-01T10:00:00+05:00",
    "2023-13-45", [], [1], ["a", None, 3], [{}], [{"type": "mention"}],
    [{"type": "mention_name", "user_id": {}}], {}, {"a": 1},
    "(File not included. Change data exporting settings to download.)", "../../etc/passwd",
)  # fmt: skip
FIELDS = (
    "id", "type", "date", "date_unixtime", "from", "from_id", "actor", "actor_id", "action",
    "members", "inviter", "title", "text", "text_entities", "photo", "file", "file_name",
    "media_type", "mime_type", "reply_to_message_id", "forwarded_from", "edited", "message_id",
)  # fmt: skip
SNIPPETS = (
    b"\n", b": ", "\u200e".encode(), "\u202f".encode(), b"[", b"]", b"\x00", b"\xff",
    b"13/01/2024, 10:00 - ", b"31/02/2024, 25:61 - ", b"[1/2/24, 1:02:03 PM] ", b" added ",
    b" left", b"@447700900123", b"<Media omitted>", b"IMG-20240101-WA0001.jpg (file attached)",
)  # fmt: skip
DAMAGE = Recipe((insert(SNIPPETS), delete(40), truncate, duplicate(200), overwrite()),
                rounds=(1, 8), weights=(0.35, 0.2, 0.05, 0.2, 0.2))
"""One to eight of: a WhatsApp-shaped snippet inserted, up to 40 bytes cut, the end cut off,
up to 200 of the chat's own bytes copied elsewhere, one byte overwritten."""


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("damaged")
    layouts = ["telegram-desktop", "whatsapp-android-en", "whatsapp-ios-es"]
    manifest = write_chat_groups(root, SEED, members=30, messages=300, layouts=layouts,
                                 zips=False)  # fmt: skip
    found = {f.layout: root / f.path for f in manifest.files if f.kind in ("txt", "telegram_json")}
    assert set(found) == set(layouts)
    return found


def read_all(path: Path) -> list[str]:
    """Parse and triage every chat in `path`; the warnings, or the one-line refusal."""
    try:
        warnings: list[str] = []
        for stream in open_chats(path):
            result = analyse(stream, stream.header.format)
            assert result.members is not None
            warnings += stream.report().warnings
        return warnings
    except ChatParseError as refused:
        assert "\n" not in str(refused)
        return [f"refused: {refused}"]


def damage_telegram(document: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    damaged = copy.deepcopy(document)
    messages = damaged["messages"]
    for _ in range(rng.randint(1, 12)):
        message, field = rng.choice(messages), rng.choice(FIELDS)
        if rng.random() < 0.15:
            message.pop(field, None)
        else:
            message[field] = rng.choice(ODD_VALUES)
    if rng.random() < 0.1:
        messages.insert(rng.randrange(len(messages)), rng.choice(ODD_VALUES))
    if rng.random() < 0.1:
        damaged["name"] = rng.choice(ODD_VALUES)
    return damaged


def test_telegram_fields_of_any_type(exports: dict[str, Path], tmp_path: Path) -> None:
    document = json.loads(exports["telegram-desktop"].read_text("utf-8"))
    rng = random.Random(SEED)
    warned = 0
    for index in range(CASES):
        path = tmp_path / f"case{index}.json"
        path.write_text(json.dumps(damage_telegram(document, rng)), "utf-8")
        warned += any("message" in w for w in read_all(path))
    assert warned >= CASES // 4  # the damage was seen, not silently absorbed


@pytest.mark.parametrize("layout", ["whatsapp-android-en", "whatsapp-ios-es"])
def test_whatsapp_damaged_bytes(exports: dict[str, Path], tmp_path: Path, layout: str) -> None:
    data = exports[layout].read_bytes()
    refused = 0
    for index, damaged in enumerate(DAMAGE.mutants(data, SEED, CASES)):
        path = tmp_path / f"case{index}.txt"
        path.write_bytes(damaged)
        said = read_all(path)
        refused += bool(said) and said[0].startswith("refused: ")
    # Every case ran to a result or a one-line refusal (`read_all`). About half the copies get
    # a byte that is not UTF-8 and are refused by name; the rest are read despite the damage.
    assert 0 < refused < CASES


def telegram_chat(messages: list[dict[str, Any]]) -> str:
    return json.dumps({"name": "G", "type": "private_group", "id": 5, "messages": messages})


def test_unreadable_unix_time_is_left_empty_and_named(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text(telegram_chat([
        {"id": 1, "type": "message", "date": "2023-06-15T10:00:00", "date_unixtime": "1686823200",
         "from": "Ali", "from_id": "user1", "text": "hi"},
        {"id": 2, "type": "message", "date": "2023-06-15T10:01:00", "date_unixtime": "16{8",
         "from": "Bob", "from_id": "user2", "text": "ok"},
        {"id": 3, "type": "message", "date": "2023-06-15T10:02:00",
         "from": ["not", "a", "name"], "from_id": "user3", "text": "yo"},
    ]), "utf-8")  # fmt: skip
    export = parse(path)
    first, second, third = export.records
    assert isinstance(first, Message) and first.timestamp is not None
    assert first.timestamp.tzinfo is not None and not first.local_time
    assert isinstance(second, Message) and second.timestamp is None and second.text == "ok"
    assert isinstance(third, Message) and third.timestamp is None and third.sender is not None
    assert third.sender.key == "tg:user3" and third.raw.startswith('{"id": 3')
    warnings = export.report.warnings
    assert "message 1: date_unixtime '16{8' is not a Unix time, left empty" in warnings
    assert "message 2: 'from' is not a name, left out" in warnings


def test_local_times_never_mix_with_utc(tmp_path: Path) -> None:
    """An export without `date_unixtime` is local time throughout; a zone-marked date in it is
    not compared with the others."""
    path = tmp_path / "result.json"
    path.write_text(telegram_chat([
        {"id": 1, "type": "message", "date": "2023-06-15T10:00:00", "from": "Ali",
         "from_id": "user1", "text": "hi"},
        {"id": 2, "type": "message", "date": "2023-06-15T10:01:00+05:00", "from": "Bob",
         "from_id": "user2", "text": "ok"},
        {"id": 3, "type": "message", "date": "2023-06-15T10:02:00", "date_unixtime": 1686823320,
         "from": "Ali", "from_id": "user1", "text": "again"},
    ]), "utf-8")  # fmt: skip
    export = parse(path)
    stamps = [r.timestamp for r in export.records]
    assert all(isinstance(r, Message) and r.local_time for r in export.records)
    assert stamps[1] is None and all(s is not None and s.tzinfo is None for s in stamps[::2])
    assert export.report.first_timestamp is not None
    assert export.report.first_timestamp.isoformat() == "2023-06-15T10:00:00"


def test_service_members_not_a_list(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text(telegram_chat([
        {"id": 1, "type": "service", "date": "2023-06-15T10:00:00", "date_unixtime": "1686823200",
         "actor": "Ali", "actor_id": "user1", "action": "invite_members", "members": 7},
        {"id": 2, "type": "service", "date": "2023-06-15T10:01:00", "date_unixtime": "1686823260",
         "actor": "Ali", "actor_id": "user1", "action": "invite_members",
         "members": ["Bob", {"x": 1}, 3, None]},
    ]), "utf-8")  # fmt: skip
    export = parse(path)
    first, second = export.records
    assert isinstance(first, SystemEvent) and first.targets == ()
    assert isinstance(second, SystemEvent)
    assert [t.label for t in second.targets] == ["Bob", "3"]
    assert "message 0: 'members' is not a list, left out" in export.report.warnings


def test_damaged_telegram_export_imports(
    factory: sessionmaker[Session], operator: Actor, case_ref: str, exports: dict[str, Path],
    tmp_path: Path,
) -> None:  # fmt: skip
    """The importer writes what the reader kept: every message, no value of a wrong type."""
    document = json.loads(exports["telegram-desktop"].read_text("utf-8"))
    rng = random.Random(SEED + 1)
    damaged = damage_telegram(document, rng)
    for message in damaged["messages"][:20]:
        if isinstance(message, dict):
            message["forwarded_from"], message["from"] = {"a": 1}, [1]
    path = tmp_path / "result.json"
    path.write_text(json.dumps(damaged), "utf-8")
    with transaction(factory) as session:
        outcome = importer.import_export(session, operator, case_ref, path)
    kept = sum(isinstance(m, dict) for m in damaged["messages"])
    assert outcome.group.report["messages"] + outcome.group.report["events"] == kept
    assert any(w.endswith("'forwarded_from' is not a name, left out")
               for w in outcome.group.report["warnings"])
    with transaction(factory) as session:
        forwarded = set(session.scalars(select(ChatMessage.forwarded_from)).all())
    assert None in forwarded and not any("{" in f for f in forwarded if f is not None)


def test_overlong_values_import(
    factory: sessionmaker[Session], operator: Actor, case_ref: str, tmp_path: Path,
) -> None:  # fmt: skip
    """Ids, names and titles longer than any app writes are cut to the column, not refused by
    the database half-way through an import; the record's raw text keeps them whole."""
    long = "n" * 500
    path = tmp_path / "result.json"
    path.write_text(telegram_chat([
        {"id": long, "type": "message", "date": "2023-06-15T10:00:00",
         "date_unixtime": "1686823200", "from": long, "from_id": "user" + "9" * 100,
         "text": "hi", "reply_to_message_id": long, "forwarded_from": long,
         "file": "(File not included. " + long + ")", "file_name": long + ".jpg"},
        {"id": 2, "type": "service", "date": "2023-06-15T10:01:00", "date_unixtime": "1686823260",
         "actor": long, "actor_id": "user" + "8" * 100, "action": "edit_group_title",
         "title": long},
    ]), "utf-8")  # fmt: skip
    with transaction(factory) as session:
        importer.import_export(session, operator, case_ref, path)
    txt = tmp_path / "chat.txt"
    txt.write_text(f"13/01/2024, 10:00 - {long}: salaam\n13/01/2024, 10:01 - Bob: ok\n"
                   f"13/01/2024, 10:02 - {long} changed the subject to \"{long}\"\n",
                   "utf-8")  # fmt: skip
    with transaction(factory) as session:
        importer.import_export(session, operator, case_ref, txt, date_order="dmy")
    with transaction(factory) as session:
        raws = session.scalars(select(ChatMessage.raw)).all()
        names = session.scalars(select(ChatMember.display_name)).all()
    assert any(long in raw for raw in raws)
    cut = [name for name in names if name.startswith("nnn")]
    assert cut and all(len(name) == 300 and "…~" in name for name in cut)


def test_nul_characters_import(
    factory: sessionmaker[Session], operator: Actor, case_ref: str, tmp_path: Path,
) -> None:  # fmt: skip
    """PostgreSQL text cannot hold U+0000, which a damaged export can; it is stored as U+FFFD
    (the raw bytes stay in the vault's copy of the export)."""
    txt = tmp_path / "chat.txt"
    opening = "13/01/2024, 09:00 - Bob: ok\n" * 400  # the sniffed head refuses a NUL
    txt.write_text(opening + "13/01/2024, 10:00 - Ali\x00: sal\x00aam\n"
                   "13/01/2024, 10:01 - Bob: ok\x00\n", "utf-8")  # fmt: skip
    with transaction(factory) as session:
        importer.import_export(session, operator, case_ref, txt, date_order="dmy")
    with transaction(factory) as session:
        texts = session.scalars(select(ChatMessage.text)).all()
        names = session.scalars(select(ChatMember.display_name)).all()
    assert sorted(set(texts)) == ["ok", "ok\ufffd", "sal\ufffdaam"] and "Ali\ufffd" in names


CHAT_TEXT = "WhatsApp Chat with X.txt"


def zipped_chat() -> bytes:
    return zipped({CHAT_TEXT: b"13/01/2024, 10:00 - Ali: hi\n" * 10}, zipfile.ZIP_STORED)


def test_zip_with_misplaced_directory(tmp_path: Path) -> None:
    """The end record puts the directory 100 bytes later than it is: zipfile seeks before
    the start of the file (OSError)."""
    data = bytearray(zipped_chat())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<I", data, end + 16, struct.unpack_from("<I", data, end + 16)[0] + 100)
    (tmp_path / "chat.zip").write_bytes(data)
    with pytest.raises(ChatParseError, match="truncated or damaged zip"):
        parse(tmp_path / "chat.zip")


def test_zip_needing_an_unknown_version_is_refused_in_one_line(tmp_path: Path) -> None:
    """A central record asking for version 20.0 of the format: zipfile raises
    NotImplementedError while opening, which gave a traceback (HTTP 500 on upload)."""
    data = bytearray(zipped_chat())
    data[data.index(b"PK\x01\x02") + 6] = 200
    (tmp_path / "chat.zip").write_bytes(data)
    with pytest.raises(ChatParseError, match=r"truncated or damaged zip \(zip file version "
                                             r"20\.0\)") as refused:  # fmt: skip
        parse(tmp_path / "chat.zip")
    assert "\n" not in str(refused.value)


def test_encrypted_zip(tmp_path: Path) -> None:
    (tmp_path / "chat.zip").write_bytes(encrypted(zipped_chat(), CHAT_TEXT))
    with pytest.raises(ChatParseError, match=r"cannot read WhatsApp Chat with X\.txt in the zip"
                                             r" \(.*encrypted"):  # fmt: skip
        parse(tmp_path / "chat.zip")


def test_text_longer_than_any_wording_is_not_tried_as_one(tmp_path: Path) -> None:
    """No system line is longer than `LONGEST_WORDING`, so a longer one is not run through
    every wording (a 5 MB line took seconds per wording): it is an unrecognised line, and a
    long message stays a message."""
    name = "A" * (LONGEST_WORDING + 1)
    path = tmp_path / "chat.txt"
    path.write_text(f"13/01/2024, 10:00 - Ali: hi\n13/01/2024, 10:01 - {name} left\n"
                    f"13/01/2024, 10:02 - Ali: {name} left\n", "utf-8")  # fmt: skip
    _, long_line, message = parse(path, date_order="dmy").records
    assert isinstance(long_line, SystemEvent) and long_line.kind is EventKind.OTHER
    assert isinstance(message, Message) and message.text == f"{name} left"
    ios = tmp_path / "ios.txt"
    ios.write_text(f"[13/01/2024, 10:00:00] Ali: hi\n[13/01/2024, 10:01:00] Ali: {name} left\n",
                   "utf-8")  # fmt: skip
    _, said = parse(ios, date_order="dmy").records
    assert isinstance(said, Message) and said.text == f"{name} left"


@pytest.mark.parametrize(("build", "named"), [
    (lambda chat: quoted_overlap(zipped(chat)), rf"entry '{CHAT_TEXT}' at byte 0 overlaps"),
    (lambda chat: into_directory(zipped(chat)), rf"entry '{CHAT_TEXT}' overlaps the central"),
    (lambda chat: zeros_bomb(zipped(chat)), r"entry 'zeros\.bin' declares 9437184 bytes"),
], ids=["quoted-overlap", "into-directory", "zeros"])
def test_zip_bombs_are_refused_before_reading(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        build: Callable[[dict[str, bytes]], bytes], named: str) -> None:
    """Python 3.11's zipfile would read the quoted-overlap entries (CVE-2024-0450) and the
    zeros in full; the export is refused whole, naming the entry, with no member opened."""
    path = tmp_path / "chat.zip"
    path.write_bytes(build({CHAT_TEXT: b"13/01/2024, 10:00 - Ali: hi\n" * 10}))
    opened: list[object] = []
    real_open = zipfile.ZipFile.open

    def spy(archive: zipfile.ZipFile, *args: Any, **kwargs: Any) -> IO[bytes]:
        opened.append(args)
        return real_open(archive, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    start = re.escape(str(path))
    with pytest.raises(ChatParseError, match=rf"^{start}: refused: possible zip bomb: {named}"):
        parse(path)
    assert opened == []


def test_media_hashes_refuse_an_overlapping_zip_too(tmp_path: Path) -> None:
    """The import reads the zip a second time for the media hashes and trusts it no more."""
    path = tmp_path / "chat.zip"
    path.write_bytes(quoted_overlap(zipped({"IMG-0001.jpg": b"\xff\xd8generated" * 30})))
    with pytest.raises(ChatParseError, match=r"possible zip bomb: entry 'IMG-0001\.jpg'"), \
            MediaHashes(path):
        pass


PHOTO = "IMG-20240113-WA0001.jpg"
GOOD_PHOTO = "IMG-20240113-WA0002.jpg"
UNREADABLE = "unreadable in the export zip: "


def corrupt_stream(data: bytes, name: str) -> bytes:
    """Past the 9 bytes zipfile writes before LZMA data, so every method's stream is hit."""
    return corrupt_data(data, name, at=9, garbage=b"\xff" * 4)


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                                    zipfile.ZIP_LZMA])
@pytest.mark.parametrize(("damage", "reason"), [
    (encrypted, "encrypted"),
    (unknown_method, "unsupported compression method 99"),
    (corrupt_stream, None),
    (misnamed, "damaged entry header (a name flagged UTF-8 is not)"),
])
def test_media_hashes_name_an_unreadable_member(
        tmp_path: Path, method: int, damage: Callable[[bytes, str], bytes],
        reason: str | None) -> None:
    """A seized export may hold an encrypted, exotic or damaged media member: it is not
    hashable for that reason, and the other members are hashed as ever. Damaged data reads
    as a bad CRC when stored and as damaged compressed data otherwise (zlib, bz2, LZMA)."""
    photo = bytes(range(256)) * 16  # compressible, so every method's data is compressed
    path = tmp_path / "chat.zip"
    path.write_bytes(damage(zipped({CHAT_TEXT: b"13/01/2024, 10:00 - Ali: hi\n",
                                    PHOTO: photo, GOOD_PHOTO: photo[::-1]}, method), PHOTO))
    if reason is None:
        reason = (f"damaged entry (Bad CRC-32 for file {PHOTO!r})"
                  if method == zipfile.ZIP_STORED else "damaged compressed data")
    bad, good = (Media(MediaKind.IMAGE, attached=True, path=p) for p in (PHOTO, GOOD_PHOTO))
    with MediaHashes(path) as hashes:
        assert hashes(bad) is None and hashes.reason(bad) == UNREADABLE + reason
        assert hashes(good) == hashlib.sha256(photo[::-1]).hexdigest()
        assert hashes.reason(good) is None


@pytest.mark.parametrize(("damage", "said"), [
    (encrypted, f"cannot read {CHAT_TEXT} in the zip"),
    (unknown_method, f"cannot read {CHAT_TEXT} in the zip"),
    (misnamed, f"cannot read {CHAT_TEXT} in the zip"),
    (corrupt_stream, "truncated or damaged zip (Corrupt input data)"),
], ids=["encrypted", "unknown-method", "misnamed", "corrupt-lzma"])
def test_unreadable_chat_text_member_is_refused_in_one_line(
        tmp_path: Path, damage: Callable[[bytes, str], bytes], said: str) -> None:
    """The chat text itself is read with the same list of member errors as the media: LZMA's
    error is no `OSError`, and a local header's name can fail to decode."""
    path = tmp_path / "chat.zip"
    text = b"13/01/2024, 10:00 - Ali: hi\n" * 10
    path.write_bytes(damage(zipped({CHAT_TEXT: text}, zipfile.ZIP_LZMA), CHAT_TEXT))
    with pytest.raises(ChatParseError) as refused:
        parse(path)
    assert str(refused.value).startswith(f"{path}: {said}")
    assert "\n" not in str(refused.value)


def test_an_index_naming_a_member_in_broken_utf8_is_refused_in_one_line(
        tmp_path: Path) -> None:
    path = tmp_path / "chat.zip"
    text = b"13/01/2024, 10:00 - Ali: hi\n"
    path.write_bytes(misnamed_in_directory(zipped({CHAT_TEXT: text, PHOTO: b"x"}), PHOTO))
    with pytest.raises(ChatParseError, match=rf"^{re.escape(str(path))}: truncated or damaged") \
            as refused:
        parse(path)
    assert "\n" not in str(refused.value)
    with pytest.raises(ChatParseError, match="truncated or damaged"), MediaHashes(path):
        pass
