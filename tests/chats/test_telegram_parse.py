"""Telegram Desktop JSON exports: a single chat (fixture) and full exports (built here)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from nigehbaan.chats import (
    ChatFormat,
    ChatParseError,
    EventKind,
    MediaKind,
    Message,
    SystemEvent,
    detect,
    open_chats,
    parse,
)

SINGLE = Path(__file__).parent / "fixtures" / "telegram_single"


def test_single_chat_messages_and_service_actions() -> None:
    export = parse(SINGLE)
    assert detect(SINGLE).format is ChatFormat.TELEGRAM
    assert (export.title, export.chat_type, export.chat_id) == (
        "Hiking club", "private_supergroup", "1234567890",
    )  # fmt: skip
    kinds = [r.kind for r in export.records if isinstance(r, SystemEvent)]
    assert kinds == [
        EventKind.CREATED, EventKind.ADDED, EventKind.JOINED_BY_LINK, EventKind.REMOVED,
        EventKind.SUBJECT_CHANGED, EventKind.PINNED,
    ]  # fmt: skip
    created = export.records[0]
    assert isinstance(created, SystemEvent) and created.actor is not None
    assert created.actor.key == "tg:user111" and created.new_value == "Hiking club"
    assert [t.label for t in created.targets] == ["Bob"]  # the null (deleted) member is skipped
    assert created.timestamp == datetime(2024, 1, 13, 10, 0, tzinfo=UTC)
    assert not created.local_time and created.position == 0
    assert json.loads(created.raw)["action"] == "create_group"


def test_single_chat_text_mentions_replies_forwards_media() -> None:
    records = parse(SINGLE).records
    hello, photo, forwarded = (r for r in records if isinstance(r, Message))
    assert hello.text == "Hi Ali and @carol_walks"
    assert [m.key for m in hello.mentions] == ["tg:user111", "name:@carol_walks"]
    assert photo.reply_to == "2" and photo.edited and photo.message_id == "3"
    assert photo.media is not None and photo.media.kind is MediaKind.IMAGE
    assert photo.media.not_hashable is not None and "File not included" in photo.media.not_hashable
    assert forwarded.sender is not None and forwarded.sender.key == "tg:user333"
    assert forwarded.sender.label == "" and forwarded.forwarded_from == "Trail news"
    assert forwarded.media is not None and forwarded.media.file_name == "route.gpx"
    join = next(
        r for r in records if isinstance(r, SystemEvent) and r.kind is EventKind.JOINED_BY_LINK
    )
    assert join.actor is not None and join.actor.label == "Eve"
    assert [t.key for t in join.targets] == ["tg:user111"]


def test_media_present_beside_the_export(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "p1.jpg").write_bytes(b"invented")
    chat = {"name": "G", "type": "private_group", "id": 1, "messages": [
        {"id": 1, "type": "message", "date": "2024-01-13T10:00:00", "from": "A",
         "from_id": "user1", "photo": "photos/p1.jpg", "text": ""},
    ]}  # fmt: skip
    (tmp_path / "result.json").write_text(json.dumps(chat), encoding="utf-8")
    export = parse(tmp_path / "result.json")
    (message,) = export.records
    assert isinstance(message, Message) and message.media is not None
    assert message.media.path is not None and message.media.path.endswith("p1.jpg")
    assert message.local_time and message.timestamp == datetime(2024, 1, 13, 10, 0)
    assert any("date_unixtime" in w for w in export.report.warnings)


def _full_export(tmp_path: Path, chats: list[dict[str, object]]) -> Path:
    document = {
        "about": "invented",
        "personal_information": {"user_id": 1, "first_name": "Owner"},
        "contacts": {"about": "", "list": [{"first_name": "A", "phone_number": "+1"}]},
        "chats": {"about": "", "list": chats},
        "left_chats": {"about": "", "list": []},
    }
    path = tmp_path / "result.json"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


def _chat(name: str, kind: str, ident: int, count: int) -> dict[str, object]:
    messages = [
        {"id": i, "type": "message", "date_unixtime": str(1705140000 + i), "from": "A",
         "from_id": "user1", "text": f"m{i}"}
        for i in range(count)
    ]  # fmt: skip
    return {"name": name, "type": kind, "id": ident, "messages": messages}


def test_full_export_picks_the_only_group(tmp_path: Path) -> None:
    path = _full_export(tmp_path, [
        _chat("Friend", "personal_chat", 1, 2), _chat("Group", "private_supergroup", 2, 3),
    ])  # fmt: skip
    export = parse(path)
    assert export.title == "Group" and export.report.messages == 3
    assert parse(path, chat="Friend").report.messages == 2
    assert parse(path, chat="2").title == "Group"


def test_full_export_with_several_groups_asks_which(tmp_path: Path) -> None:
    path = _full_export(tmp_path, [
        _chat("G1", "private_group", 1, 1), _chat("G2", "private_supergroup", 2, 1),
    ])  # fmt: skip
    with pytest.raises(ChatParseError, match="pass chat=NAME or ID"):
        parse(path)
    with pytest.raises(ChatParseError, match="no single chat named 'G3'"):
        parse(path, chat="G3")


def test_streaming_reads_chats_one_by_one(tmp_path: Path) -> None:
    path = _full_export(tmp_path, [
        _chat("G1", "private_group", 1, 4), _chat("G2", "private_group", 2, 5),
    ])  # fmt: skip
    seen = []
    for stream in open_chats(path):
        first = next(iter(stream))
        seen.append((stream.header.title, first.position))
    assert seen == [("G1", 0), ("G2", 0)]
