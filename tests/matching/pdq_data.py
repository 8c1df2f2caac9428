"""Random PDQ codes with near-duplicates planted at chosen distances (generated, never media)."""

from __future__ import annotations

import numpy as np

from nigehbaan.matching.pdq_codes import Codes


def random_codes(rng: np.random.Generator, count: int) -> Codes:
    return np.frombuffer(rng.bytes(count * 32), dtype=np.uint64).reshape(count, 4).copy()


def flip_bits(rng: np.random.Generator, code: Codes, count: int) -> Codes:
    """A copy of one code with exactly `count` distinct bits flipped."""
    bits = np.unpackbits(code.reshape(1, 4).view(np.uint8), axis=1)
    where = rng.choice(256, size=count, replace=False)
    bits[0, where] ^= 1
    return np.packbits(bits, axis=1).view(np.uint64).reshape(1, 4)


def planted(rng: np.random.Generator, base: Codes, distances: list[int]) -> tuple[Codes, list[int]]:
    """One near-duplicate of a random base row per distance; returns them and the base rows."""
    rows = rng.integers(0, len(base), len(distances)).tolist()
    pairs = zip(rows, distances, strict=True)
    codes = np.concatenate([flip_bits(rng, base[r], d) for r, d in pairs])
    return codes, rows
