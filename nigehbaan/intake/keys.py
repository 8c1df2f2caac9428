"""The portal's secret key and what is derived from it with HMAC-SHA256.

One 32-byte key, in a file made on first use with mode 0600 (written aside and linked into
place, so two portal processes starting together agree on one key). It never enters the
database: a stolen database alone then says nothing about which receipt belongs to which
report. Each use gets its own label, so a value made for one purpose is useless for another.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
import uuid
from pathlib import Path

KEY_SIZE = 32


class PortalKeyError(Exception):
    pass


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    aside = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, secrets.token_bytes(KEY_SIZE))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(aside, path)
    except FileExistsError:
        pass
    finally:
        aside.unlink()


def load_or_create(path: Path) -> bytes:
    if not path.exists():
        _create(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise PortalKeyError(f"portal key {path} is readable by others (mode {mode:o}): "
                             "make it 0600")
    key = path.read_bytes()
    if len(key) != KEY_SIZE:
        raise PortalKeyError(f"portal key {path} holds {len(key)} bytes, not {KEY_SIZE}")
    return key


def derive(key: bytes, label: str, *parts: str) -> str:
    """HMAC-SHA256 over a label and parts, hex. `|` cannot occur in our parts (checked)."""
    if any("|" in part for part in parts):
        raise ValueError("a part of an HMAC message contains '|'")
    message = "|".join((label, *parts)).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return secrets.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
