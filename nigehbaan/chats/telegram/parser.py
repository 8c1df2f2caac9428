"""The Telegram Desktop parser: a single-chat `result.json` or a full export's chat lists.

The walk follows Telegram's key order (name, type and id come before messages), so a chat's
header is known before its first message and messages stream straight through.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from nigehbaan.chats.errors import ChatParseError
from nigehbaan.chats.members import MemberBook
from nigehbaan.chats.model import ChatFormat, Record
from nigehbaan.chats.registry import ChatParser, ParseOptions
from nigehbaan.chats.source import Source
from nigehbaan.chats.stream import ChatHeader, ChatStream, ReportBuilder
from nigehbaan.chats.telegram.records import RecordReader, scalar_text
from nigehbaan.core.jsonstream import JsonReader, JsonStreamError

_MARKERS = ('"messages"', '"chats"', '"personal_information"', '"left_chats"')
_CHAT_LISTS = ("chats", "left_chats")
_MAX_MESSAGE = 64 * 1024 * 1024


@contextmanager
def _json_errors(name: str) -> Iterator[None]:
    """Report malformed JSON as a one-line `ChatParseError` naming the file and the place."""
    try:
        yield
    except JsonStreamError as exc:
        raise ChatParseError(f"{name}: invalid JSON: {exc.problem} at {exc.position}") from None


class TelegramParser(ChatParser):
    format = ChatFormat.TELEGRAM

    def score(self, source: Source) -> float:
        head = source.head.lstrip("\ufeff \t\r\n")
        if not head.startswith("{"):
            return 0.0
        return 0.95 if any(marker in head for marker in _MARKERS) else 0.2

    def streams(self, source: Source, options: ParseOptions) -> Iterator[ChatStream]:
        cursor = JsonReader(source.chunks(), max_value=_MAX_MESSAGE)
        found = 0
        with _json_errors(source.name):
            for stream in self._document(cursor, source, options):
                found += 1
                yield stream
            cursor.end()
        if found == 0:
            raise ChatParseError(f"{source.name}: a JSON file, but not a Telegram chat export")

    def _document(
        self, cursor: JsonReader, source: Source, options: ParseOptions
    ) -> Iterator[ChatStream]:
        if cursor.peek() != "{":
            raise ChatParseError(f"{source.name}: a JSON file, but not a Telegram chat export")
        yield from self._chat(cursor, source, options, left=False)

    def _chat(
        self, cursor: JsonReader, source: Source, options: ParseOptions, *, left: bool
    ) -> Iterator[ChatStream]:
        """One object that is a chat (has `messages`) or a full export (has chat lists)."""
        meta: dict[str, Any] = {}
        for key in cursor.members():
            if key == "messages":
                stream = self._stream(cursor, source, options, meta, left)
                yield stream
                stream.drain()
            elif key in _CHAT_LISTS:
                yield from self._chat_list(cursor, source, options, left=key == "left_chats")
            elif key in ("name", "type", "id"):
                meta[key] = cursor.value()

    def _chat_list(
        self, cursor: JsonReader, source: Source, options: ParseOptions, *, left: bool
    ) -> Iterator[ChatStream]:
        """A `{"list": [chat…]}`; anything else is skipped (the reader skips unread values)."""
        if cursor.peek() != "{":
            return
        for key in cursor.members():
            if key == "list" and cursor.peek() == "[":
                for _ in cursor.items():
                    if cursor.peek() == "{":
                        yield from self._chat(cursor, source, options, left=left)

    def _stream(
        self,
        cursor: JsonReader,
        source: Source,
        options: ParseOptions,
        meta: dict[str, Any],
        left: bool,
    ) -> ChatStream:
        chat_type = str(meta.get("type", "unknown")) + (" (left)" if left else "")
        chat_id = None if meta.get("id") is None else str(meta["id"])
        title = scalar_text(meta.get("name"))
        header = ChatHeader(ChatFormat.TELEGRAM, source.name, title, chat_type, chat_id)
        book = MemberBook(options.default_region)
        report = ReportBuilder()

        def locate(written: str) -> str | None:
            beside = source.sibling(written)
            return None if beside is None else str(beside)

        reader = RecordReader(book, locate, report.warn)
        records = self._records(cursor, reader, report, source.name)
        return ChatStream(header, records, book, report)

    @staticmethod
    def _records(
        cursor: JsonReader, reader: RecordReader, report: ReportBuilder, name: str
    ) -> Iterator[Record]:
        """Run lazily by the chat stream's consumer, so it maps JSON errors itself."""
        with _json_errors(name):
            for index in cursor.items("a 'messages' array"):
                obj, raw = cursor.value_with_text()
                report.lines_read += 1
                if not isinstance(obj, dict):
                    report.unparsed_lines += 1
                    report.warn(f"message {index}: not a JSON object, skipped")
                    continue
                if obj.get("type") == "unsupported":
                    report.unparsed_lines += 1
                yield reader.record(index, obj, raw)
