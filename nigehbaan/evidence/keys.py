"""The vault key: 32 random bytes from a key file made on first use, or given by the deployment.

The key file is made and checked by `core.keyfiles`: whole or not at all, owner-only, since a
key readable by anyone else would make the encryption at rest decorative.
"""

from __future__ import annotations

from pathlib import Path

from nigehbaan.core.keyfiles import KeyFileError, read_sized_key

KEY_SIZE = 32
KeySource = bytes | Path
"""Raw key bytes, or the path of a key file (created if missing)."""

VaultKeyError = KeyFileError


def load_or_create_key(path: Path) -> bytes:
    return read_sized_key(path, KEY_SIZE, "key file")


def resolve_key(source: KeySource) -> bytes:
    if isinstance(source, Path):
        return load_or_create_key(source)
    if len(source) != KEY_SIZE:
        raise VaultKeyError(f"a vault key is {KEY_SIZE} bytes, not {len(source)}")
    return bytes(source)
