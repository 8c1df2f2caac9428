"""Find entries that repeat a hash within one list, for the import report.

Duplicates are reported, not fatal: agencies' lists legitimately hold one hash under two records
(one Media per file path, a re-categorised item), and refusing such a list would leave the unit
without it. The report names the lines so the list's owner can clean it.

Memory is 32 bytes an entry in flat arrays (16 bytes of the hash, its type, its line) instead of
a set of strings, so a list of ten million entries costs about 320 MB, not several GB. Equal
16-byte prefixes are treated as equal hashes: for MD5 that is exact, for the longer hashes a
false report would need a 128-bit collision.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass

import numpy as np

from nigehbaan.matching.entry import HashEntry
from nigehbaan.matching.hashes import HashType

_LINE = re.compile(r"line (\d+)")
_TYPES = list(HashType)


@dataclass(frozen=True, slots=True)
class Duplicate:
    hash_type: HashType
    value_prefix: str
    """The first 32 hex digits (the whole hash for MD5)."""
    lines: tuple[int, ...]
    """Lines of every occurrence, first one first; 0 where the position names no line."""


class DuplicateFinder:
    def __init__(self) -> None:
        self._high = array("Q")
        self._low = array("Q")
        self._type = array("B")
        self._line = array("Q")

    def add(self, entry: HashEntry) -> None:
        head = entry.value[:32].ljust(32, "0")
        self._high.append(int(head[:16], 16))
        self._low.append(int(head[16:], 16))
        self._type.append(_TYPES.index(entry.hash_type))
        found = _LINE.search(entry.position)
        self._line.append(int(found.group(1)) if found else 0)

    def duplicates(self) -> list[Duplicate]:
        high, low = np.frombuffer(self._high, np.uint64), np.frombuffer(self._low, np.uint64)
        kind, lines = np.frombuffer(self._type, np.uint8), np.frombuffer(self._line, np.uint64)
        if len(high) == 0:
            return []
        order = np.lexsort((np.arange(len(high)), low, high, kind))
        key = np.stack([kind[order].astype(np.uint64), high[order], low[order]], axis=1)
        starts = np.flatnonzero(np.r_[True, (key[1:] != key[:-1]).any(axis=1)])
        sizes = np.diff(np.r_[starts, len(order)])
        return [
            Duplicate(
                _TYPES[int(key[s, 0])],
                f"{int(key[s, 1]):016x}{int(key[s, 2]):016x}",
                tuple(int(x) for x in lines[order[s : s + n]]),
            )
            for s, n in zip(starts, sizes, strict=True)
            if n > 1
        ]
