"""Finding WhatsApp headers for every line of a chunk at once, with numpy.

Why not a regex: over a 200,000-message export, `re` costs 200-400 ms just to find the headers
(`finditer`, `split` or a per-line `match`: the engine steps through each character in Python's
bytecode-like VM), more than our whole time budget. The header grammar (`headers.HEADERS`) is
short and regular, so each of its elements (digits, a separator, a space, `klo`, AM/PM) is
checked for every line in one array operation: about forty of them per chunk, whatever its size.

The scan mirrors `HEADERS` exactly, including Unicode digits and every whitespace `\\s` matches
except the newline (a header never spans lines); `test_scan_agrees_with_regex` holds it to that.
Text becomes an array of code points by encoding it in the width CPython already stores it in
(ASCII/Latin-1, UCS-2 or UCS-4), so array offsets are string offsets.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nigehbaan.chats.whatsapp.headers import Layout

Ints = NDArray[np.int64]
Units = NDArray[np.unsignedinteger[Any]]
Bools = NDArray[np.bool_]
PAD = 48  # zeros after the text, so reading a few units past any line start stays in bounds
_TABLE = 0x20000  # every Unicode decimal digit and whitespace is below this
_LRM = 0x200E


@cache
def _tables() -> tuple[NDArray[np.int8], Bools]:
    """Digit values (-1 for none) and `\\s`-but-not-newline, by code point."""
    chars = "".join(map(chr, range(_TABLE)))
    digits = np.full(_TABLE + 1, -1, dtype=np.int8)
    for ch in re.findall(r"\d", chars):
        digits[ord(ch)] = int(ch)
    space = np.zeros(_TABLE + 1, dtype=np.bool_)
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
        self.digit_of, self.space_of = _tables()

    def at(self, offset: int = 0, pos: Ints | None = None) -> Ints:
        where = self.pos if pos is None else pos
        return np.minimum(self.u[where + offset].astype(np.int64), _TABLE)

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


class Template:
    """One exact header shape (`"00/00/0000, 00:00 - "`: 0 is any ASCII digit, M is an AM/PM
    letter), matched for all lines in one 2-D comparison of their first characters.

    A shape is taken from lines the full scan matched, so a line with that shape takes the same
    path through `HEADERS` (greedy digit runs end where the shape's next literal begins).
    Typically one or two shapes cover every header of an export.
    """

    def __init__(self, shape: str, encoding: str | None = None) -> None:
        self.shape = shape
        data = shape.encode(encoding) if encoding else shape
        codes = list(data) if isinstance(data, bytes) else [ord(ch) for ch in data]
        self.width = len(codes)
        zero, mark = (ord("0"), ord("M"))
        self.digit_cols = [i for i, c in enumerate(codes) if c == zero]
        self.mark_cols = [i for i, c in enumerate(codes) if c == mark and i + 1 < len(codes)
                          and codes[i + 1] in (ord("M"), ord("m"), ord("."), 32, 0xA0, 0x202F)]
        self.lit_cols = [i for i in range(len(codes))
                         if i not in self.digit_cols and i not in self.mark_cols]
        lo = np.array(codes, dtype=np.int64)
        hi = lo.copy()
        lo[self.digit_cols], hi[self.digit_cols] = ord("0"), ord("9")
        lo[self.mark_cols], hi[self.mark_cols] = ord("A"), ord("p")
        self.lo, self.hi = lo, hi
        runs: list[list[int]] = []
        for i in self.digit_cols:
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        self.runs = runs[:6]
        self.a_digits = len(runs[0]) if runs else 0

    @staticmethod
    def shape_of(header: str) -> str:
        shape = ["0" if "0" <= ch <= "9" else ch for ch in header]
        for i, ch in enumerate(header):
            if ch in "AaPp":
                shape[i] = "M"
        return "".join(shape)

    def match(self, rows: Units) -> tuple[Bools, list[Ints], Ints]:
        """Rows (lines' first units, `rows_at`) with this shape; their six fields; AM/PM."""
        sub = rows[:, : self.width]
        if self.hi.max() > np.iinfo(sub.dtype).max:
            return np.zeros(len(sub), dtype=np.bool_), [], np.zeros(len(sub), dtype=np.int64)
        lo, hi = self.lo.astype(sub.dtype), self.hi.astype(sub.dtype)
        ok: Bools = np.asarray(((sub >= lo) & (sub <= hi)).all(axis=1))
        ap: Ints = np.zeros(len(sub), dtype=np.int64)
        for col in self.mark_cols:
            letter = sub[:, col] | 32
            ok &= (letter == ord("a")) | (letter == ord("p"))
            ap = np.where(letter == ord("p"), 2, 1)
        if not ok.any():
            return ok, [], ap
        sub, ap = sub[ok], ap[ok]
        fields = []
        for run in self.runs:
            value = sub[:, run[0]].astype(np.int64) - 48
            for col in run[1:]:
                value = value * 10 + sub[:, col] - 48
            fields.append(value)
        while len(fields) < 6:
            fields.append(np.zeros(len(sub), dtype=np.int64))
        return ok, fields, ap


def rows_at(u: Units, starts: Ints, width: int) -> Units:
    """The first `width` units of each line as a contiguous 2-D array.

    Each row is copied as one opaque `width`-unit record (a memcpy per line): indexing a
    `sliding_window_view` instead copies unit by unit and measured ten times slower.
    """
    size = u.itemsize * width
    view = np.lib.stride_tricks.as_strided(
        u.view(np.uint8), shape=(len(u) - width + 1, size), strides=(u.itemsize, 1),
        writeable=False,
    )
    picked = view.view(np.dtype((np.void, size)))[starts, 0]
    rows: Units = picked.view(u.dtype).reshape(len(starts), width)
    return rows


def scan_fast(
    u: Units, starts: Ints, layout: Layout, templates: list[Template]
) -> Heads:
    """`scan`, with the lines of known shapes read by their `Template` and the rest scanned."""
    n = len(starts)
    width = max((t.width for t in templates), default=0)
    zeros = [np.zeros(n, dtype=np.int64) for _ in range(9)]
    heads = Heads(np.zeros(n, dtype=np.bool_), *zeros)
    left = np.arange(n)
    if width:
        window = rows_at(u, starts, width)
        for template in templates:
            ok, fields, ap = template.match(window[left])
            if not fields:
                continue
            rows = left[ok]
            heads.ok[rows] = True
            heads.end[rows] = starts[rows] + template.width
            for name, values in zip(("a", "b", "c", "h", "m", "s"), fields, strict=True):
                getattr(heads, name)[rows] = values
            heads.a_digits[rows] = template.a_digits
            heads.ap[rows] = ap
            left = left[~ok]
    if len(left):
        rest = scan(u, starts[left], layout)
        for name in ("ok", "end", "a", "b", "c", "a_digits", "h", "m", "s", "ap"):
            getattr(heads, name)[left] = getattr(rest, name)
    return heads


def templates_from(text: str, layout: Layout, limit: int = 4) -> list[Template]:
    """The commonest header shapes among the lines of `text` (an export's first lines)."""
    u = units(text)
    starts = np.concatenate(([0], np.flatnonzero(u[: len(text)] == 10) + 1)).astype(np.int64)
    heads = scan(u, starts, layout)
    counts: dict[str, int] = {}
    for start, end in zip(starts[heads.ok].tolist(), heads.end[heads.ok].tolist(), strict=True):
        shape = Template.shape_of(text[start:end])
        counts[shape] = counts.get(shape, 0) + 1
    ranked = sorted(counts, key=lambda k: -counts[k])[:limit]
    return [Template(shape) for shape in ranked if counts[shape] >= 2]


_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def seconds(heads: Heads, order: str) -> tuple[Bools, Ints]:
    """Which headers name a real time in `order`, and that time in seconds since 1970.

    Same rules as `datetime(...)` after `headers.StampReader`'s conversion: two-digit years are
    20xx, AM/PM folds the hour, and an impossible date means the line is not a header.
    """
    a, b, c = heads.a, heads.b, heads.c
    if order == "ymd":
        year, month, day = a, b, c
    elif order == "dmy":
        year, month, day = c, b, a
    else:
        year, month, day = c, a, b
    year = np.where(year < 100, year + 2000, year)
    hour = np.where(heads.ap > 0, heads.h % 12 + 12 * (heads.ap == 2), heads.h)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    last = _DAYS[np.where(month_ok, month, 0)] + (leap & (month == 2))
    valid = heads.ok & month_ok & (day >= 1) & (day <= last) & (year >= 1) & (year <= 9999)
    valid &= (hour < 24) & (heads.m < 60) & (heads.s < 60)
    # days from civil (H. Hinnant), vectorised
    y = year - (month <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = (month + 9) % 12
    doy = (153 * mp + 2) // 5 + day - 1
    days = era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
    return valid, days * 86400 + hour * 3600 + heads.m * 60 + heads.s
