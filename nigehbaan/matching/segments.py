"""A log-structured list of immutable index segments: the update policy both indexes share.

Adding makes a new small segment and merges it with the one before while they are of similar
size, so sizes grow geometrically: O(log n) segments, each entry rebuilt O(log n) times over the
index's life and never on every update. Removing only marks rows dead, and a segment is rebuilt
when more than half of it is dead. So an update costs time in proportion to its own size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Generic, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

Int64s = npt.NDArray[np.int64]
_MERGE_RATIO = 4


def sorted_unique(values: Int64s) -> Int64s:
    """`np.unique` by sorting: numpy 2's hash-based default is many times slower on ids."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def rows_with_ids(sorted_ids: Int64s, ids: Int64s) -> Int64s:
    """Positions in `sorted_ids` of those of `ids` it holds, each once."""
    at = np.searchsorted(sorted_ids, ids)
    inside = at < len(sorted_ids)
    at, wanted = at[inside], ids[inside]
    rows: Int64s = at[sorted_ids[at] == wanted].astype(np.int64)
    return rows


class Segment(Protocol):
    ids: Int64s
    alive: npt.NDArray[np.bool_]

    def rows_of(self, ids: Int64s) -> Int64s:
        """Rows holding any of these (sorted, unique) ids, live or dead."""

    def live_data(self) -> npt.NDArray[Any]:
        """The live rows' data, in the order of `ids[alive]`."""

    @property
    def nbytes(self) -> int: ...


S = TypeVar("S", bound=Segment)


class SegmentList(Generic[S]):
    def __init__(self, make: Callable[[npt.NDArray[Any], Int64s], S]) -> None:
        self._make = make
        self.segments: list[S] = []

    def __iter__(self) -> Iterator[S]:
        return iter(self.segments)

    def __len__(self) -> int:
        return sum(int(s.alive.sum()) for s in self.segments)

    @property
    def nbytes(self) -> int:
        return sum(s.nbytes for s in self.segments)

    def add(self, data: npt.NDArray[Any], ids: npt.ArrayLike) -> None:
        """Add rows with new ids; an id already present (or given twice) is refused."""
        id_array = np.asarray(ids, dtype=np.int64).reshape(-1)
        if len(id_array) != len(data):
            raise ValueError(f"{len(data)} hashes but {len(id_array)} ids")
        if len(id_array) == 0:
            return
        self._check_new(id_array)
        self.segments.append(self._make(data, id_array))
        self._merge_tail()

    def remove(self, ids: npt.ArrayLike) -> int:
        """Mark rows dead by id and return how many were live; unknown ids are ignored."""
        id_array = sorted_unique(np.asarray(ids, dtype=np.int64).reshape(-1))
        removed = 0
        for i, segment in enumerate(self.segments):
            rows = segment.rows_of(id_array)
            removed += int(segment.alive[rows].sum())
            segment.alive[rows] = False
            if segment.alive.sum() * 2 < len(segment.ids):
                self.segments[i] = self._make(segment.live_data(), segment.ids[segment.alive])
        self.segments = [s for s in self.segments if len(s.ids)]
        return removed

    def _check_new(self, ids: Int64s) -> None:
        unique = sorted_unique(ids)
        if len(unique) != len(ids):
            raise ValueError("the same id is given twice")
        for segment in self.segments:
            rows = segment.rows_of(unique)
            if len(rows):
                raise ValueError(f"id {int(segment.ids[rows[0]])} is already in the index")

    def _merge_tail(self) -> None:
        while len(self.segments) > 1:
            last, before = self.segments[-1], self.segments[-2]
            if last.alive.sum() * _MERGE_RATIO < before.alive.sum():
                return
            data = np.concatenate([before.live_data(), last.live_data()])
            ids = np.concatenate([before.ids[before.alive], last.ids[last.alive]])
            self.segments[-2:] = [self._make(data, ids)]
