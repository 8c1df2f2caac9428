"""Exact lookup of MD5, SHA-1 and SHA-256 digests in lists of tens of millions of entries.

Sorted numpy arrays rather than a dict: a Python dict of 10M digests costs over 1 GiB, these
cost the digest plus 16 bytes an entry, and a batch lookup is one vectorised binary search. The
first eight bytes (big-endian, so numeric order is byte order) are searched; the full digest is
then compared, so a shared prefix never makes a false match. Updates go through the same
segment list as the PDQ index.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from nigehbaan.matching.hashes import HEX_LENGTHS, HashType
from nigehbaan.matching.segments import Int64s, SegmentList, rows_with_ids

Digests = npt.NDArray[np.uint8]
"""Shape (n, digest bytes)."""


def digests_from_hex(hexes: Iterable[str], hash_type: HashType) -> Digests:
    width = HEX_LENGTHS[hash_type] // 2
    items = list(hexes)
    if any(len(h) != width * 2 for h in items):
        raise ValueError(f"a {hash_type.value} digest is {width * 2} hex digits")
    return np.frombuffer(bytes.fromhex("".join(items)), dtype=np.uint8).reshape(-1, width).copy()


class _ExactSegment:
    """Rows in id order (removal is a binary search on `ids`); `_order` lists them by digest."""

    __slots__ = ("_order", "_prefixes", "alive", "digests", "ids")

    def __init__(self, digests: Digests, ids: Int64s) -> None:
        by_id = np.argsort(ids, kind="stable")
        self.ids = np.ascontiguousarray(ids[by_id], dtype=np.int64)
        self.digests = np.ascontiguousarray(digests[by_id], dtype=np.uint8)
        self.alive = np.ones(len(ids), dtype=bool)
        prefixes = _prefixes(self.digests)
        self._order = np.argsort(prefixes).astype(np.uint32)
        self._prefixes = prefixes[self._order]

    @property
    def nbytes(self) -> int:
        arrays = (self._prefixes, self.digests, self.ids, self.alive, self._order)
        return sum(a.nbytes for a in arrays)

    def rows_of(self, ids: Int64s) -> Int64s:
        return rows_with_ids(self.ids, ids)

    def live_data(self) -> Digests:
        return self.digests[self.alive]

    def lookup(self, digests: Digests) -> tuple[Int64s, Int64s]:
        """(query, id) for every live row equal to a query digest.

        Queries are searched in prefix order: the binary searches then walk the table in one
        direction and stay in cache, several times faster than random order.
        """
        prefixes = _prefixes(digests)
        by_prefix = np.argsort(prefixes)
        wanted = prefixes[by_prefix]
        lo = np.searchsorted(self._prefixes, wanted, side="left")
        counts = np.searchsorted(self._prefixes, wanted, side="right") - lo
        query = np.repeat(by_prefix, counts)
        at = np.repeat(lo - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))
        rows = self._order[at].astype(np.int64)
        same = (self.digests[rows] == digests[query]).all(axis=1) & self.alive[rows]
        return query[same], self.ids[rows[same]]


@dataclass(frozen=True, slots=True)
class ExactMatches:
    """(query index, id) pairs sorted by query then id."""

    query: Int64s
    ids: Int64s

    def __len__(self) -> int:
        return len(self.ids)

    def for_query(self, index: int) -> list[int]:
        lo, hi = np.searchsorted(self.query, [index, index + 1])
        return [int(i) for i in self.ids[lo:hi]]


class ExactIndex:
    """One hash type's digests with the caller's int ids; one digest may carry many ids."""

    def __init__(self, hash_type: HashType) -> None:
        if hash_type is HashType.PDQ:
            raise ValueError("PDQ is matched by distance: use PdqIndex")
        self.hash_type = hash_type
        self._segments = SegmentList(_ExactSegment)

    def __len__(self) -> int:
        return len(self._segments)

    @property
    def nbytes(self) -> int:
        return self._segments.nbytes

    def add(self, digests: Digests | Sequence[str], ids: npt.ArrayLike) -> None:
        """Add entries; an id already in the index (or twice in `ids`) is refused."""
        self._segments.add(self._as_digests(digests), ids)

    def remove(self, ids: npt.ArrayLike) -> int:
        """Withdraw entries by id; returns how many were live. Unknown ids are ignored."""
        return self._segments.remove(ids)

    def lookup(self, digests: Digests | Sequence[str]) -> ExactMatches:
        batch = self._as_digests(digests)
        parts = [segment.lookup(batch) for segment in self._segments]
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            return ExactMatches(empty, empty.copy())
        query = np.concatenate([p[0] for p in parts])
        ids = np.concatenate([p[1] for p in parts])
        order = np.lexsort((ids, query))
        return ExactMatches(query[order], ids[order])

    def _as_digests(self, digests: Digests | Sequence[str]) -> Digests:
        if isinstance(digests, np.ndarray):
            width = HEX_LENGTHS[self.hash_type] // 2
            if digests.ndim != 2 or digests.shape[1] != width:
                raise ValueError(f"digests must have shape (n, {width}), not {digests.shape}")
            return np.ascontiguousarray(digests, dtype=np.uint8)
        return digests_from_hex((d.lower() for d in digests), self.hash_type)


def _prefixes(digests: Digests) -> npt.NDArray[np.uint64]:
    head = np.ascontiguousarray(digests[:, :8])
    return head.view(">u8").reshape(-1).astype(np.uint64)
