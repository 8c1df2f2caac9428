"""The vault key: 32 random bytes from a key file made on first use, or given by the deployment.

The key file is created whole or not at all (written aside, then linked into place), so two
processes starting together cannot both create one or read a half-written one. A key readable by
anyone but its owner is refused: it would make the encryption at rest decorative.
"""

from __future__ import annotations

import os
import secrets
import stat
import uuid
from pathlib import Path

KEY_SIZE = 32
KeySource = bytes | Path
"""Raw key bytes, or the path of a key file (created if missing)."""


class VaultKeyError(Exception):
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


def load_or_create_key(path: Path) -> bytes:
    if not path.exists():
        _create(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise VaultKeyError(f"key file {path} is accessible to others (mode {mode:o}); "
                            "make it 0600")
    key = path.read_bytes()
    if len(key) != KEY_SIZE:
        raise VaultKeyError(f"key file {path} holds {len(key)} bytes, not {KEY_SIZE}")
    return key


def resolve_key(source: KeySource) -> bytes:
    if isinstance(source, Path):
        return load_or_create_key(source)
    if len(source) != KEY_SIZE:
        raise VaultKeyError(f"a vault key is {KEY_SIZE} bytes, not {len(source)}")
    return bytes(source)
