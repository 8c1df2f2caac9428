"""A chat being parsed: records streamed one by one, the report and members settled at the end.

Streaming is what keeps a 100 MB export bounded: a caller that writes records to the database
as they come never holds them all; `collect()` is the convenience for everyone else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from nigehbaan.chats.batch import Batch, Records, records_of
from nigehbaan.chats.members import MemberBook
from nigehbaan.chats.model import (
    Attachment,
    ChatExport,
    ChatFormat,
    ImportReport,
    Message,
    Record,
)

_MAX_WARNINGS = 200
_RECORDS_PER_BATCH = 4096


@dataclass
class ReportBuilder:
    """Counts kept while streaming; warnings are capped so a broken file cannot flood memory."""

    lines_read: int = 0
    messages: int = 0
    events: int = 0
    unparsed_lines: int = 0
    first: datetime | None = None
    last: datetime | None = None
    warnings: list[str] = field(default_factory=list)
    dropped_warnings: int = 0
    date_order: str | None = None
    locale: str | None = None

    def add(self, record: Record) -> None:
        if isinstance(record, Message):
            self.messages += 1
        else:
            self.events += 1
        stamp = record.timestamp
        if stamp is not None:
            if self.first is None or stamp < self.first:
                self.first = stamp
            if self.last is None or stamp > self.last:
                self.last = stamp

    def warn(self, text: str) -> None:
        if len(self.warnings) < _MAX_WARNINGS:
            self.warnings.append(text)
        else:
            self.dropped_warnings += 1

    def build(self, members: int) -> ImportReport:
        warnings = list(self.warnings)
        if self.dropped_warnings:
            warnings.append(f"… and {self.dropped_warnings} more warnings")
        return ImportReport(
            lines_read=self.lines_read,
            messages=self.messages,
            events=self.events,
            members=members,
            unparsed_lines=self.unparsed_lines,
            first_timestamp=self.first,
            last_timestamp=self.last,
            warnings=tuple(warnings),
            date_order=self.date_order,
            locale=self.locale,
        )


@dataclass
class ChatHeader:
    """What is known about a chat before its records are read; the title may improve later."""

    format: ChatFormat
    source: str
    title: str | None
    chat_type: str
    chat_id: str | None = None
    attachments: tuple[Attachment, ...] = ()


class ChatStream:
    """Iterate once for the records, or read `batches()` once for the columns; then
    `report()` and `members()` are complete.

    `finish` runs after the last record, for checks that need the whole chat (export caps).
    A parser that reads in bulk passes `batches` (already counted in the report) instead of
    `records`; records of a record-by-record parser are handed out in batches too.
    """

    def __init__(
        self,
        header: ChatHeader,
        records: Iterator[Record],
        book: MemberBook,
        report: ReportBuilder,
        finish: Callable[[], None] | None = None,
        *,
        batches: Iterator[Batch] | None = None,
    ) -> None:
        self.header = header
        self._batches = batches
        self.book = book
        self._records = records
        self._report = report
        self._finish = finish
        self._done = False

    def batches(self) -> Iterator[Batch]:
        """The chat as batches: columns for the rows a bulk parser left plain (`batch`)."""
        if self._done:
            raise RuntimeError("a chat stream can be read only once")
        yield from self._source()
        self._end()

    def _source(self) -> Iterator[Batch]:
        return self._batches if self._batches is not None else self._record_batches()

    def _record_batches(self) -> Iterator[Batch]:
        add = self._report.add
        while True:
            records = list(islice(self._records, _RECORDS_PER_BATCH))
            if not records:
                return
            for record in records:
                add(record)
            yield Batch.of(records)

    def __iter__(self) -> Iterator[Record]:
        return records_of(self.batches())

    def _end(self) -> None:
        self._done = True
        if self._finish is not None:
            self._finish()

    def drain(self) -> None:
        """Skip whatever the caller did not read, so the next chat of the file can start."""
        for _ in self._source():
            pass

    def report(self) -> ImportReport:
        return self._report.build(len(self.book))

    def collect(self) -> ChatExport:
        records = Records(self.batches())
        return ChatExport(
            format=self.header.format,
            source=self.header.source,
            title=self.header.title,
            chat_type=self.header.chat_type,
            members=self.book.members(),
            records=records,
            attachments=self.header.attachments,
            report=self.report(),
            chat_id=self.header.chat_id,
        )
