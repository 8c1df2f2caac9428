"""Finding WhatsApp headers for every line of a chunk at once, with numpy.

Why not a regex: over a 200,000-message export, `re` costs 200-400 ms just to find the headers
(`finditer`, `split` or a per-line `match`: the engine steps through each character in Python's
bytecode-like VM), more than our whole time budget. The header grammar (`headers.HEADERS`) is
short and regular, so each of its elements (digits, a separator, a space, `klo`, AM/PM) is
checked for every line in one array operation: about forty of them per chunk, whatever its size.

The scan mirrors `HEADERS` exactly, including Unicode digits and every whitespace `\\s` matches
except the newline (a header never spans lines); `test_scan_agrees_with_regex` holds it to that.
Most lines are read faster by their shape (`templates`); this is the general case.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nigehbaan.chats.whatsapp.codes import PAD, TABLE, Bools, Units, tables
from nigehbaan.chats.whatsapp.headers import Layout

Ints = NDArray[np.int64]
_LRM = 0x200E


@dataclass
class Heads:
    """Per line: whether it is header-shaped, where its `rest` starts, and the raw fields."""

    ok: Bools
    end: Ints
    a: Ints
    b: Ints
    c: Ints
    a_digits: Ints
    h: Ints
    m: Ints
    s: Ints
    ap: Ints  # 0 no marker, 1 AM, 2 PM


class _Cursor:
    """One position per line, advanced element by element; `ok` drops lines that fail."""

    def __init__(self, u: Units, starts: Ints) -> None:
        self.u = u
        self.pos = starts.copy()
        self.ok = np.ones(len(starts), dtype=np.bool_)
        self.digit_of, self.space_of = tables()

    def at(self, offset: int = 0, pos: Ints | None = None) -> Ints:
        where = self.pos if pos is None else pos
        return np.minimum(self.u[where + offset].astype(np.int64), TABLE)

    def skip_lrm(self) -> None:
        for _ in range(PAD // 2):
            lrm = self.at() == _LRM
            if not lrm.any():
                return
            self.pos += lrm

    def char(self, chars: str, optional: bool = False) -> Bools:
        found = np.isin(self.at(), [ord(ch) for ch in chars])
        if not optional:
            self.ok &= found
        self.pos += found
        return found

    def space(self, optional: bool = False, pos: Ints | None = None) -> Bools:
        found = self.space_of[self.at(0, pos)]
        if pos is not None:
            return found
        if not optional:
            self.ok &= found
        self.pos += found
        return found

    def digits(self, low: int, high: int) -> tuple[Ints, Ints]:
        """A greedy run of `low`..`high` digits: its value and its length."""
        value = np.zeros(len(self.pos), dtype=np.int64)
        count = np.zeros(len(self.pos), dtype=np.int64)
        going = np.ones(len(self.pos), dtype=np.bool_)
        for _ in range(high):
            digit = self.digit_of[self.at()].astype(np.int64)
            going &= digit >= 0
            value = np.where(going, value * 10 + digit, value)
            count += going
            self.pos += going
        self.ok &= count >= low
        return value, count


def scan(u: Units, starts: Ints, layout: Layout) -> Heads:
    """Match `HEADERS[layout]` at every line start (after any left-to-right marks)."""
    cur = _Cursor(u, starts)
    cur.skip_lrm()
    if layout == "ios":
        cur.char("[")
    a, a_digits = cur.digits(1, 4)
    cur.char("./-")
    b, _ = cur.digits(1, 2)
    cur.char("./-")
    c, _ = cur.digits(1, 4)
    cur.char(",", optional=True)
    cur.space()
    if layout == "android":
        klo = (cur.at() == ord("k")) & (cur.at(1) == ord("l")) & (cur.at(2) == ord("o"))
        klo &= cur.space(pos=cur.pos + 3)
        cur.pos += 4 * klo
    h, _ = cur.digits(1, 2)
    cur.char(":.")
    m, _ = cur.digits(2, 2)
    s = _seconds(cur)
    ap = _marker(cur)
    if layout == "android":
        cur.space()
        cur.char("-\u2013")
    else:
        cur.char("]")
    cur.space()
    return Heads(cur.ok, cur.pos, a, b, c, a_digits, h, m, s, ap)


def _seconds(cur: _Cursor) -> Ints:
    colon = np.isin(cur.at(), [ord(":"), ord(".")])
    tens, ones = cur.digit_of[cur.at(1)], cur.digit_of[cur.at(2)]
    found = colon & (tens >= 0) & (ones >= 0)
    cur.pos += 3 * found
    return np.where(found, tens.astype(np.int64) * 10 + ones, 0)


def _marker(cur: _Cursor) -> Ints:
    """`\\s?[AaPp]\\.?\\s?[Mm]\\.?`, taken greedily: what follows it can never backtrack into it."""
    p = cur.pos + cur.space(pos=cur.pos)
    first = cur.at(0, p)
    pm = np.isin(first, [ord("P"), ord("p")])
    found = pm | np.isin(first, [ord("A"), ord("a")])
    p = p + 1
    p = p + (cur.at(0, p) == ord("."))
    p = p + cur.space(pos=p)
    found &= np.isin(cur.at(0, p), [ord("M"), ord("m")])
    p = p + 1
    p = p + (cur.at(0, p) == ord("."))
    cur.pos = np.where(found, p, cur.pos)
    return np.where(found, np.where(pm, 2, 1), 0)
