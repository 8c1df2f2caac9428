"""Text as an array of code units, indexable like the string, for the numpy scans.

Text becomes an array by encoding it in the width CPython already stores it in (ASCII/Latin-1,
UCS-2 or UCS-4), so array offsets are string offsets. `narrow` gives one byte per character
whatever the text holds (anything beyond Latin-1 becomes `?`): what the bulk scans need is
ASCII (line breaks, digits, `: `, `@`), and a byte array is a quarter of a UCS-4 one to scan.
Encoding a UCS-4 chunk to UTF-32 measured three times the cost of this narrowing.
"""

from __future__ import annotations

import re
import sys
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

Units = NDArray[np.unsignedinteger[Any]]
Bools = NDArray[np.bool_]
PAD = 48  # zeros after the text, so reading a few units past any line start stays in bounds
TABLE = 0x20000  # every Unicode decimal digit and whitespace is below this
REPLACED = ord("?")


@cache
def tables() -> tuple[NDArray[np.int8], Bools]:
    """Digit values (-1 for none) and `\\s`-but-not-newline, by code point."""
    chars = "".join(map(chr, range(TABLE)))
    digits = np.full(TABLE + 1, -1, dtype=np.int8)
    for ch in re.findall(r"\d", chars):
        digits[ord(ch)] = int(ch)
    space = np.zeros(TABLE + 1, dtype=np.bool_)
    for ch in re.findall(r"\s", chars):
        space[ord(ch)] = ch != "\n"
    return digits, space


def units(text: str) -> Units:
    """`text` plus `PAD` NULs as an array of code points, indexable like the string."""
    padded = text + "\0" * PAD
    width = (sys.getsizeof(padded) - sys.getsizeof("")) / max(len(padded), 1)
    if width < 1.5:
        try:
            return np.frombuffer(padded.encode("latin-1"), dtype=np.uint8)
        except UnicodeEncodeError:
            pass
    if width < 3:
        raw = padded.encode("utf-16-le")
        if len(raw) == 2 * len(padded):  # no surrogate pairs, so offsets still match
            return np.frombuffer(raw, dtype=np.uint16)
    return np.frombuffer(padded.encode("utf-32-le"), dtype=np.uint32)




def narrow(text: str) -> NDArray[np.uint8]:
    """`text` plus `PAD` NULs, one byte per character: Latin-1, anything else as `?`."""
    data = (text + "\0" * PAD).encode("latin-1", "replace")
    return np.frombuffer(data, dtype=np.uint8)

