"""Hash types that lists carry, and the one place their text form is checked."""

from __future__ import annotations

import re
from enum import StrEnum

from nigehbaan.core.errors import shown


class HashType(StrEnum):
    """A hash algorithm by its name in our CSV format.

    `video_md5` is not a separate algorithm: HMA/ThreatExchange use it for the MD5 of a whole
    video file, so it is read as `md5` and the source's name is kept in the entry's extra fields.
    """

    MD5 = "md5"
    SHA1 = "sha1"
    SHA256 = "sha256"
    PDQ = "pdq"


HEX_LENGTHS: dict[HashType, int] = {
    HashType.MD5: 32,
    HashType.SHA1: 40,
    HashType.SHA256: 64,
    HashType.PDQ: 64,
}

_HEX = re.compile(r"[0-9a-f]*")


def parse_hash_type(name: str) -> HashType:
    """Read a hash type name, any case; `ValueError` names the accepted ones."""
    try:
        return HashType(name.strip().lower())
    except ValueError:
        known = ", ".join(t.value for t in HashType)
        raise ValueError(f"unknown hash type {shown(name.strip())} (expected one of {known})"
                         ) from None


def normalise_hex(value: str, hash_type: HashType) -> str:
    """Return the lowercase hex form, or raise `ValueError` saying what is wrong with it.

    Lists come from many tools: case differs, whitespace trails; both are harmless. A wrong length
    or a non-hex character is not: it would silently never match, so it is refused.
    """
    text = value.strip().lower()
    expected = HEX_LENGTHS[hash_type]
    if _HEX.fullmatch(text) is None:
        bad = next(ch for ch in text if ch not in "0123456789abcdef")
        raise ValueError(
            f"{hash_type.value} hash {shown(value.strip())} has non-hex character {bad!r}")
    if len(text) != expected:
        raise ValueError(
            f"{hash_type.value} hash {shown(value.strip())} has {len(text)} hex digits, "
            f"expected {expected}"
        )
    return text


def infer_hash_type(value: str) -> HashType:
    """Guess a bare hash's type from its length; 64 digits is SHA-256 or PDQ, so it is refused."""
    length = len(value.strip())
    if length == 64:
        raise ValueError("64 hex digits may be SHA-256 or PDQ: give the hash type explicitly")
    for hash_type in (HashType.MD5, HashType.SHA1):
        if HEX_LENGTHS[hash_type] == length:
            return hash_type
    raise ValueError(f"{length} hex digits match no known hash type (32 md5, 40 sha1, 64)")
