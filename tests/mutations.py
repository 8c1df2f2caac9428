"""Seeded byte mutations for the damaged-input tests: the one place files are cut, overwritten,
grown and copied into themselves.

Each test names a `Recipe`: which mutations, how often each is picked, and how many are applied
to one copy. `Recipe.mutants(data, seed, count)` gives `count` damaged copies, copy `index`
built from `random.Random(f"{seed}/{index}")`, so a failing copy can be rebuilt from its seed
and index alone. `Recipe.damage(data, rng)` damages one copy from a generator the test already
draws from (when the same generator also builds the input). Every mutation copes with empty
data, and the same seed always gives the same bytes.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

Mutation = Callable[[bytes, random.Random], bytes]
"""Returns a damaged copy of the bytes, drawing every choice from the generator."""

BOUNDARIES = (b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", b"\x7f\xff\xff\xff")
"""32-bit values at the edges of sizes, counts, dimensions and offsets."""


def truncate(data: bytes, rng: random.Random) -> bytes:
    """The end cut off: at least the last byte goes."""
    return data[:rng.randrange(len(data))] if data else data


def overwrite(most: int = 1) -> Mutation:
    """Between one and `most` bytes, each at a random place, set to random values."""

    def mutate(data: bytes, rng: random.Random) -> bytes:
        damaged = bytearray(data)
        for _ in range(rng.randint(1, most)):
            if damaged:
                damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        return bytes(damaged)

    return mutate


def insert(pool: Sequence[bytes], pieces: int = 1) -> Mutation:
    """`pieces` snippets drawn from `pool`, joined and inserted at a random place."""

    def mutate(data: bytes, rng: random.Random) -> bytes:
        at = rng.randrange(len(data) + 1)
        return data[:at] + b"".join(rng.choice(pool) for _ in range(pieces)) + data[at:]

    return mutate


def insert_random(most: int) -> Mutation:
    """Between one and `most` random bytes inserted at a random place."""

    def mutate(data: bytes, rng: random.Random) -> bytes:
        at = rng.randrange(len(data) + 1)
        return data[:at] + rng.randbytes(rng.randint(1, most)) + data[at:]

    return mutate


def delete(most: int) -> Mutation:
    """Between one and `most` bytes removed from a random place."""

    def mutate(data: bytes, rng: random.Random) -> bytes:
        at = rng.randrange(max(1, len(data)))  # a byte that is there, so one always goes
        return data[:at] + data[at + rng.randint(1, most):]

    return mutate


def duplicate(most: int) -> Mutation:
    """A run of up to `most` of the file's own bytes copied in at a random place."""

    def mutate(data: bytes, rng: random.Random) -> bytes:
        at, start = rng.randrange(len(data) + 1), rng.randrange(max(1, len(data)))
        return data[:at] + data[start:start + rng.randint(1, most)] + data[at:]

    return mutate


def extreme(data: bytes, rng: random.Random) -> bytes:
    """A 32-bit field somewhere set to a boundary: sizes, counts, dimensions, offsets."""
    at = rng.randrange(max(1, len(data) - 3))  # the last field too (a zip's end record)
    return data[:at] + rng.choice(BOUNDARIES) + data[at + 4:]


def swap_header(headers: Sequence[bytes]) -> Mutation:
    """The file's first bytes replaced by another format's signature from `headers`."""

    def mutate(data: bytes, rng: random.Random) -> bytes:
        header = rng.choice(headers)
        return header + data[len(header):]

    return mutate


def flipped(data: bytes, at: int, mask: int = 0x01) -> bytes:
    """`data` with the bits of `mask` flipped in byte `at`: one changed byte, nothing random."""
    damaged = bytearray(data)
    damaged[at] ^= mask
    return bytes(damaged)


@dataclass(frozen=True)
class Recipe:
    """Between `rounds[0]` and `rounds[1]` of `mutations` applied in turn to one copy, each
    picked evenly or, given `weights`, in those proportions."""

    mutations: tuple[Mutation, ...]
    rounds: tuple[int, int] = (1, 1)
    weights: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        assert self.mutations and 1 <= self.rounds[0] <= self.rounds[1]
        assert self.weights is None or len(self.weights) == len(self.mutations)

    def damage(self, data: bytes, rng: random.Random) -> bytes:
        for _ in range(rng.randint(*self.rounds)):
            if self.weights is None:
                mutation = rng.choice(self.mutations)
            else:
                mutation = rng.choices(self.mutations, self.weights)[0]
            data = mutation(data, rng)
        return data

    def mutants(self, data: bytes, seed: int | str, count: int) -> Iterator[bytes]:
        """`count` damaged copies of `data`; the same seed gives the same copies."""
        for index in range(count):
            yield self.damage(data, random.Random(f"{seed}/{index}"))
