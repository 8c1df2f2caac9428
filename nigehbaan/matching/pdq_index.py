"""A PDQ range-search index that finds everything within the radius and can be updated in place.

Exact by construction (see `mih`): recall is 1.0 within the radius and nothing beyond it is
returned, which evidence needs. The index is a short list of immutable segments, like a
log-structured store: adding makes a new small segment and merges segments of similar size, so
an update costs time in proportion to its size, not to the index; removing marks rows dead and
rebuilds only a segment that has become mostly dead (see `segments`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import numpy as np
import numpy.typing as npt

from nigehbaan.matching.mih import Hits, Int64s
from nigehbaan.matching.pdq_codes import DEFAULT_RADIUS, WORDS, Codes, codes_from_hex
from nigehbaan.matching.pdq_segment import PdqSegment
from nigehbaan.matching.segments import SegmentList


@dataclass(frozen=True, slots=True)
class PdqMatches:
    """All matches of a batch of queries, sorted by query then distance then id.

    Arrays rather than objects because a batch of 10,000 queries against a national list returns
    many matches; `for_query` gives one query's as (id, distance) pairs.
    """

    query: Int64s
    ids: Int64s
    distance: Int64s

    def __len__(self) -> int:
        return len(self.ids)

    def for_query(self, index: int) -> list[tuple[int, int]]:
        lo, hi = np.searchsorted(self.query, [index, index + 1])
        return list(zip(self.ids[lo:hi].tolist(), self.distance[lo:hi].tolist(), strict=True))


class PdqIndex:
    """Entries are (PDQ code, int id); the id is the caller's (a list entry's primary key).

    `radius` is the largest distance the index will be asked for; searches may ask for less.
    Searches use up to `workers` threads: numpy releases the GIL in the loops that matter.
    An index pickles (plain numpy arrays), so it can be built once and shipped to workers.
    """

    def __init__(self, radius: int = DEFAULT_RADIUS, workers: int | None = None) -> None:
        if not 0 <= radius < 256:
            raise ValueError(f"radius {radius} is outside 0..255")
        self.radius = radius
        self.workers = workers or min(os.cpu_count() or 1, 8)
        self._segments = SegmentList(partial(PdqSegment, radius=radius))

    def __len__(self) -> int:
        return len(self._segments)

    @property
    def nbytes(self) -> int:
        return self._segments.nbytes

    @property
    def segment_sizes(self) -> list[int]:
        return [len(s.ids) for s in self._segments]

    def add(self, codes: Codes | Sequence[str], ids: npt.ArrayLike) -> None:
        """Add entries; an id already in the index (or twice in `ids`) is refused."""
        self._segments.add(_as_codes(codes), ids)

    def remove(self, ids: npt.ArrayLike) -> int:
        """Withdraw entries by id; returns how many were live. Unknown ids are ignored."""
        return self._segments.remove(ids)

    def search(self, queries: Codes | Sequence[str], radius: int | None = None) -> PdqMatches:
        """Every live entry within `radius` (default: the index's) of each query."""
        radius = self.radius if radius is None else radius
        if not 0 <= radius <= self.radius:
            raise ValueError(f"radius {radius} is outside 0..{self.radius} (the index's radius)")
        batch = _as_codes(queries)
        tasks = [
            (segment, start, min(start + segment.query_block, len(batch)))
            for segment in self._segments
            for start in range(0, len(batch), segment.query_block)
        ]
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            parts = list(pool.map(lambda t: _search_block(t[0], batch, t[1], t[2], radius), tasks))
        return _matches(parts)

    def search_hex(self, queries: Iterable[str], radius: int | None = None) -> PdqMatches:
        return self.search(codes_from_hex(queries), radius)


def _as_codes(codes: Codes | Sequence[str]) -> Codes:
    if isinstance(codes, np.ndarray):
        array = np.ascontiguousarray(codes, dtype=np.uint64)
        if array.ndim != 2 or array.shape[1] != WORDS:
            raise ValueError(f"codes must have shape (n, {WORDS}), not {array.shape}")
        return array
    return codes_from_hex(codes)


def _search_block(segment: PdqSegment, batch: Codes, start: int, stop: int, radius: int) -> Hits:
    q, ids, dist = segment.search(batch[start:stop], radius)
    return q + start, ids, dist


def _matches(parts: list[Hits]) -> PdqMatches:
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return PdqMatches(empty, empty.copy(), empty.copy())
    q, ids, dist = (np.concatenate([p[i] for p in parts]) for i in range(3))
    order = np.lexsort((ids, dist, q))
    return PdqMatches(q[order], ids[order], dist[order])
