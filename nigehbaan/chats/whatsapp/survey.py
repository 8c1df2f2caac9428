"""What must be known of a WhatsApp export before its first record: layout, date order, owner.

The date order is decidable only from the lines themselves (a day above 12 settles it) and
"You deleted this message" under a name reveals which label is the phone's owner, possibly on
the last line. So the whole text is read once ahead of the parse, but cheaply: dates are voted
on only until they settle the order (usually within the first chunk; the parse then checks that
no later header contradicts it), and the owner's mark is a plain substring search.
"""

from __future__ import annotations

import re
from contextlib import closing
from dataclasses import dataclass

from nigehbaan.chats.errors import ChatParseError
from nigehbaan.chats.registry import ParseOptions
from nigehbaan.chats.source import Source
from nigehbaan.chats.whatsapp.headers import DateOrderVote, Layout, guess_layout, match_header
from nigehbaan.chats.whatsapp.locale import locales
from nigehbaan.chats.whatsapp.names import clean_label

_DATE_ONLY = re.compile(r"\n\u200e?\[?(\d{1,4})[./-](\d{1,2})[./-]\d{1,4},?\s(?:klo\s)?\d")


@dataclass
class Survey:
    layout: Layout
    order: str
    owner_label: str | None
    settled_early: bool = False
    """True when the order was settled before the last line: the parse checks the rest."""


def survey(source: Source, options: ParseOptions) -> Survey:
    layout = guess_layout(source.head.splitlines()[:200])
    if layout is None:
        raise ChatParseError(f"{source.name}: no WhatsApp message header found")
    vote = DateOrderVote()
    owner_marks = tuple(": " + m for loc in locales() for m in loc.deleted_by_owner)
    owner_label = options.owner_name
    order: str | None = None
    tail = "\n"
    with closing(source.chunks()) as chunks:  # closes the file at once on an early `break`
        for chunk in chunks:
            text = tail + chunk
            cut = text.rfind("\n")
            text, tail = text[:cut], text[cut:]
            if order is None:
                vote.add_all(_DATE_ONLY.findall(text))
                order = vote.proven(options.date_order, source.name) if vote.headers else None
            if owner_label is None:
                owner_label = _owner_clue(layout, text, owner_marks)
            elif order is not None:
                break
        else:
            if order is None:
                vote.add_all(_DATE_ONLY.findall(tail))
            if owner_label is None:
                owner_label = _owner_clue(layout, tail, owner_marks)
            if vote.headers == 0:
                raise ChatParseError(f"{source.name}: no WhatsApp message header found")
            if order is None:
                return Survey(layout, vote.decide(options.date_order, source.name), owner_label)
    assert order is not None
    return Survey(layout, order, owner_label, settled_early=True)


def _owner_clue(layout: Layout, text: str, marks: tuple[str, ...]) -> str | None:
    """The label above "You deleted this message": only the owner's own lines say that."""
    for mark in marks:
        at = text.find(mark + "\n")
        if at < 0 and text.endswith(mark):
            at = len(text) - len(mark)
        if at >= 0:
            start = text.rfind("\n", 0, at) + 1
            header = match_header(layout, text[start : at + len(mark)])
            if header is not None:
                return clean_label(header["rest"].rsplit(": ", 1)[0])
    return None
