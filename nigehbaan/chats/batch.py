"""A chunk of a chat as columns over its text, made into records only when someone asks.

Why columns: a seized group's 200,000 ordinary messages are a few numbers each (line, span,
time, sender) over one string, like an Arrow table of offsets into one buffer. Building a
Python record per message cost more than all the rest of a parse (tuples, slices, datetimes,
and the collector's passes over them), yet a triage pass needs only counts and a few searches
over the text (`triage.collector.Collector.plain`). So a parser hands over `Batch`es: columns
for every row, and the rows it had to read by the full rules (`judged`: system lines, new
senders, mentions, attachments) as finished records. `records()` makes the exact records a
row-by-row parser would have, in file order, for whoever needs them (the database writer).
"""

from __future__ import annotations

import gc
import operator
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from itertools import repeat
from typing import overload

import numpy as np
from numpy.typing import NDArray

from nigehbaan.chats.model import Media, MemberRef, Message, Record

Ints = NDArray[np.int64]
_NEW = tuple.__new__


@contextmanager
def cycles_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while many acyclic records are made.

    Every 700 new container objects start a collection, and the older generations are walked
    again and again as records pile up: a quarter of a 200,000-message parse, measured. Records
    hold no cycles, so nothing is lost; reference counting frees as usual, and the collector
    runs again (if it was on) as soon as the block ends.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@dataclass(eq=False)
class Columns:
    """Every row of a chunk: `text[starts:ends]` is its raw text, `text[bodies:ends]` its
    message text, `seconds` its naive local time; `senders[sender_ids]` its sender (rows in
    `Batch.judged` may hold anything there). `canned` rows say only "deleted" or "media
    omitted": their text is empty and their media and deleted flag are given."""

    text: str
    positions: Ints
    starts: Ints
    ends: Ints
    bodies: Ints
    seconds: Ints
    sender_ids: Ints
    senders: list[MemberRef | None]
    canned: dict[int, tuple[Media | None, bool]]

    def stamps(self) -> list[datetime]:
        return self.seconds.astype("datetime64[s]").tolist()  # type: ignore[no-any-return]

    def texts(self, rows: Ints) -> list[str]:
        """The bodies of `rows` as written (a canned row's says "deleted" or the like)."""
        return list(map(self.text.__getitem__, map(slice, self.bodies[rows].tolist(),
                                                   self.ends[rows].tolist())))

    def per_sender(self, rows: Ints) -> list[tuple[int, MemberRef, int]]:
        """(sender id, sender, messages) for each sender of `rows`, which must be plain rows
        (not in `Batch.judged`): only those are sure to have a known sender."""
        counts = np.bincount(self.sender_ids[rows], minlength=len(self.senders)).tolist()
        found: list[tuple[int, MemberRef, int]] = []
        for n, (ref, number) in enumerate(zip(self.senders, counts, strict=True)):
            if number:
                assert ref is not None, "a plain row has a known sender"
                found.append((n, ref, number))
        return found


def not_none(matches: Iterable[object | None], count: int) -> NDArray[np.bool_]:
    """Which of `count` results are not None (`re` matches, dict lookups), tested in C with
    `is`, so no Python step runs per item."""
    return ~np.fromiter(map(operator.is_, matches, repeat(None)), np.bool_, count)


class Batch:
    """`size` rows in file order: `judged` ones as records, the rest in `columns`."""

    def __init__(self, size: int, judged: dict[int, Record], columns: Columns | None) -> None:
        if columns is None and len(judged) != size:
            raise ValueError("a batch without columns must hold every row as a record")
        self.size, self.judged, self.columns = size, judged, columns

    @classmethod
    def of(cls, records: Sequence[Record]) -> Batch:
        return cls(len(records), dict(enumerate(records)), None)

    def __len__(self) -> int:
        return self.size

    def plain_rows(self) -> Ints:
        """Rows not in `judged`: ordinary messages of known senders, held only as columns."""
        keep = np.ones(self.size, dtype=np.bool_)
        keep[list(self.judged)] = False
        return np.flatnonzero(keep)

    def events(self) -> int:
        return sum(not isinstance(r, Message) for r in self.judged.values())

    def sender_counts(self) -> Counter[MemberRef]:
        """Messages per sender, without making records."""
        counts: Counter[MemberRef] = Counter(
            r.sender for r in self.judged.values() if isinstance(r, Message) and r.sender
        )
        if self.columns is not None:
            for _, ref, number in self.columns.per_sender(self.plain_rows()):
                counts[ref] += number
        return counts

    def records(self) -> list[Record]:
        """Every row as its record, built in bulk (the cyclic collector is the caller's to
        pause: see `cycles_paused`)."""
        cols = self.columns
        if cols is None:
            return [self.judged[i] for i in range(self.size)]
        text = cols.text
        starts, ends, bodies = cols.starts.tolist(), cols.ends.tolist(), cols.bodies.tolist()
        raws = list(map(text.__getitem__, map(slice, starts, ends)))
        texts: list[str] = list(map(text.__getitem__, map(slice, bodies, ends)))
        media: Iterable[Media | None] = repeat(None)
        deleted: Iterable[bool] = repeat(False)
        if cols.canned:
            media_of: list[Media | None] = [None] * self.size
            deleted_of = [False] * self.size
            for i, (item, gone) in cols.canned.items():
                texts[i], media_of[i], deleted_of[i] = "", item, gone
            media, deleted = media_of, deleted_of
        senders = list(map(cols.senders.__getitem__, cols.sender_ids.tolist()))
        assert len(Message._fields) == 14, "the build below lists every field of Message"
        records: list[Record] = list(map(_NEW, repeat(Message), zip(
            cols.positions.tolist(), raws, cols.stamps(), repeat(True), senders, texts, media,
            repeat(None), repeat(None), repeat(None), repeat(()), deleted, repeat(False),
            repeat(None),
        )))  # fmt: skip
        for i, record in self.judged.items():
            records[i] = record
        return records


def records_of(batches: Iterable[Batch]) -> Iterator[Record]:
    """Every record of `batches`, made a batch at a time with the cyclic collector paused."""
    for batch in batches:
        with cycles_paused():
            made = batch.records()
        yield from made


class Records(Sequence[Record]):
    """A parsed chat's records, kept as its batches and made one batch at a time as they
    are read, so holding a parsed export costs its text and columns, not a record each.

    It reads like the tuple it stands for (indexes, slices, equality and hash with a tuple
    of the same records); each pass over it makes the records again, so a caller reading
    them many times keeps `tuple(records)`.
    """

    def __init__(self, batches: Iterable[Batch]) -> None:
        self._batches = tuple(b for b in batches if b.size)
        self._ends = np.cumsum([b.size for b in self._batches], dtype=np.int64)
        self._cached: tuple[int, list[Record]] | None = None

    def __len__(self) -> int:
        return int(self._ends[-1]) if len(self._ends) else 0

    def batches(self) -> Iterator[Batch]:
        return iter(self._batches)

    def __iter__(self) -> Iterator[Record]:
        return records_of(self._batches)

    def _batch(self, at: int) -> list[Record]:
        if self._cached is None or self._cached[0] != at:
            with cycles_paused():
                self._cached = (at, self._batches[at].records())
        return self._cached[1]

    @overload
    def __getitem__(self, index: int) -> Record: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Record, ...]: ...

    def __getitem__(self, index: int | slice) -> Record | tuple[Record, ...]:
        if isinstance(index, slice):
            rows = range(len(self))[index]
            if len(rows) > len(self) // 2:
                return tuple(self)[index]
            return tuple(map(self.__getitem__, rows))  # only the batches the slice touches
        size = len(self)
        if not -size <= index < size:
            raise IndexError("record index out of range")
        index %= size
        at = int(np.searchsorted(self._ends, index, side="right"))
        before = int(self._ends[at - 1]) if at else 0
        return self._batch(at)[index - before]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Records | tuple | list):
            return len(self) == len(other) and all(map(operator.eq, self, other))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def sender_counts(self) -> Counter[MemberRef]:
        return sum((b.sender_counts() for b in self._batches), Counter())

    def __repr__(self) -> str:
        return f"Records({len(self)} in {len(self._batches)} batches)"
