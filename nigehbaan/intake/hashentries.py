"""Checking what the hash-only form sends: the JSON that hashreport.js puts in a hidden field.

Whatever arrives is treated as untrusted text: a list of at most `MAX_ENTRIES` objects, each with
a 64-hex SHA-256, a 32-hex MD5, and for images a 64-hex PDQ with a quality of 0 to 100. One bad
entry refuses the whole upload, so a report never holds half of what the reporter sent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

MAX_ENTRIES = 200
MAX_TEXT = MAX_ENTRIES * 400
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX32 = re.compile(r"[0-9a-f]{32}")
ALLOWED_KEYS = frozenset({"sha256", "md5", "pdq", "quality", "size", "pdq_displayed"})


@dataclass(frozen=True)
class HashEntryIn:
    sha256: str
    md5: str
    pdq: str | None = None
    quality: int | None = None
    size: int | None = None
    pdq_displayed: str | None = None


class NotHashes(ValueError):
    """The upload is not a list of hash entries; the message says which part, for the log."""


def _hex(value: Any, pattern: re.Pattern[str], name: str, optional: bool) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not pattern.fullmatch(value.lower()):
        raise NotHashes(f"{name} is not a hash")
    return value.lower()


def _int(value: Any, name: str, low: int, high: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (
            high is not None and value > high):
        raise NotHashes(f"{name} is out of range")
    return value


def _entry(item: Any) -> HashEntryIn:
    if not isinstance(item, dict) or not set(item) <= ALLOWED_KEYS:
        raise NotHashes("an entry is not a hash record")
    pdq = _hex(item.get("pdq"), _HEX64, "pdq", True)
    quality = _int(item.get("quality"), "quality", 0, 100)
    if (pdq is None) != (quality is None):
        raise NotHashes("pdq and quality come together")
    return HashEntryIn(
        sha256=_hex(item.get("sha256"), _HEX64, "sha256", False) or "",
        md5=_hex(item.get("md5"), _HEX32, "md5", False) or "",
        pdq=pdq, quality=quality, size=_int(item.get("size"), "size", 0, None),
        pdq_displayed=_hex(item.get("pdq_displayed"), _HEX64, "pdq_displayed", True),
    )


def parse_entries(text: str) -> list[HashEntryIn]:
    """Entries from the hidden field (empty text: none); duplicates by SHA-256 dropped."""
    if not text.strip():
        return []
    if len(text) > MAX_TEXT:
        raise NotHashes("too many entries")
    try:
        data = json.loads(text)
    except ValueError:
        raise NotHashes("not JSON") from None
    if not isinstance(data, list) or len(data) > MAX_ENTRIES:
        raise NotHashes("not a list of entries, or too many")
    entries: dict[str, HashEntryIn] = {}
    for item in data:
        entry = _entry(item)
        entries.setdefault(entry.sha256, entry)
    return list(entries.values())
