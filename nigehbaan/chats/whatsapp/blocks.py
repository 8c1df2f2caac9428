"""Grouping lines into messages, when a typed line can look exactly like a header.

A header-shaped line whose time runs backwards is held as a *suspect*: if a later header brings
time forward again, the suspect was text typed (or pasted) inside the message and stays part of
it, so time stays monotonic. If several suspects pile up, time really went back (a clock or
daylight-saving change): the first suspect becomes a message after all and the lines after it
are read again. Either way the analyst gets a warning naming the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from nigehbaan.chats.stream import ReportBuilder
from nigehbaan.chats.whatsapp.headers import Layout, StampReader, match_header

_MAX_SUSPECTS = 3
_NONE: list[Block] = []


@dataclass(slots=True)
class Block:
    """One message's lines; they are consecutive in the file, so line i is `line_number + i`."""

    line_number: int
    match: re.Match[str]
    stamp: datetime
    lines: list[str]
    suspects: list[int] = field(default_factory=list)


class Blocker:
    def __init__(self, layout: Layout, stamps: StampReader, report: ReportBuilder) -> None:
        self.layout = layout
        self.stamps = stamps
        self.report = report
        self.current: Block | None = None
        self.orphans = 0

    def feed(self, number: int, line: str) -> list[Block]:
        """The blocks this line completes: usually none, one at each new header."""
        match = match_header(self.layout, line)
        stamp = self.stamps.read(match) if match is not None else None
        current = self.current
        if match is None or stamp is None:
            self.report.unparsed_lines += 1
            if current is None:
                self.orphans += 1
            else:
                current.lines.append(line)
            return _NONE
        if current is None:
            self.current = Block(number, match, stamp, [line])
            return _NONE
        if stamp >= current.stamp:
            if current.suspects:
                self._settle_suspects(current)
            self.current = Block(number, match, stamp, [line])
            return [current]
        current.suspects.append(len(current.lines))
        current.lines.append(line)
        self.report.unparsed_lines += 1
        if len(current.suspects) > _MAX_SUSPECTS:
            return self._promote(current)
        return _NONE

    def close(self) -> Iterator[Block]:
        if self.orphans:
            self.report.warn(f"{self.orphans} line(s) before the first message header were skipped")
        if self.current is not None:
            self._settle_suspects(self.current)
            yield self.current
            self.current = None

    def _settle_suspects(self, block: Block) -> None:
        for index in block.suspects:
            self.report.warn(
                f"line {block.line_number + index}: header-shaped line with an earlier time "
                f"kept as text of the message at line {block.line_number}"
            )

    def _promote(self, block: Block) -> list[Block]:
        first = block.suspects[0]
        start = block.line_number + first
        rest = block.lines[first:]
        self.report.unparsed_lines -= len(rest)
        self.report.warn(f"line {start}: time runs backwards; read as a new message")
        done = [Block(block.line_number, block.match, block.stamp, block.lines[:first])]
        self.current = None
        for offset, line in enumerate(rest):
            done.extend(self.feed(start + offset, line))
        return done
