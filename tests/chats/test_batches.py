"""Columns in, the same answers out: a chat read as batches (`chats.batch`) must parse and
triage exactly as its records read one by one would, whatever the chunk size."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nigehbaan.chats import Message, parse
from nigehbaan.chats import stream as stream_module
from nigehbaan.chats.analysis import Analysis
from nigehbaan.chats.batch import Batch, Records
from nigehbaan.chats.media import MediaHashes
from nigehbaan.chats.model import EventKind, SystemEvent
from nigehbaan.chats.registry import open_chats
from nigehbaan.chats.whatsapp import chunks
from tests.chats.groups import export_path, write, write_groups

LAYOUTS = ("whatsapp-android-en", "whatsapp-android-es", "whatsapp-ios-en", "whatsapp-ios-es")


@pytest.fixture(scope="module")
def groups(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("synth-batches")
    return root, write_groups(root, with_media=True)


def _triage(path: Path, by_batch: bool) -> dict[str, Any]:
    """Everything triage found per member (tally fields whole, cited positions in file
    order), who each person is, the roles each raw key was seen in, and the network."""
    stream = next(iter(open_chats(path)))
    with MediaHashes(path) as hashes:
        analysis = Analysis(stream.header.format, content_key=hashes)
        if by_batch:
            for batch in stream.batches():
                analysis.feed_batch(batch)
        else:
            analysis.feed(list(stream))
        seen = {k: (s.sender, s.event, s.mention, s.labels)
                for k, s in analysis.collector.seen.items()}
        result = analysis.finish()
    members = {key: (m.person, m.position, m.indicators, m.triage,
                     {**vars(m.tally), "marks": {c: sorted(p) for c, p in m.tally.marks.items()}})
               for key, m in result.members.items()}
    return {"members": members, "edges": result.edges, "seen": seen,
            "network": sorted(result.interaction.edges(data=True))}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(("kind", "chunk_chars"), [("zip", chunks.CHUNK_CHARS), ("txt", 3000)])
def test_batches_triage_as_records_do(groups: tuple[Path, dict[str, Any]], layout: str,
                                      kind: str, chunk_chars: int,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The zip carries its media files; the bare text says "media omitted" instead."""
    root, manifest = groups
    monkeypatch.setattr(chunks, "CHUNK_CHARS", chunk_chars)
    path = export_path(root, manifest, layout, kind)
    by_batch = _triage(path, True)
    assert by_batch == _triage(path, False)
    tallies = [member[4] for member in by_batch["members"].values()]
    assert sum("requested_media" in t["marks"] for t in tallies)
    assert sum(t["messages"] for t in tallies) > 500
    assert sum(t["media"] for t in tallies) > 0


@pytest.mark.parametrize("layout", ["whatsapp-android-en", "whatsapp-ios-es"])
def test_columns_hold_what_the_full_rules_read(groups: tuple[Path, dict[str, Any]],
                                               layout: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The reference is a parse whose every row is read one by one by the full rules (every
    offset marked special, no canned body), so a wrong column cannot hit both sides."""
    root, manifest = groups
    path = export_path(root, manifest, layout, "txt")
    columns = tuple(parse(path).records)
    by_columns = _triage(path, True)
    monkeypatch.setattr(chunks, "specials", lambda u, size, text: np.arange(size))
    monkeypatch.setattr(chunks.ChunkReader, "_canned", lambda self, *rows: {})
    assert all(batch.plain_rows().size == 0
               for batch in next(iter(open_chats(path))).batches())
    assert tuple(parse(path).records) == columns
    assert _triage(path, True) == by_columns


WALK = "WhatsApp Chat with Walk.txt"


def test_records_read_like_a_tuple(tmp_path: Path) -> None:
    lines = ["13/01/2024, 10:00 - Ali created group \"Walk\""]
    lines += [f"13/01/2024, 10:{i:02d} - {'Ali' if i % 3 else 'Bilal'}: message {i}"
              for i in range(1, 40)]
    path = write(tmp_path, WALK, lines)
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


def test_records_read_across_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, WALK, [f"13/01/2024, 10:{i % 60:02d} - Ali: message {i}"
                                  for i in range(300)])
    monkeypatch.setattr(chunks, "CHUNK_CHARS", 1000)
    records = parse(path).records
    assert isinstance(records, Records) and len(list(records.batches())) > 10
    made = tuple(records)
    assert len(made) == 300 and [r.text for r in made] == [f"message {i}" for i in range(300)]
    every = range(-300, 300)
    assert [records[i] for i in every] == [made[i] for i in every]
    for cut in (slice(20, 60), slice(250, None), slice(None, None, -7), slice(-45, -3, 4)):
        assert records[cut] == made[cut], cut
    assert hash(records) == hash(made) and records == made


def test_rows_read_one_by_one_keep_their_place(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A new sender whose first message is media omitted, a chunk of system lines only, and
    deleted or omitted bodies among plain rows come out as the records they are, in order,
    whatever the chunk size."""
    lines = ["13/01/2024, 09:00 - Ali created group \"Walk\"",
             *[f"13/01/2024, 09:{i:02d} - Ali added Guest {i}" for i in range(1, 40)],
             "13/01/2024, 10:00 - Ali: hello", "13/01/2024, 10:01 - Bilal: <Media omitted>",
             "13/01/2024, 10:02 - Bilal: send pics 0300 1234567", "13/01/2024, 10:03 - Ali: ok",
             "13/01/2024, 10:04 - Ali: This message was deleted",
             "13/01/2024, 10:05 - Ali: <Media omitted>", "13/01/2024, 10:06 - Bilal: bye"]
    path = write(tmp_path, WALK, lines)
    whole = parse(path)
    messages = [r for r in whole.records if isinstance(r, Message)]
    assert [(m.sender.label if m.sender else None, m.text, m.deleted, m.media is not None)
            for m in messages] == [
        ("Ali", "hello", False, False), ("Bilal", "", False, True),
        ("Bilal", "send pics 0300 1234567", False, False), ("Ali", "ok", False, False),
        ("Ali", "", True, False), ("Ali", "", False, True), ("Bilal", "bye", False, False)]
    assert [m.position for m in messages] == list(range(41, 48))
    assert [m.timestamp for m in messages] == [datetime(2024, 1, 13, 10, minute)
                                               for minute in range(7)]
    assert whole.report.messages == 7 and whole.report.events == 40
    for size in (120, 700, 2000):
        monkeypatch.setattr(chunks, "CHUNK_CHARS", size)
        part = parse(path)
        assert part.records == whole.records and part.report == whole.report, size
        assert part.members == whole.members, size
        assert _triage(path, True) == _triage(path, False), size


def test_a_batch_without_columns_holds_every_row() -> None:
    assert Batch.of(()).records() == [] and len(Batch.of(())) == 0
    with pytest.raises(ValueError, match="every row"):
        Batch(2, {}, None)


def test_a_telegram_chat_is_batched_too(groups: tuple[Path, dict[str, Any]],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root, manifest = groups
    path = export_path(root, manifest, "telegram-desktop", "telegram_json")
    whole = tuple(parse(path).records)
    monkeypatch.setattr(stream_module, "_RECORDS_PER_BATCH", 300)
    batches = list(next(iter(open_chats(path))).batches())
    assert len(batches) > 3 and all(b.columns is None for b in batches)
    assert tuple(r for b in batches for r in b.records()) == whole
    assert parse(path).records == whole
    assert _triage(path, True) == _triage(path, False)
