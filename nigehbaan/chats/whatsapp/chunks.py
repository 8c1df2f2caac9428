"""Reading an export a few megabytes at a time into columns (`batch.Batch`).

Per-line and per-message Python was the whole cost of a parse (7 s for 200,000 messages, slower
than whatstk). Here each chunk of decoded text is scanned with numpy (`templates`, `scan`), as
one byte per character when its header shapes allow (`codes.narrow`); block boundaries, senders
and bodies become array offsets, and an ordinary message (a known sender, plain text, or a body
that only says "deleted" or "media omitted", `BodyReader.canned`) stays a row of columns, with
no Python step of its own. Only what needs judgement goes through `_ChatReader.record`, one
message at a time and in file order (`marks` finds it): system lines, new senders, names
holding `: ` and the lines of their first part (`Nadia` of `Nadia: Work`), lines holding a
system wording, attached files, mentions, edits, left-to-right marks.

A chunk ends on a line break; the message still open at its end (its last lines may be in the
next chunk) is carried over and read again from its header, so memory stays one chunk plus one
message, and a chunk's batch is handed over before the next is read.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Protocol

import numpy as np

from nigehbaan.chats.batch import Batch, Columns
from nigehbaan.chats.errors import ChatParseError
from nigehbaan.chats.model import Media, MemberRef, Record
from nigehbaan.chats.source import Source
from nigehbaan.chats.stream import ReportBuilder
from nigehbaan.chats.whatsapp.blocks import block_starts
from nigehbaan.chats.whatsapp.codes import narrow, units
from nigehbaan.chats.whatsapp.headers import Layout
from nigehbaan.chats.whatsapp.marks import literals, pair, specials, words_at
from nigehbaan.chats.whatsapp.stamps import seconds
from nigehbaan.chats.whatsapp.templates import Template, scan_fast

CHUNK_CHARS = 1 << 22
_EPOCH = datetime(1970, 1, 1)


class RecordMaker(Protocol):
    sender_refs: dict[str, MemberRef]

    @property
    def hints(self) -> tuple[str, ...]: ...

    def colon_prefixes(self) -> frozenset[str]: ...

    def record(
        self, position: int, raw: str, stamp: datetime, rest: str, extra: str
    ) -> Record: ...

    def plain(self, labels: list[str], bodies: list[str]) -> list[bool]: ...


class ChunkReader:
    def __init__(
        self, maker: RecordMaker, layout: Layout, order: str, templates: list[Template],
        report: ReportBuilder, count: Callable[[MemberRef, int], None],
        canned: Mapping[str, tuple[Media | None, bool]],
    ) -> None:  # fmt: skip
        self.maker, self.layout, self.order, self.templates = maker, layout, order, templates
        self.report, self.count, self.canned = report, count, canned
        self._canned_lengths = np.array(sorted({len(k) for k in canned}), dtype=np.int64)
        self.started = False
        self.orphans = 0
        self.blocks = 0
        self.order_conflict: str | None = None
        """The error to raise if a header contradicts the date order (`Survey.settled_early`)."""

    def batches(self, source: Source) -> Iterator[Batch]:
        carry, line0 = "", 1
        with source.text() as stream:
            while True:
                data = stream.read(CHUNK_CHARS)
                text = carry + data
                if not data:
                    if text:
                        yield self._chunk(text, line0, len(text), final=True)[0]
                    self.report.lines_read = line0 - 1 + text.count("\n") + (
                        0 if text.endswith("\n") or not text else 1
                    )
                    break
                cut = text.rfind("\n") + 1
                if cut == 0:
                    carry = text
                    continue
                batch, keep_line = self._chunk(text, line0, cut, final=False)
                yield batch
                keep = cut if keep_line < 0 else self._keep_offset
                carry, line0 = text[keep:], line0 + (keep_line if keep_line >= 0 else
                                                     text.count("\n", 0, cut))
        self.report.unparsed_lines = self.report.lines_read - self.blocks
        if self.orphans:
            self.report.warn(f"{self.orphans} line(s) before the first message header were skipped")

    def _chunk(self, text: str, line0: int, cut: int, final: bool) -> tuple[Batch, int]:
        """The rows of the messages closed in `text[:cut]`; the line index the open one starts."""
        narrowed = all(t.latin1 for t in self.templates)
        u = narrow(text[:cut]) if narrowed else units(text[:cut])
        size = cut
        breaks = np.flatnonzero(u[:size] == 10)
        starts = np.concatenate(([0], breaks + 1)).astype(np.int64)
        if starts[-1] == size:
            starts = starts[:-1]
        ends = np.concatenate((breaks, [size]))[: len(starts)].astype(np.int64)
        heads = scan_fast(u, starts, self.layout, self.templates, text if narrowed else None)
        if self.order_conflict is not None and self.order != "ymd":
            month = heads.b if self.order == "dmy" else heads.a
            wrong = np.flatnonzero(heads.ok & (heads.a_digits < 4) & (month > 12))
            if len(wrong):
                raise ChatParseError(f"{self.order_conflict} (line {line0 + int(wrong[0])})")
        valid, secs = seconds(heads, self.order)
        cand = np.flatnonzero(valid)
        if not self.started:
            self.orphans += int(cand[0]) if len(cand) else len(starts)
            self.started = bool(len(cand))
        if not len(cand):
            return Batch.of(()), -1
        lines = (cand + line0).tolist()
        first, _ = block_starts(secs[cand], lines, self.report.warn, final)
        blocks = cand[first]
        stamp_secs = secs[cand][first]
        keep_line = -1
        if not final:
            keep_line = int(blocks[-1])
            self._keep_offset = int(starts[keep_line])
            blocks, stamp_secs = blocks[:-1], stamp_secs[:-1]
        if not len(blocks):
            return Batch.of(()), keep_line
        b_start = starts[blocks]
        b_end = np.empty(len(blocks), dtype=np.int64)
        b_end[:-1] = b_start[1:] - 1
        b_end[-1] = (size - 1 if text.endswith("\n") else size) if final else self._keep_offset - 1
        self.blocks += len(blocks)
        batch = self._build(text, u, blocks, b_start, b_end, heads.end[blocks], ends[blocks],
                            stamp_secs, line0)  # fmt: skip
        return batch, keep_line

    def _build(
        self, text: str, u: np.ndarray, blocks: np.ndarray, b_start: np.ndarray,
        b_end: np.ndarray, h_end: np.ndarray, l_end: np.ndarray,
        stamp_secs: np.ndarray, line0: int,
    ) -> Batch:  # fmt: skip
        size = int(b_end[-1]) + 1
        colons = pair(u, size, ":", " ")
        cut = np.full(len(blocks), -1, dtype=np.int64)
        if len(colons):
            at = np.searchsorted(colons, h_end)
            first = colons[np.minimum(at, len(colons) - 1)]
            cut = np.where((at < len(colons)) & (first < l_end), first, -1)
        body = np.where(cut >= 0, cut + 2, h_end)
        fixed = self._canned(text, np.flatnonzero(cut >= 0), body, b_end)
        marks = specials(u, size, text)
        slow = (cut < 0) | (np.searchsorted(marks, b_end) > np.searchsorted(marks, body))
        slow[list(fixed)] = False
        hints = self.maker.hints
        if hints:  # a wording may win over the sender, or a body say more: see `marks`
            words = words_at(u, size, hints) if u.dtype == np.uint8 else literals(text, size, hints)
            at = np.searchsorted(h_end, words, side="right") - 1
            inside = at >= 0
            inside[inside] &= words[inside] < l_end[at[inside]]
            slow[at[inside]] = True
        positions = blocks + line0
        label_end = np.maximum(cut, h_end).tolist()
        labels = list(map(text.__getitem__, map(slice, h_end.tolist(), label_end)))
        known = self.maker.sender_refs
        if self.layout == "ios":
            bodies = list(map(text.__getitem__, map(slice, body.tolist(), b_end.tolist())))
            slow |= ~np.fromiter(self.maker.plain(labels, bodies), np.bool_, len(labels))
        slow_at = set(np.flatnonzero(slow).tolist())
        index = {label: n for n, label in enumerate(dict.fromkeys(labels))}
        ids = np.fromiter(map(index.__getitem__, labels), np.int64, len(labels))
        unknown = [n for label, n in index.items() if label not in known]
        waiting = np.isin(ids, unknown) & ~slow  # senders first met in this chunk
        at_waiting = np.flatnonzero(waiting).tolist()
        first_of = dict(zip(map(labels.__getitem__, reversed(at_waiting)), reversed(at_waiting),
                            strict=True))
        queued = slow_at.union(first_of.values())
        colon = self._colon_prefixes(frozenset(), labels, 0, queued)
        queue = sorted(queued)
        done: dict[int, Record] = {}
        while queue:
            i = heapq.heappop(queue)
            label = labels[i]
            rest = text[int(h_end[i]) : int(l_end[i])]
            extra = text[int(l_end[i]) : int(b_end[i])]
            raw = text[int(b_start[i]) : int(b_end[i])]
            stamp = _EPOCH + timedelta(seconds=int(stamp_secs[i]))
            done[i] = self.maker.record(int(positions[i]), raw, stamp, rest, extra)
            if first_of.get(label) == i and label not in known:
                after = _next_of(labels, label, i, waiting)
                if after is not None:
                    first_of[label] = after
                    if after not in queued:
                        heapq.heappush(queue, after)
                        queued.add(after)
            colon = self._colon_prefixes(colon, labels, i + 1, queued, queue)
        senders = list(map(known.get, index))
        columns = Columns(text, positions, b_start, b_end, body, stamp_secs, ids, senders,
                          {i: entry for i, entry in fixed.items() if i not in done})
        batch = Batch(len(blocks), done, columns)
        for _, ref, number in columns.per_sender(batch.plain_rows()):
            self.count(ref, number)
        events = batch.events()
        report = self.report
        report.messages += len(blocks) - events
        report.events += events
        low, high = stamp_secs[[stamp_secs.argmin(), stamp_secs.argmax()]].astype("datetime64[s]")
        low, high = low.item(), high.item()
        if report.first is None or low < report.first:
            report.first = low
        if report.last is None or high > report.last:
            report.last = high
        return batch

    def _canned(
        self, text: str, rows: np.ndarray, body: np.ndarray, b_end: np.ndarray
    ) -> dict[int, tuple[Media | None, bool]]:
        """Rows with a sender whose whole body says only "deleted" or "media omitted"
        (`BodyReader.canned`); only bodies of a canned length are sliced to be looked up."""
        rows = rows[np.isin(b_end[rows] - body[rows], self._canned_lengths)]
        found = map(self.canned.get, map(text.__getitem__, map(slice, body[rows].tolist(),
                                                                 b_end[rows].tolist())))
        return {i: entry for i, entry in zip(rows.tolist(), found, strict=True)
                if entry is not None}

    def _colon_prefixes(
        self, before: frozenset[str], labels: list[str], start: int, queued: set[int],
        queue: list[int] | None = None,
    ) -> frozenset[str]:  # fmt: skip
        """Sends the lines from `start` whose sender could begin a newly known name holding
        `: ` (`Nadia` of `Nadia: Work`) to the careful path; returns the prefixes now known."""
        if self.layout != "android":
            return before
        now = self.maker.colon_prefixes()
        if now is before:
            return now
        new = now - before
        if new:
            for i in range(start, len(labels)):
                if labels[i] in new and i not in queued:
                    queued.add(i)
                    if queue is not None:
                        heapq.heappush(queue, i)
        return now


def _next_of(labels: list[str], label: str, after: int, waiting: np.ndarray) -> int | None:
    """The next message of `label` after `after` left for the bulk build, if any: the first
    was a system line, so its sender is still unknown and the next one must be read in full."""
    at = after
    while True:
        try:
            at = labels.index(label, at + 1)
        except ValueError:
            return None
        if waiting[at]:
            return at
