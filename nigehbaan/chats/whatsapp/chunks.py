"""Reading an export a few megabytes at a time and building its records in bulk.

Per-line and per-message Python was the whole cost of a parse (7 s for 200,000 messages, slower
than whatstk). Here each chunk of decoded text is scanned with numpy (`templates`, `scan`), as
one byte per character when its header shapes allow (`codes.narrow`); block boundaries come
from array offsets, and the ordinary message (a known sender, plain text) is built by `map` over
slices without a Python-level step per message; so is a body that only says "deleted" or
"media omitted" (`BodyReader.canned`). Only what needs judgement goes through
`_ChatReader.record`, one message at a time and in file order (`marks` finds it): system
lines, new senders, names holding `: ` and the lines of their first part (`Nadia` of `Nadia:
Work`), lines holding a system wording, attached files, mentions, edits, left-to-right marks.

The cyclic garbage collector is paused while a chunk's records are built: they are acyclic
tuples and strings, yet each 700 new tuples would start a collection that walks every record
already kept (25% of the parse time, measured). Reference counting still frees as usual.

A chunk ends on a line break; the message still open at its end (its last lines may be in the
next chunk) is carried over and read again from its header, so memory stays one chunk plus one
message, and a chunk's records are handed over before the next is read.
"""

from __future__ import annotations

import heapq
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from itertools import repeat
from typing import Protocol

import numpy as np

from nigehbaan.chats.errors import ChatParseError
from nigehbaan.chats.model import Media, MemberRef, Message, Record
from nigehbaan.chats.source import Source
from nigehbaan.chats.stream import ReportBuilder, cycles_paused
from nigehbaan.chats.whatsapp.blocks import block_starts
from nigehbaan.chats.whatsapp.codes import narrow, units
from nigehbaan.chats.whatsapp.headers import Layout
from nigehbaan.chats.whatsapp.marks import literals, pair, specials, words_at
from nigehbaan.chats.whatsapp.stamps import seconds
from nigehbaan.chats.whatsapp.templates import Template, scan_fast

CHUNK_CHARS = 1 << 22
_NEW = tuple.__new__


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
        self.started = False
        self.orphans = 0
        self.blocks = 0
        self.order_conflict: str | None = None
        """The error to raise if a header contradicts the date order (`Survey.settled_early`)."""

    def batches(self, source: Source) -> Iterator[list[Record]]:
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
                records, keep_line = self._chunk(text, line0, cut, final=False)
                yield records
                keep = cut if keep_line < 0 else self._keep_offset
                carry, line0 = text[keep:], line0 + (keep_line if keep_line >= 0 else
                                                     text.count("\n", 0, cut))
        self.report.unparsed_lines = self.report.lines_read - self.blocks
        if self.orphans:
            self.report.warn(f"{self.orphans} line(s) before the first message header were skipped")

    def _chunk(self, text: str, line0: int, cut: int, final: bool) -> tuple[list[Record], int]:
        """Records of the messages closed in `text[:cut]`; the line index the open one starts."""
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
            return [], -1
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
            return [], keep_line
        b_start = starts[blocks]
        b_end = np.empty(len(blocks), dtype=np.int64)
        b_end[:-1] = b_start[1:] - 1
        b_end[-1] = (size - 1 if text.endswith("\n") else size) if final else self._keep_offset - 1
        self.blocks += len(blocks)
        with cycles_paused():  # see the module docstring
            records = self._build(text, u, blocks, b_start, b_end, heads.end[blocks],
                                  ends[blocks], stamp_secs, line0)  # fmt: skip
        return records, keep_line

    def _build(
        self, text: str, u: np.ndarray, blocks: np.ndarray, b_start: np.ndarray,
        b_end: np.ndarray, h_end: np.ndarray, l_end: np.ndarray,
        stamp_secs: np.ndarray, line0: int,
    ) -> list[Record]:  # fmt: skip
        size = int(b_end[-1]) + 1
        colons = pair(u, size, ":", " ")
        cut = np.full(len(blocks), -1, dtype=np.int64)
        if len(colons):
            at = np.searchsorted(colons, h_end)
            first = colons[np.minimum(at, len(colons) - 1)]
            cut = np.where((at < len(colons)) & (first < l_end), first, -1)
        body = np.where(cut >= 0, cut + 2, h_end)
        bodies = list(map(text.__getitem__, map(slice, body.tolist(), b_end.tolist())))
        fixed = list(map(self.canned.get, bodies))
        canned = (cut >= 0) & ~_missing(fixed)
        marks = specials(u, size, text)
        slow = (cut < 0) | (np.searchsorted(marks, b_end) > np.searchsorted(marks, body))
        slow &= ~canned
        hints = self.maker.hints
        if hints:  # a wording may win over the sender, or a body say more: see `marks`
            words = words_at(u, size, hints) if u.dtype == np.uint8 else literals(text, size, hints)
            at = np.searchsorted(h_end, words, side="right") - 1
            inside = at >= 0
            inside[inside] &= words[inside] < l_end[at[inside]]
            slow[at[inside]] = True
        positions = (blocks + line0).tolist()
        stamps = stamp_secs.astype("datetime64[s]").tolist()
        raws = list(map(text.__getitem__, map(slice, b_start.tolist(), b_end.tolist())))
        label_end = np.maximum(cut, h_end).tolist()
        labels = list(map(text.__getitem__, map(slice, h_end.tolist(), label_end)))
        known = self.maker.sender_refs
        refs = list(map(known.get, labels))
        if self.layout == "ios":
            slow |= ~np.fromiter(self.maker.plain(labels, bodies), np.bool_, len(labels))
        slow_at = set(np.flatnonzero(slow).tolist())
        waiting = _missing(refs) & ~slow  # senders first met in this chunk, for the bulk build
        at_waiting = np.flatnonzero(waiting).tolist()
        first_of = dict(zip(map(labels.__getitem__, reversed(at_waiting)), reversed(at_waiting),
                            strict=True))
        queued = slow_at.union(first_of.values())
        colon = self._colon_prefixes(frozenset(), labels, 0, queued)
        queue = sorted(queued)
        done: dict[int, Record] = {}
        counts = Counter(labels)
        while queue:
            i = heapq.heappop(queue)
            label = labels[i]
            counts[label] -= 1
            rest = text[int(h_end[i]) : int(l_end[i])]
            extra = text[int(l_end[i]) : int(b_end[i])]
            done[i] = self.maker.record(positions[i], raws[i], stamps[i], rest, extra)
            if first_of.get(label) == i and label not in known:
                after = _next_of(labels, label, i, waiting)
                if after is not None:
                    first_of[label] = after
                    if after not in queued:
                        heapq.heappush(queue, after)
                        queued.add(after)
            colon = self._colon_prefixes(colon, labels, i + 1, queued, queue)
        events = sum(not isinstance(r, Message) for r in done.values())
        for i in at_waiting:  # their sender is known now, from its first message
            refs[i] = known.get(labels[i])
        texts, media, deleted = _canned_columns(bodies, fixed, np.flatnonzero(canned).tolist())
        records: list[Record] = list(map(_NEW, repeat(Message), zip(
            positions, raws, stamps, repeat(True), refs, texts, media, repeat(None),
            repeat(None), repeat(None), repeat(()), deleted, repeat(False), repeat(None),
        )))  # fmt: skip
        for i, record in done.items():
            records[i] = record
        for label, number in counts.items():
            if number > 0:
                self.count(self.maker.sender_refs[label], number)
        report = self.report
        report.messages += len(records) - events
        report.events += events
        low, high = stamp_secs[[stamp_secs.argmin(), stamp_secs.argmax()]].astype("datetime64[s]")
        low, high = low.item(), high.item()
        if report.first is None or low < report.first:
            report.first = low
        if report.last is None or high > report.last:
            report.last = high
        return records

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


def _canned_columns(
    bodies: list[str], fixed: list[tuple[Media | None, bool] | None], at: list[int]
) -> tuple[Iterable[str], Iterable[Media | None], Iterable[bool]]:
    """Text, media and deleted flag of every message of a chunk, for one bulk build: the
    bodies as they are, except those that only say "deleted" or "media omitted" (`at`), whose
    text is empty and whose media and flag come from `BodyReader.canned`."""
    if not at:
        return bodies, repeat(None), repeat(False)
    texts, deleted = list(bodies), [False] * len(bodies)
    media: list[Media | None] = [None] * len(bodies)
    for i in at:
        entry = fixed[i]
        assert entry is not None
        texts[i], (media[i], deleted[i]) = "", entry
    return texts, media, deleted


def _missing(items: Sequence[object]) -> np.ndarray:
    """Where `items` holds None; `is`-tests in C, since `list.index` would call `__eq__`."""
    return np.fromiter(map(operator.is_, items, repeat(None)), dtype=np.bool_, count=len(items))


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
