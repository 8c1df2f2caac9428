"""Bad input gives one clear `ChatParseError`; odd but valid encodings are decoded."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from nigehbaan.chats import ChatParseError, Message, parse

LINES = "13/01/2024, 10:00 - Ali: salaam\n13/01/2024, 10:01 - Bob: ok\n"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        (bytes(range(256)) * 8, "binary"),
        ("13/01/2024, 10:00 - Ali: caf\xe9\n".encode("latin-1"), "not UTF-8 or UTF-16"),
        (b"just some notes\nnothing else\n", "not a WhatsApp or Telegram chat export"),
        (b'{"name": "G", "messages": [{"id": 1,', "invalid JSON"),
        (b'{"name": "G", "messages": [1 2]}', "invalid JSON"),
        (b'{"hello": "world"}', "not a Telegram chat export"),
    ],
)
def test_bad_files(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes(content)
    with pytest.raises(ChatParseError, match=problem) as caught:
        parse(path)
    assert "\n" not in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ChatParseError, match="no such file"):
        parse(tmp_path / "nothing.txt")


def test_a_folder_or_a_pipe_is_named_for_what_it_is(tmp_path: Path) -> None:
    with pytest.raises(ChatParseError, match=r"a folder without a result\.json"):
        parse(tmp_path)
    pipe = tmp_path / "chat.txt"
    os.mkfifo(pipe)
    with pytest.raises(ChatParseError, match="not a regular file"):
        parse(pipe)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes(LINES.encode(encoding))
    first, second = parse(path).records
    assert isinstance(first, Message) and first.sender is not None
    assert first.sender.label == "Ali" and first.raw.startswith("13/01/2024")
    assert isinstance(second, Message) and second.text == "ok"


def test_bad_bytes_deep_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes(LINES.encode() * 2000 + b"13/01/2024, 10:02 - Ali: \xff\xfe\n")
    with pytest.raises(ChatParseError, match="undecodable"):
        parse(path)


def test_truncated_zip(tmp_path: Path) -> None:
    whole = tmp_path / "whole.zip"
    with zipfile.ZipFile(whole, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("WhatsApp Chat with G.txt", LINES * 500)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(ChatParseError, match="truncated or damaged zip"):
        parse(cut)


def test_zip_without_chat_text(tmp_path: Path) -> None:
    path = tmp_path / "media.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("IMG-20240113-WA0001.jpg", b"invented")
    with pytest.raises(ChatParseError, match="no chat text file"):
        parse(path)
