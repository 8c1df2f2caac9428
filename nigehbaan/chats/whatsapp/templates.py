"""Reading header-shaped lines by their exact shape, the common case of a header scan.

A shape (`"00/00/0000, 00:00 - "`) is taken from lines the full scan matched in the export's
first lines; one or two shapes typically cover every header of an export, and all lines are
compared with a shape in one 2-D array operation. Lines of no known shape go to `scan.scan`.
"""

from __future__ import annotations

import numpy as np

from nigehbaan.chats.whatsapp.codes import Bools, Units, units
from nigehbaan.chats.whatsapp.headers import Layout
from nigehbaan.chats.whatsapp.scan import Heads, Ints, scan


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
        self.latin1 = int(hi.max(initial=0)) < 256
        """Whether the shape reads the same in `codes.narrow` form."""
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
    u: Units, starts: Ints, layout: Layout, templates: list[Template], text: str | None = None
) -> Heads:
    """`scan`, with the lines of known shapes read by their `Template` and the rest scanned.

    With `text`, `u` is its `codes.narrow` form: lines of no known shape that could start a
    header (a digit, `[`, or a character beyond Latin-1 such as a left-to-right mark or a
    non-ASCII digit) are scanned from their real characters; no other line can be a header.
    """
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
    if len(left) and text is not None:
        left = left[np.isin(u[starts[left]], _MAY_START)]
    if len(left):
        if text is None:
            rest = scan(u, starts[left], layout)
        else:
            rest = _scan_lines(text, starts[left], layout)
        for name in ("ok", "end", "a", "b", "c", "a_digits", "h", "m", "s", "ap"):
            getattr(heads, name)[left] = getattr(rest, name)
    return heads


_MAY_START = np.frombuffer(b"0123456789[?", dtype=np.uint8)
_LONGEST = 96  # well past any header, left-to-right marks included


def _scan_lines(text: str, starts: Ints, layout: Layout) -> Heads:
    """`scan` of the lines of `text` at `starts`, from their real characters."""
    lines = [text[s : s + _LONGEST].partition("\n")[0] for s in starts.tolist()]
    offsets = np.cumsum([0] + [len(line) + 1 for line in lines[:-1]], dtype=np.int64)
    heads = scan(units("\n".join(lines)), offsets, layout)
    heads.end += starts - offsets
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
