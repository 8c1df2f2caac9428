"""The normalised hash-list entry every format yields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nigehbaan.matching.hashes import HashType


@dataclass(frozen=True, slots=True)
class HashEntry:
    """One hash of one list item, whatever format it came from.

    `slots` because an import makes millions of these. A VICS Media item with both an MD5 and a
    SHA-1 gives two entries sharing `media_id`. `category` stays the list's raw text: its meaning
    depends on the list's scheme, and mapping it is a separate, reported step. `position` is what a
    person needs to find the entry in the file ("line 12", "value[3].Media[7]").
    """

    hash_type: HashType
    value: str
    position: str
    category: str | None = None
    source: str | None = None
    series: str | None = None
    media_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
