"""Reading a large JSON document one value at a time, keeping each value's source text.

A Telegram export of a big group is one JSON object of hundreds of megabytes; loading it whole
would cost ten times its size in Python objects. Only the containers on the way to the messages
are walked here; every message (and every value we skip) is decoded alone by the standard
library's `raw_decode`, which also gives the exact source slice we keep as the record's raw text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from nigehbaan.chats.errors import ChatParseError

_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\r\n"
_MAX_VALUE = 64 * 1024 * 1024


class JsonCursor:
    def __init__(self, chunks: Iterator[str], name: str) -> None:
        self._chunks = chunks
        self._name = name
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._consumed = 0

    def _fill(self, at_least: int = 1) -> bool:
        """Append text until `at_least` more characters arrived; False at the end of input."""
        if self._eof:
            return False
        self._consumed += self._pos
        self._buf = self._buf[self._pos :]
        self._pos = 0
        added = 0
        parts = [self._buf]
        while added < at_least:
            chunk = next(self._chunks, None)
            if chunk is None:
                self._eof = True
                break
            parts.append(chunk)
            added += len(chunk)
        self._buf = "".join(parts)
        return added > 0

    def _error(self, what: str) -> ChatParseError:
        offset = self._consumed + self._pos
        return ChatParseError(f"{self._name}: invalid JSON: {what} at character {offset}")

    def peek(self) -> str:
        """The next significant character, or "" at the end of input."""
        while True:
            buf, pos = self._buf, self._pos
            while pos < len(buf) and buf[pos] in _WHITESPACE:
                pos += 1
            self._pos = pos
            if pos < len(buf):
                return buf[pos]
            if not self._fill():
                return ""

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            raise self._error(f"expected {char!r}, found {found or 'end of file'!r}")
        self._pos += 1

    def value(self) -> tuple[Any, str]:
        """The next value and its exact source text."""
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if self._eof or len(self._buf) - self._pos > _MAX_VALUE:
                    raise self._error(exc.msg) from None
                self._fill(max(len(self._buf) - self._pos, 1 << 16))
                continue
            if end == len(self._buf) and not self._eof and self._fill():
                continue
            raw = self._buf[self._pos : end]
            self._pos = end
            return value, raw

    def object_keys(self) -> Iterator[str]:
        """The keys of an object; the caller reads each key's value before asking for the next."""
        self.expect("{")
        if self.peek() == "}":
            self._pos += 1
            return
        while True:
            key, _ = self.value()
            if not isinstance(key, str):
                raise self._error("an object key that is not a string")
            self.expect(":")
            yield key
            if self._separator("}"):
                return

    def items(self) -> Iterator[None]:
        """Positions on each element of an array; the caller reads the element each time."""
        self.expect("[")
        if self.peek() == "]":
            self._pos += 1
            return
        while True:
            yield None
            if self._separator("]"):
                return

    def _separator(self, closing: str) -> bool:
        found = self.peek()
        self._pos += 1
        if found == ",":
            return False
        if found == closing:
            return True
        raise self._error(f"expected ',' or {closing!r}, found {found or 'end of file'!r}")

    def end(self) -> None:
        if self.peek() != "":
            raise self._error("text after the end of the document")
