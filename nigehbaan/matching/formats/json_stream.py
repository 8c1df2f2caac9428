"""Walk a large JSON document container by container, decoding only small values whole.

The standard library has no incremental parser and the project takes no dependency for one, so
this walks the outer structure (objects and arrays the caller chooses to enter) itself and hands
every inner value to `json.JSONDecoder.raw_decode`. Memory is bounded by the largest single value
decoded whole (a VICS Media record, a few KiB), capped at `max_value` characters.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from nigehbaan.matching.errors import HashListError

_WHITESPACE = " \t\r\n"


class JsonStream:
    def __init__(self, stream: TextIO, chunk_size: int = 1 << 16, max_value: int = 1 << 24):
        self._stream = stream
        self._chunk = chunk_size
        self._max_value = max_value
        self._decoder = json.JSONDecoder()
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._lines_before = 0
        self._chars_before = 0

    def where(self, pos: int | None = None) -> str:
        """Line and character offset of `pos` in the document, for error messages."""
        at = self._pos if pos is None else pos
        line = self._lines_before + self._buf.count("\n", 0, at) + 1
        return f"line {line}, character {self._chars_before + at + 1}"

    def peek(self) -> str:
        """The next non-blank character without consuming it; empty at the end."""
        while True:
            while self._pos < len(self._buf) and self._buf[self._pos] in _WHITESPACE:
                self._pos += 1
            if self._pos < len(self._buf) or not self._fill():
                return self._buf[self._pos] if self._pos < len(self._buf) else ""

    def expect(self, char: str, what: str) -> None:
        found = self.peek()
        if found != char:
            shown = repr(found) if found else "end of file"
            raise HashListError(f"malformed JSON: expected {what}, found {shown}", self.where())
        self._pos += 1

    def value(self) -> Any:
        """Decode the next value whole, reading more input until it is complete."""
        self.peek()
        while True:
            try:
                obj, end = self._decoder.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if self._eof:
                    raise HashListError(f"malformed JSON: {exc.msg}", self.where(exc.pos)) from None
            else:
                # A number cut by the buffer's end decodes as a shorter number: read on.
                if end < len(self._buf) or self._eof:
                    self._pos = end
                    return obj
            if len(self._buf) - self._pos > self._max_value:
                raise HashListError(
                    f"malformed JSON or a value over {self._max_value} characters", self.where()
                )
            self._fill(len(self._buf) - self._pos)

    def array(self) -> Iterator[int]:
        """Enter an array; yields each element's index with the stream positioned on it."""
        self.expect("[", "'['")
        if self.peek() == "]":
            self._pos += 1
            return
        index = 0
        while True:
            yield index
            index += 1
            if self.peek() == ",":
                self._pos += 1
                continue
            self.expect("]", "',' or ']' in an array")
            return

    def object(self) -> Iterator[str]:
        """Enter an object; yields each key with the stream positioned on its value."""
        self.expect("{", "'{'")
        if self.peek() == "}":
            self._pos += 1
            return
        while True:
            if self.peek() != '"':
                self.expect('"', "a quoted key")
            key = self.value()
            self.expect(":", "':' after a key")
            yield key
            if self.peek() == ",":
                self._pos += 1
                continue
            self.expect("}", "',' or '}' in an object")
            return

    def end(self) -> None:
        if self.peek():
            raise HashListError("malformed JSON: data after the end of the document", self.where())

    def _fill(self, at_least: int = 0) -> bool:
        """Drop what was consumed and read more; False at the end of the input."""
        if self._eof:
            return False
        consumed = self._buf[: self._pos]
        self._lines_before += consumed.count("\n")
        self._chars_before += self._pos
        self._buf = self._buf[self._pos :]
        self._pos = 0
        more = self._stream.read(max(self._chunk, at_least))
        if not more:
            self._eof = True
            return False
        self._buf += more
        return True
