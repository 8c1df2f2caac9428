"""A big export is read a chunk at a time: memory follows the chunk, not the file.

Chunks (of the parse and of the survey before it) are made small here so that both exports
span many of them; a parser that kept the
file, its lines or its records would need about four times as much for the bigger one.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from nigehbaan.chats import source
from nigehbaan.chats.registry import open_chats
from nigehbaan.chats.whatsapp import chunks
from nigehbaan.synth.chats import write_chat_groups

LAYOUT = "whatsapp-android-en"


def _export(folder: Path, messages: int) -> Path:
    manifest = write_chat_groups(folder, 3, members=200, messages=messages, layouts=[LAYOUT],
                                 zips=False)
    return folder / manifest.by_kind("txt", LAYOUT)[0].path


def _streaming_peak(path: Path) -> tuple[int, int]:
    """Peak bytes allocated while every record streams by, and how many records there were."""
    tracemalloc.start()
    try:
        records = 0
        for stream in open_chats(path):
            for _ in stream:
                records += 1
        return tracemalloc.get_traced_memory()[1], records
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_export(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    small = _export(tmp_path / "small", 10_000)
    big = _export(tmp_path / "big", 40_000)
    assert big.stat().st_size > 3.5 * small.stat().st_size
    monkeypatch.setattr(chunks, "CHUNK_CHARS", 1 << 16)
    monkeypatch.setattr(source, "_CHUNK", 1 << 16)
    _streaming_peak(small)  # caches filled once per process (locales, tables) are not growth
    small_peak, small_records = _streaming_peak(small)
    big_peak, big_records = _streaming_peak(big)
    assert big_records > 3.5 * small_records
    assert big_peak < 1.5 * small_peak, (small_peak, big_peak)
    print(f"peak {small_peak} bytes for {small_records} records, {big_peak} for {big_records}")
