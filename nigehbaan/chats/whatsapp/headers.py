"""The header that starts every WhatsApp message line, and the time it carries.

One pattern per layout (Android `date, time - `, iOS `[date, time] `) absorbs the regional
variants: `/ . -` separators, 2- or 4-digit years, seconds or not, Finnish `klo`, and 12-hour
markers such as `PM`, `p. m.` with ordinary, no-break or narrow no-break spaces (`\\s` matches
all of them). The date order is not in the header at all: it is decided over the whole file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from nigehbaan.chats.errors import AmbiguousDateOrder, ChatParseError

Layout = Literal["android", "ios"]

_DATE = r"(?P<a>\d{1,4})[./-](?P<b>\d{1,2})[./-](?P<c>\d{1,4})"
_TIME = (
    r"(?P<h>\d{1,2})[:.](?P<m>\d{2})(?:[:.](?P<s>\d{2}))?"
    r"(?:\s?(?P<ap>[AaPp]\.?\s?[Mm]\.?))?"
)
HEADERS: dict[Layout, re.Pattern[str]] = {
    "android": re.compile(rf"{_DATE},?\s(?:klo\s)?{_TIME}\s[-–]\s(?P<rest>.*)", re.DOTALL),
    "ios": re.compile(rf"\[{_DATE},?\s{_TIME}\]\s(?P<rest>.*)", re.DOTALL),
}
_LTR = "\u200e"


def match_header(layout: Layout, line: str) -> re.Match[str] | None:
    """The header match of a line; iOS lines often start with a left-to-right mark."""
    if line.startswith(_LTR):
        line = line.lstrip(_LTR)
    return HEADERS[layout].match(line)


def guess_layout(lines: Iterable[str]) -> Layout | None:
    for line in lines:
        for layout in ("ios", "android"):
            if match_header(layout, line):
                return layout
    return None


@dataclass
class DateOrderVote:
    """Collects, over every header, what each date field could be."""

    max_a: int = 0
    max_b: int = 0
    year_first: bool = False
    headers: int = 0

    def add_all(self, pairs: list[tuple[str, str]]) -> None:
        """Date fields of header-shaped lines; only the distinct pairs need looking at."""
        self.headers += len(pairs)
        for a_text, b_text in set(pairs):
            if len(a_text) == 4:
                self.year_first = True
                continue
            self.max_a = max(self.max_a, int(a_text))
            self.max_b = max(self.max_b, int(b_text))

    def proven(self, given: str | None, source: str) -> str | None:
        """The order the lines so far already settle, or None while both still fit.

        Lines still to come can only contradict it, which `ChunkReader` checks as it reads them;
        a given order that the lines so far contradict raises at once.
        """
        if self.year_first:
            return "ymd"
        fits = {"dmy": self.max_b <= 12, "mdy": self.max_a <= 12}
        if given is not None or not fits["dmy"] or not fits["mdy"]:
            return self.decide(given, source)
        return None

    def decide(self, given: str | None, source: str) -> str:
        """The order the file proves, checked against `given`; ambiguity raises."""
        if self.year_first:
            return "ymd"
        fits = {"dmy": self.max_b <= 12, "mdy": self.max_a <= 12}
        if given is not None:
            if given not in fits:
                raise ChatParseError(f"{source}: date_order must be dmy or mdy, not {given!r}")
            if not fits[given]:
                raise ChatParseError(f"{source}: dates in this file do not fit date_order {given}")
            return given
        if fits["dmy"] and fits["mdy"]:
            raise AmbiguousDateOrder(source)
        if not fits["dmy"] and not fits["mdy"]:
            raise ChatParseError(f"{source}: dates put values above 12 in both day and month")
        return "dmy" if fits["dmy"] else "mdy"


class StampReader:
    """Reads header times in one date order, caching by the header text.

    Consecutive messages usually share their minute, so the cache spares most conversions.
    """

    def __init__(self, order: str) -> None:
        self.order = order
        self._cache: dict[str, datetime] = {}

    def read(self, match: re.Match[str]) -> datetime | None:
        """The header's time, or None when it names no real date (then it is not a header)."""
        key = match.string[: match.start("rest")]
        stamp = self._cache.get(key)
        if stamp is None:
            if len(self._cache) > 4096:
                self._cache.clear()
            try:
                stamp = self._cache[key] = self._convert(match)
            except ValueError:
                return None
        return stamp

    def _convert(self, match: re.Match[str]) -> datetime:
        a_text, b_text, c_text, h_text, m_text, s_text, marker = match.group(
            "a", "b", "c", "h", "m", "s", "ap"
        )
        a, b, year = int(a_text), int(b_text), int(c_text)
        if self.order == "ymd":
            year, month, day = a, b, year
        elif self.order == "dmy":
            day, month = a, b
        else:
            month, day = a, b
        if year < 100:
            year += 2000
        hour = int(h_text)
        if marker:
            hour = hour % 12 + (12 if marker[0] in "pP" else 0)
        return datetime(year, month, day, hour, int(m_text), int(s_text or 0))
