"""PDQ hashes as numpy words, Hamming distances, and the brute-force reference search.

A PDQ hash is 256 bits; stored as four native uint64 words per hash, so a distance is four XORs
and four popcounts. Word byte order does not matter for Hamming distance as long as every code
is converted the same way, which these functions guarantee.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

Codes = npt.NDArray[np.uint64]
"""Shape (n, 4): one row of four uint64 words per hash."""

PDQ_BITS = 256
WORDS = 4
DEFAULT_RADIUS = 31


def codes_from_hex(hexes: Iterable[str]) -> Codes:
    """Convert 64-digit hex strings in one pass (`bytes.fromhex` over the joined text)."""
    items = list(hexes)
    if any(len(h) != 64 for h in items):
        raise ValueError("a PDQ hash is 64 hex digits")
    raw = bytes.fromhex("".join(items))
    return np.frombuffer(raw, dtype=np.uint64).reshape(-1, WORDS).copy()


def codes_from_bits(bits: npt.ArrayLike) -> Codes:
    """From pdqhash's output: an array of 256 0/1 values per hash (row-major, first bit first)."""
    array = np.asarray(bits, dtype=np.uint8).reshape(-1, PDQ_BITS)
    packed = np.packbits(array, axis=1)
    return np.ascontiguousarray(packed).view(np.uint64).reshape(-1, WORDS)


def codes_to_hex(codes: Codes) -> list[str]:
    raw = np.ascontiguousarray(codes, dtype=np.uint64).tobytes().hex()
    return [raw[i : i + 64] for i in range(0, len(raw), 64)]


def distances(a: Codes, b: Codes) -> npt.NDArray[np.int64]:
    """Row-wise Hamming distance of two equally long code arrays (or one row broadcast)."""
    result: npt.NDArray[np.int64] = np.bitwise_count(np.bitwise_xor(a, b)).sum(
        axis=-1, dtype=np.int64
    )
    return result


def brute_force_search(
    codes: Codes, queries: Codes, radius: int = DEFAULT_RADIUS, block: int = 1 << 16
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Every (query, row, distance) with distance ≤ radius, sorted by query then row.

    The exactness reference for the indexes and the machine's yardstick: it scans everything in
    blocks of rows so the (queries × block) distance matrix stays small.
    """
    found: list[tuple[npt.NDArray[np.int64], ...]] = []
    for start in range(0, len(codes), block):
        part = codes[start : start + block]
        dist = np.zeros((len(queries), len(part)), dtype=np.int64)
        for word in range(WORDS):
            xor = np.bitwise_xor(queries[:, word, None], part[None, :, word])
            dist += np.bitwise_count(xor)
        q, r = np.nonzero(dist <= radius)
        found.append((q.astype(np.int64), r.astype(np.int64) + start, dist[q, r]))
    return _sorted(found)


def _sorted(
    parts: Sequence[tuple[npt.NDArray[np.int64], ...]],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), empty.copy()
    q, r, d = (np.concatenate([p[i] for p in parts]) for i in range(3))
    order = np.lexsort((r, q))
    return q[order], r[order], d[order]
