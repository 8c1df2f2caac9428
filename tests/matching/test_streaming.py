"""Big lists: streamed in bounded memory, duplicates reported with their lines."""

import io
import tracemalloc
from collections.abc import Iterator

import numpy as np

from nigehbaan.matching.duplicates import DuplicateFinder
from nigehbaan.matching.entry import HashEntry
from nigehbaan.matching.formats import get_format
from nigehbaan.matching.hashes import HashType

LINES = 1_000_000


class GeneratedList(io.RawIOBase):
    """A plain list of LINES random MD5s produced on demand, never held whole in memory."""

    def __init__(self, seed: int, lines: int) -> None:
        self._rng = np.random.default_rng(seed)
        self._left = lines
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while len(self._pending) < len(buffer) and self._left:
            batch = min(self._left, 4096)
            self._left -= batch
            rows = np.frombuffer(self._rng.bytes(16 * batch).hex().encode(), "S32")
            self._pending += b"\n".join(rows.tolist()) + b"\n"
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count


def plain_list(lines: int) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BufferedReader(GeneratedList(1, lines)), encoding="ascii")


def peak_while_reading(lines: int) -> int:
    tracemalloc.start()
    try:
        assert sum(1 for _ in get_format("plain").read(plain_list(lines))) == lines
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reading_memory_does_not_grow_with_the_list() -> None:
    small, large = peak_while_reading(10_000), peak_while_reading(80_000)
    assert large < 1024 * 1024, f"peak {large} bytes: the reader holds more than a few entries"
    assert large < small * 1.5, f"peak grew from {small} to {large} bytes with 8x the lines"


def test_a_million_line_list_is_read_to_the_end() -> None:
    assert sum(1 for _ in get_format("plain").read(plain_list(LINES))) == LINES


def entries(values: list[str]) -> Iterator[HashEntry]:
    for line, value in enumerate(values, start=2):
        yield HashEntry(HashType.MD5, value, f"line {line}")


def test_duplicates_are_reported_with_every_line() -> None:
    a, b, c = "a" * 32, "b" * 32, "c" * 32
    finder = DuplicateFinder()
    for entry in entries([a, b, a, c, a, b]):
        finder.add(entry)
    found = {d.value_prefix: d.lines for d in finder.duplicates()}
    assert found == {a: (2, 4, 6), b: (3, 7)}


def test_same_digits_of_different_types_are_not_duplicates() -> None:
    finder = DuplicateFinder()
    finder.add(HashEntry(HashType.SHA256, "ab" * 32, "line 1"))
    finder.add(HashEntry(HashType.PDQ, "ab" * 32, "line 2"))
    assert finder.duplicates() == []
