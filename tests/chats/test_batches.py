"""Columns in, the same answers out: a chat read as batches (`chats.batch`) must parse and
triage exactly as its records read one by one would, whatever the chunk size."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from nigehbaan.chats import Message, parse
from nigehbaan.chats.analysis import Result, analyse
from nigehbaan.chats.batch import Batch, Records
from nigehbaan.chats.media import MediaHashes
from nigehbaan.chats.model import ChatFormat, EventKind, SystemEvent
from nigehbaan.chats.registry import open_chats
from nigehbaan.chats.whatsapp import chunks
from tests.chats.groups import export_path, write_groups

LAYOUTS = ("whatsapp-android-en", "whatsapp-android-es", "whatsapp-ios-en", "whatsapp-ios-es")


@pytest.fixture(scope="module")
def groups(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("synth-batches")
    return root, write_groups(root, with_media=True)


def _triage(path: Path, by_batch: bool) -> Result:
    stream = next(iter(open_chats(path)))
    with MediaHashes(path) as hashes:
        if by_batch:
            return analyse(stream, stream.header.format, content_key=hashes)
        return analyse(list(stream), stream.header.format, content_key=hashes)


def _facts(result: Result) -> dict[str, Any]:
    """Everything triage decided per member, with cited positions in file order."""
    return {key: (m.indicators, m.triage, m.tally.messages, m.tally.media, m.tally.added_count,
                  {code: sorted(p) for code, p in m.tally.marks.items()}, m.tally.details)
            for key, m in result.members.items()}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(("kind", "chunk_chars"), [("zip", chunks.CHUNK_CHARS), ("txt", 3000)])
def test_batches_triage_as_records_do(groups: tuple[Path, dict[str, Any]], layout: str,
                                      kind: str, chunk_chars: int,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The zip carries its media files; the bare text says "media omitted" instead."""
    root, manifest = groups
    monkeypatch.setattr(chunks, "CHUNK_CHARS", chunk_chars)
    path = export_path(root, manifest, layout, kind)
    by_batch, by_record = _triage(path, True), _triage(path, False)
    assert _facts(by_batch) == _facts(by_record)
    assert by_batch.edges == by_record.edges
    members = by_batch.members.values()
    assert sum("requested_media" in m.tally.marks for m in members)
    assert sum(m.tally.messages for m in members) > 500
    assert sum(m.tally.media for m in members) > 0


def test_records_read_like_a_tuple(tmp_path: Path) -> None:
    path = tmp_path / "WhatsApp Chat with Walk.txt"
    lines = ["13/01/2024, 10:00 - Ali created group \"Walk\""]
    lines += [f"13/01/2024, 10:{i:02d} - {'Ali' if i % 3 else 'Bilal'}: message {i}"
              for i in range(1, 40)]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    records = parse(path).records
    assert isinstance(records, Records)
    made = tuple(records)
    assert len(records) == len(made) == 40
    assert records == made and records == list(made) and records != made[:-1]
    assert records[0] == made[0] and records[-1] == made[-1] and records[17] == made[17]
    assert records[5:9] == made[5:9]
    assert isinstance(records[0], SystemEvent) and records[0].kind is EventKind.CREATED
    with pytest.raises(IndexError):
        records[40]
    senders = Counter(r.sender for r in made if isinstance(r, Message) and r.sender)
    assert records.sender_counts() == senders
    assert {ref.label: n for ref, n in senders.items()} == {"Ali": 26, "Bilal": 13}


def test_a_batch_without_columns_holds_every_row() -> None:
    assert Batch.of(()).records() == [] and len(Batch.of(())) == 0
    with pytest.raises(ValueError, match="every row"):
        Batch(2, {}, None)


def test_a_telegram_chat_is_batched_too(groups: tuple[Path, dict[str, Any]]) -> None:
    root, manifest = groups
    path = export_path(root, manifest, "telegram-desktop", "telegram_json")
    export = parse(path)
    stream = next(iter(open_chats(path)))
    batches = list(stream.batches())
    assert all(b.columns is None for b in batches)
    assert [r for b in batches for r in b.records()] == list(export.records)
    assert analyse(export.records, ChatFormat.TELEGRAM).edges == \
        analyse(list(export.records), ChatFormat.TELEGRAM).edges
