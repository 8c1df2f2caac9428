"""Exact range search over a fixed set of PDQ codes by multi-index hashing.

Why this is exact: split the 256 bits into m chunks and give chunk i a flip budget t_i with
Σ(t_i + 1) = r + 1. If a code is within r of the query, some chunk i differs in at most t_i bits
(otherwise the distance would be at least Σ(t_i + 1) > r) — the pigeonhole principle. So probing,
for every chunk, each bucket whose key is within t_i bits of the query's chunk finds every code
within r; each candidate is then verified on all 256 bits, so nothing beyond r is returned.

Buckets are compressed-sparse-row tables (`offsets` addressed directly by the chunk's value,
`rows` sorted by it): a probe is two array reads and there is no hash map per entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from math import comb

import numpy as np
import numpy.typing as npt

from nigehbaan.matching.pdq_codes import PDQ_BITS, WORDS, Codes

Int64s = npt.NDArray[np.int64]
Hits = tuple[Int64s, Int64s, Int64s]
"""(query index, row, distance) arrays of equal length."""

# Rough per-element costs in nanoseconds on the development machine (a probe and a candidate
# each cost about one cache miss on large sets); they only steer the choice of layout.
_PROBE_NS = 20.0
_CANDIDATE_NS = 30.0
_SCAN_NS = 3.0
# Direct-addressed bucket tables stay within 4 offsets per code (and never over 2^24 buckets).
_MAX_BUCKETS_PER_CODE = 4


@dataclass(frozen=True, slots=True)
class Chunk:
    """Bits [start, start + bits) of the 256, read from word `start // 64` and maybe the next."""

    start: int
    bits: int
    flips: int

    def keys(self, codes: Codes) -> Int64s:
        word, shift = divmod(self.start, 64)
        value = codes[:, word] >> np.uint64(shift)
        if shift + self.bits > 64:
            value = value | (codes[:, word + 1] << np.uint64(64 - shift))
        return (value & np.uint64((1 << self.bits) - 1)).astype(np.int64)


def plan_chunks(count: int, radius: int) -> list[Chunk]:
    """Cut the 256 bits into `count` chunks and share the flip budget; wider chunks get more.

    When r + 1 is smaller than the number of chunks, some chunks get no budget and are unused.
    """
    base, rest = divmod(PDQ_BITS, count)
    widths = [base + 1] * rest + [base] * (count - rest)
    starts = [sum(widths[:i]) for i in range(count)]
    per, extra = divmod(radius + 1, count)
    planned = [
        Chunk(start, bits, per if i < extra else per - 1)
        for i, (start, bits) in enumerate(zip(starts, widths, strict=True))
    ]
    return [c for c in planned if c.flips >= 0]


def _probes(chunk: Chunk) -> int:
    return sum(comb(chunk.bits, k) for k in range(chunk.flips + 1))


def expected_candidates(chunks: list[Chunk], size: int) -> float:
    """Candidates one query verifies on `size` uniformly random codes."""
    return sum(_probes(c) * size / (1 << c.bits) for c in chunks)


def estimated_ns(chunks: list[Chunk], size: int) -> float:
    """Expected time of one query on `size` uniformly random codes."""
    probes = sum(_probes(c) for c in chunks)
    return probes * _PROBE_NS + expected_candidates(chunks, size) * _CANDIDATE_NS


def best_chunks(size: int, radius: int) -> list[Chunk] | None:
    """The cheapest layout for this size and radius, or None when a scan is cheaper."""
    max_bits = min(24, max(16, (size * _MAX_BUCKETS_PER_CODE).bit_length() - 1))
    layouts = [plan_chunks(count, radius) for count in range(8, 33)]
    layouts = [c for c in layouts if c and max(ch.bits for ch in c) <= max_bits]
    best = min(layouts, key=lambda c: estimated_ns(c, size), default=None)
    if best is None or estimated_ns(best, size) >= _SCAN_NS * size:
        return None
    return best


@lru_cache(maxsize=64)
def flip_masks(bits: int, flips: int) -> Int64s:
    """Every value of `bits` bits with at most `flips` bits set (0 first)."""
    masks = [0]
    for k in range(1, flips + 1):
        masks.extend(sum(1 << b for b in combo) for combo in combinations(range(bits), k))
    array = np.array(masks, dtype=np.int64)
    array.flags.writeable = False
    return array


class MihSearcher:
    """Multi-index hashing tables over one immutable code array."""

    __slots__ = ("_chunks", "_codes", "_offsets", "_rows")

    def __init__(self, codes: Codes, chunks: list[Chunk]) -> None:
        self._codes = codes
        self._chunks = chunks
        self._offsets: list[npt.NDArray[np.uint32]] = []
        self._rows: list[npt.NDArray[np.uint32]] = []
        for chunk in chunks:
            keys = chunk.keys(codes)
            counts = np.bincount(keys, minlength=1 << chunk.bits)
            offsets = np.zeros(len(counts) + 1, dtype=np.uint32)
            np.cumsum(counts, out=offsets[1:])
            self._offsets.append(offsets)
            self._rows.append(np.argsort(keys, kind="stable").astype(np.uint32))

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in self._offsets) + sum(a.nbytes for a in self._rows)

    def search(self, queries: Codes, radius: int) -> Hits:
        """Every (query, row) within `radius`, each pair once, unordered."""
        found: list[Hits] = []
        for chunk, offsets, rows in zip(self._chunks, self._offsets, self._rows, strict=True):
            q, r = _candidates(chunk, offsets, rows, queries)
            found.append(verify(self._codes, queries, q, r, radius))
        return unique_hits(found, len(self._codes))


def verify(codes: Codes, queries: Codes, q: Int64s, r: Int64s, radius: int) -> Hits:
    """Keep the (query, row) pairs within `radius`, with their distance.

    Reads word by word from the flat arrays (one-dimensional `take` is several times faster than
    gathering 32-byte rows) and drops most random candidates after the first two words, whose
    distance alone is then already far beyond any useful radius.
    """
    flat, qflat = codes.reshape(-1), queries.reshape(-1)
    at, qat = r * WORDS, q * WORDS
    dist = np.zeros(len(r), dtype=np.int64)
    for word in range(WORDS):
        if word == 2:
            keep = np.flatnonzero(dist <= radius)
            q, r, dist, at, qat = q[keep], r[keep], dist[keep], at[keep], qat[keep]
        xor = np.take(flat, at + word) ^ np.take(qflat, qat + word)
        dist += np.bitwise_count(xor)
    keep = np.flatnonzero(dist <= radius)
    return q[keep], r[keep], dist[keep]


def _candidates(
    chunk: Chunk, offsets: npt.NDArray[np.uint32], rows: npt.NDArray[np.uint32], queries: Codes
) -> tuple[Int64s, Int64s]:
    """(query, row) for every code in every probed bucket of this chunk."""
    masks = flip_masks(chunk.bits, chunk.flips)
    probes = (chunk.keys(queries)[:, None] ^ masks[None, :]).ravel()
    starts = np.take(offsets, probes)
    counts = np.take(offsets, probes + 1) - starts
    nonempty = np.flatnonzero(counts)
    starts = np.take(starts, nonempty).astype(np.int64)
    counts = np.take(counts, nonempty).astype(np.int64)
    run_starts = np.cumsum(counts) - counts
    positions = np.repeat(starts - run_starts, counts) + np.arange(int(counts.sum()))
    query_of = np.repeat(nonempty // len(masks), counts)
    return query_of, np.take(rows, positions).astype(np.int64)


def unique_hits(parts: list[Hits], rows: int) -> Hits:
    """Join partial results, dropping a pair found through more than one chunk."""
    q, r, d = (np.concatenate([p[i] for p in parts]) for i in range(3))
    _, first = np.unique(q * rows + r, return_index=True)
    return q[first], r[first], d[first]
