"""Secret key files (vault key, portal key, referral signing key), one way for all of them.

A key file is made on first use, whole or not at all: written aside with mode 0600, then linked
into place, so two processes starting together agree on one key and never read half of one. A
key file that anyone but its owner can read is refused: it would make the secret decorative.
"""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Callable
from pathlib import Path


class KeyFileError(Exception):
    """A key file that cannot be used; the message names the file and the fix."""


def _create(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    aside = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, content)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(aside, path)
    except FileExistsError:
        pass  # another process made it first: use theirs
    finally:
        aside.unlink()


def read_or_create(path: Path, make: Callable[[], bytes], what: str) -> bytes:
    """The bytes of the key file at `path`, made with `make()` if it does not exist yet."""
    if not path.exists():
        _create(path, make())
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyFileError(f"{what} {path} is readable by others (mode {mode:o}): make it 0600")
    return path.read_bytes()


def read_sized_key(path: Path, size: int, what: str) -> bytes:
    """A random key of exactly `size` bytes, made on first use."""
    key = read_or_create(path, lambda: os.urandom(size), what)
    if len(key) != size:
        raise KeyFileError(f"{what} {path} holds {len(key)} bytes, not {size}")
    return key
