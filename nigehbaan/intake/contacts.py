"""Reading the phone numbers, handles and links a reporter typed, without refusing any.

The register refuses an impossible phone number (a referral is built on its country); a
reporter's note is different: the number may be mistyped, partly remembered or foreign, and is
still a lead. So every item is kept as typed; those that parse are normalised (E.164 and
country) so they can be compared, and those that look like phone numbers but do not parse are
flagged for the officer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nigehbaan.cases.identifiers import normalise_phone
from nigehbaan.core.errors import Invalid
from nigehbaan.intake.models import PortalContact

MAX_ITEMS = 50
_SPLIT = re.compile(r"[\n,;،]+")
_LINK = re.compile(r"(?i)\b(?:https?://\S+|(?:chat\.whatsapp\.com|t\.me|wa\.me|discord\.gg)/\S+)")
_PHONEISH = re.compile(r"^[+(]?[0-9۰-۹٠-٩][0-9۰-۹٠-٩ ()\-.]*$")
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
INVALID_PHONE = "not a valid phone number for any country"


@dataclass(frozen=True)
class Item:
    kind: str
    raw: str
    value: str = ""
    country: str = ""
    valid: bool = True
    problem: str = ""


def _phone(raw: str, region: str) -> Item:
    """The case register's own normalisation; a number it refuses is kept as text, flagged."""
    try:
        found = normalise_phone(raw.translate(_DIGITS), region)
    except Invalid:
        return Item("phone", raw, valid=False, problem=INVALID_PHONE)
    return Item("phone", raw, found.value, found.country)


def classify(raw: str, region: str) -> Item:
    text = raw.strip()
    if _LINK.search(text):
        return Item("link", text, text)
    if _PHONEISH.match(text) and sum(ch.isdigit() for ch in text) >= 5:
        return _phone(text, region)
    if text.startswith("@") and len(text) > 1 and " " not in text:
        return Item("handle", text, text[1:].lower())
    return Item("text", text)


def read_items(text: str, region: str) -> list[Item]:
    """Each comma-, semicolon- or line-separated item; links are picked out of running text."""
    items: list[Item] = []
    for part in _SPLIT.split(text):
        part = part.strip()
        if not part:
            continue
        links = _LINK.findall(part)
        found = [Item("link", link, link) for link in links] if links else [classify(part, region)]
        items += [item for item in found if item.kind != "text"]
    return items[:MAX_ITEMS]


def contact_rows(source: str, text: str, region: str) -> list[PortalContact]:
    return [PortalContact(source=source, kind=item.kind, raw=item.raw[:300],
                          value=item.value[:300], country=item.country, valid=item.valid,
                          problem=item.problem) for item in read_items(text, region)]
