"""Walk a large JSON document container by container, decoding only the values asked for whole.

A Telegram export of a big group is one JSON object of hundreds of megabytes and a VICS hash list
holds millions of records; loading either whole would cost many times its size in Python objects.
The standard library has no incremental parser and the project takes no dependency for one, so
`JsonReader` walks only the containers the caller enters (objects by member, arrays by item) and
hands every other value to the standard library's C scanner, which also gives the value's exact
source text (kept by chat imports as a record's raw text). Memory is bounded by the largest single
value decoded or skipped whole, capped at `max_value` characters: a bigger value is an error, not
an unbounded read.

Errors are `JsonStreamError` with a `Position`, so each format maps them to its own domain error
(`HashListError`, `ChatParseError`) without this module knowing either.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any, NamedTuple, TextIO

_WHITESPACE = " \t\r\n"
_SIGNIFICANT = re.compile(r"[^ \t\r\n]").search
# The C scanner behind `raw_decode`, called directly: one Python frame less for every value.
_SCAN: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


class Position(NamedTuple):
    """Where in the document: 1-based line, and 1-based character counted from the document's
    start (not the line's), which stays meaningful in a minified one-line file of any size."""

    line: int
    character: int

    def __str__(self) -> str:
        return f"line {self.line}, character {self.character}"


class JsonStreamError(ValueError):
    """Malformed JSON, an unexpected structure, or a value over the cap; `problem` says which."""

    def __init__(self, problem: str, position: Position) -> None:
        super().__init__(f"{position}: {problem}")
        self.problem = problem
        self.position = position


class JsonReader:
    """A forward-only cursor over one JSON document read from a text stream or text chunks.

    The caller steers: `members()` / `items()` enter the container at the cursor, `value()` or
    `value_with_text()` decode the value at the cursor whole, `skip()` passes over it. A member or
    item the caller leaves unread is skipped, so walkers only name the paths they want.
    """

    def __init__(
        self,
        source: TextIO | Iterable[str],
        *,
        chunk_size: int = 1 << 16,
        max_value: int = 1 << 24,
    ) -> None:
        read: Callable[[], str] | None = None
        if callable(getattr(source, "read", None)):
            read = partial(source.read, chunk_size)  # type: ignore[union-attr]
        # A TextIO is also an iterable of lines: read it in chunks so a one-line file streams too.
        self._chunks: Iterator[str] = iter(read, "") if read else iter(source)
        self._chunk_size = chunk_size
        self._max_value = max_value
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._dropped = 0  # characters before `_buf`
        self._lines_dropped = 0  # newlines before `_buf`
        self._counted = (0, 0)  # (buffer index, newlines before it): line counts run forward

    # -- where ---------------------------------------------------------------------------------

    def position(self) -> Position:
        """The position of the next significant character (for an entry's or error's location)."""
        self.peek()
        return self._position(self._pos)

    def _position(self, at: int) -> Position:
        counted_at, lines = self._counted
        if at >= counted_at:
            lines += self._buf.count("\n", counted_at, at)
        else:
            lines = self._buf.count("\n", 0, at)
        self._counted = (at, lines)
        return Position(self._lines_dropped + lines + 1, self._dropped + at + 1)

    def _error(self, problem: str, at: int | None = None) -> JsonStreamError:
        return JsonStreamError(problem, self._position(self._pos if at is None else at))

    # -- reading -------------------------------------------------------------------------------

    def _fill(self, at_least: int = 1) -> bool:
        """Drop what was consumed and append at least `at_least` characters; False at the end."""
        if self._eof:
            return False
        buf, pos = self._buf, self._pos
        self._lines_dropped += buf.count("\n", 0, pos)
        self._dropped += pos
        parts, added = [buf[pos:]], 0
        while added < at_least:
            chunk = next(self._chunks, "")
            if not chunk:
                self._eof = True
                break
            parts.append(chunk)
            added += len(chunk)
        self._buf, self._pos, self._counted = "".join(parts), 0, (0, 0)
        return added > 0

    def peek(self) -> str:
        """The next significant character without consuming it; "" at the end of the document."""
        while True:
            buf, pos = self._buf, self._pos
            if pos < len(buf) and buf[pos] not in _WHITESPACE:
                return buf[pos]
            found = _SIGNIFICANT(buf, pos)
            if found:
                self._pos = found.start()
                return buf[self._pos]
            self._pos = len(buf)
            if not self._fill():
                return ""

    def expect(self, char: str, what: str | None = None) -> None:
        """Consume `char`; `what` names it in the error (e.g. "a JSON object at the root")."""
        found = self.peek()
        if found != char:
            shown = repr(found) if found else "end of file"
            raise self._error(f"expected {what or repr(char)}, found {shown}")
        self._pos += 1

    def value(self) -> Any:
        """Decode the value at the cursor whole."""
        return self._decode()[0]

    def value_with_text(self) -> tuple[Any, str]:
        """Decode the value at the cursor whole, with its exact source text."""
        value, start, end = self._decode()
        return value, self._buf[start:end]

    def skip(self) -> None:
        """Pass over the value at the cursor (decoded and dropped: the C scanner is the fastest
        way over a value, and the `max_value` cap still bounds memory)."""
        self._decode()

    def _decode(self) -> tuple[Any, int, int]:
        self.peek()
        while True:
            start = self._pos
            try:
                value, end = _SCAN(self._buf, start)
            except json.JSONDecodeError as exc:
                problem, at = exc.msg, exc.pos
            except StopIteration:
                problem, at = "expected a value", start
            except RecursionError:
                raise self._error("a value nested too deeply", start) from None
            except ValueError:  # an integer past Python's digit limit for conversions
                raise self._error("a number with too many digits", start) from None
            else:
                # A number cut by the buffer's end ("12|3", "1.|5", "1e+|5") decodes as a shorter
                # number with at most two characters left: read on.
                if len(self._buf) - end > 2 or self._eof or type(value) not in (int, float):
                    self._pos = end
                    return value, start, end
                problem, at = "", start
            if self._eof:
                raise self._error(problem, at)
            pending = len(self._buf) - start
            if pending > self._max_value:
                raise self._error(f"a value over {self._max_value} characters, or malformed JSON")
            self._fill(max(pending, self._chunk_size))  # doubling: a long value costs O(n)

    # -- containers ----------------------------------------------------------------------------

    def members(self, what: str = "an object") -> Iterator[str]:
        """Enter the object at the cursor; yields each key with the cursor on its value."""
        self.expect("{", what)
        if self.peek() == "}":
            self._pos += 1
            return
        while True:
            if self.peek() != '"':
                self.expect('"', "a quoted key")
            key = self.value()
            self.expect(":", "':' after a key")
            start = self._at_value()
            yield key
            if self._dropped + self._pos == start:
                self.skip()  # the caller left the value unread
            if self._next("}", "in an object"):
                return

    def items(self, what: str = "an array") -> Iterator[int]:
        """Enter the array at the cursor; yields each item's index with the cursor on the item."""
        self.expect("[", what)
        if self.peek() == "]":
            self._pos += 1
            return
        index = 0
        while True:
            start = self._at_value()
            yield index
            if self._dropped + self._pos == start:
                self.skip()  # the caller left the item unread
            index += 1
            if self._next("]", "in an array"):
                return

    def _at_value(self) -> int:
        """Put the cursor on the next value; its document offset tells whether it was read."""
        self.peek()
        return self._dropped + self._pos

    def _next(self, closing: str, where: str) -> bool:
        """Consume ',' (False: another entry follows) or `closing` (True: the container ends)."""
        found = self.peek()
        if found == ",":
            self._pos += 1
            return False
        if found == closing:
            self._pos += 1
            return True
        self.expect(closing, f"',' or '{closing}' {where}")
        return True  # unreachable: expect raised

    def end(self) -> None:
        """Check nothing but whitespace follows the document."""
        if self.peek():
            raise self._error("data after the end of the document")
