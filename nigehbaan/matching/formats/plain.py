"""Plain lists: one bare hash per line, as many tools and forums exchange them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from nigehbaan.matching.entry import HashEntry
from nigehbaan.matching.errors import HashListError
from nigehbaan.matching.formats.base import HashListFormat
from nigehbaan.matching.formats.registry import register_format
from nigehbaan.matching.hashes import HashType, infer_hash_type, normalise_hex, parse_hash_type


@register_format
class PlainFormat(HashListFormat):
    """The type comes from each line's length unless given; 64 digits needs it given.

    SHA-256 and PDQ are both 64 hex digits, and guessing wrong would file perceptual hashes as
    file hashes (never matching) or the reverse, so an untyped 64-digit line is refused.
    """

    name = "plain"
    description = "one hash per line; type from length (32 md5, 40 sha1) or given"

    def __init__(self, hash_type: HashType | str | None = None) -> None:
        self.hash_type = parse_hash_type(hash_type) if isinstance(hash_type, str) else hash_type

    def read(self, stream: TextIO) -> Iterator[HashEntry]:
        for number, line in enumerate(stream, start=1):
            text = line.strip()
            if not text:
                continue
            position = f"line {number}"
            try:
                hash_type = self.hash_type or infer_hash_type(text)
                value = normalise_hex(text, hash_type)
            except ValueError as exc:
                raise HashListError(str(exc), position) from None
            yield HashEntry(hash_type, value, position)
