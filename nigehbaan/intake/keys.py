"""The portal's secret key and what is derived from it with HMAC-SHA256.

One 32-byte key, in a file made on first use by `core.keyfiles` (owner-only, made whole, so
two portal processes starting together agree on one key). It never enters the
database: a stolen database alone then says nothing about which receipt belongs to which
report. Each use gets its own label, so a value made for one purpose is useless for another.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

from nigehbaan.core.keyfiles import KeyFileError, read_sized_key

KEY_SIZE = 32


PortalKeyError = KeyFileError


def load_or_create(path: Path) -> bytes:
    return read_sized_key(path, KEY_SIZE, "portal key")


def derive(key: bytes, label: str, *parts: str) -> str:
    """HMAC-SHA256 over a label and parts, hex. `|` cannot occur in our parts (checked)."""
    if any("|" in part for part in parts):
        raise ValueError("a part of an HMAC message contains '|'")
    message = "|".join((label, *parts)).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return secrets.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
