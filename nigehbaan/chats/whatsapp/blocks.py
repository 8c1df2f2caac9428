"""Which headers start a message, when a typed line can look exactly like a header.

A header-shaped line whose time runs backwards is held as a *suspect*: if a later header brings
time forward again, the suspect was text typed (or pasted) inside the message and stays part of
it, so time stays monotonic. If several suspects pile up, time really went back (a clock or
daylight-saving change): the first suspect becomes a message after all and the headers after it
are read again. Either way the analyst gets a warning naming the line.

Time almost always runs forward, so the rule runs in Python only from each place where it does
not (found for the whole chunk at once with numpy) until the messages are back in order; every
other header simply starts a message.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

_MAX_SUSPECTS = 3


def block_starts(
    stamps: NDArray[np.int64], lines: list[int], warn: Callable[[str], None], final: bool
) -> tuple[NDArray[np.bool_], int]:
    """For headers in file order (times `stamps`, line numbers `lines`): which start a message,
    and how many suspects the last message still holds (settled only when `final`)."""
    n = len(stamps)
    starts = np.ones(n, dtype=np.bool_)
    back = np.flatnonzero(stamps[1:] < stamps[:-1]) + 1
    if not len(back):
        return starts, 0
    times = stamps.tolist()
    b = 0
    suspects: list[int] = []
    current = 0
    while b < len(back):
        index = int(back[b])
        if index <= current:
            b += 1
            continue
        current = index - 1
        while index < n:
            if times[index] >= times[current]:
                _settle(suspects, current, lines, warn)
                suspects = []
                current = index
                index += 1
                if index < n and times[index] >= times[current]:
                    break
                continue
            starts[index] = False
            suspects.append(index)
            index += 1
            if len(suspects) > _MAX_SUSPECTS:
                first = suspects[0]
                warn(f"line {lines[first]}: time runs backwards; read as a new message")
                starts[first:index] = True
                suspects = []
                current = first
                index = first + 1
        if index >= n:
            break
        b += 1
    if final:
        _settle(suspects, current, lines, warn)
        suspects = []
    return starts, len(suspects)


def _settle(
    suspects: list[int], current: int, lines: list[int], warn: Callable[[str], None]
) -> None:
    for index in suspects:
        warn(
            f"line {lines[index]}: header-shaped line with an earlier time "
            f"kept as text of the message at line {lines[current]}"
        )
