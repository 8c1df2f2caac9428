"""The evidence vault: a content-addressed, write-once, encrypted blob store in a folder.

Evidence is never altered, so a blob is named by the SHA-256 of its content, written to a
temporary file and linked into place only when complete (a killed ingest leaves no half blob),
and never replaced once there. Every read re-checks the SHA-256 before any byte is released, so
a blob changed on disk is detected on the next read as well as by `verify`.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from nigehbaan.evidence.hashing import CHUNK_SIZE, DigestPass, Digests
from nigehbaan.evidence.keys import KeySource, resolve_key
from nigehbaan.evidence.sealing import Sealer, SealError, unseal

_NAME = re.compile(r"[0-9a-f]{64}")


class VaultError(Exception):
    pass


class VaultIntegrityError(VaultError):
    def __init__(self, sha256: str, reason: str) -> None:
        super().__init__(f"vault blob {sha256} failed verification: {reason}")
        self.sha256 = sha256
        self.reason = reason


@dataclass(frozen=True, slots=True)
class StoredBlob:
    digests: Digests
    created: bool
    """False when the content was already in the vault (deduplicated)."""

    @property
    def sha256(self) -> str:
        return self.digests.sha256


@dataclass(frozen=True, slots=True)
class Verification:
    sha256: str
    ok: bool
    size: int | None = None
    reason: str | None = None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Vault:
    """Safe to share between processes and machines: writers never touch a finished blob.

    Pickles with its key source, so workers get the key file's path (read on shared storage)
    or, when the deployment gave raw bytes, the bytes themselves: use TLS to the scheduler then.
    """

    def __init__(self, root: Path, key: KeySource, chunk_size: int = CHUNK_SIZE) -> None:
        self.root = Path(root)
        self._key_source = key
        self._key = resolve_key(key)
        self._chunk_size = chunk_size
        self._blobs = self.root / "blobs"
        self._tmp = self.root / "tmp"
        for folder in (self._blobs, self._tmp):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Vault, (self.root, self._key_source, self._chunk_size))

    def path_of(self, sha256: str) -> Path:
        if not _NAME.fullmatch(sha256):
            raise ValueError(f"not a lowercase SHA-256: {sha256!r}")
        return self._blobs / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_of(sha256).is_file()

    def put(self, source: Path | BinaryIO) -> StoredBlob:
        """Store content once; every digest comes from the same pass that encrypts it."""
        if isinstance(source, Path):
            with source.open("rb") as stream:
                return self.put(stream)
        temporary = self._tmp / f"{uuid.uuid4().hex}.part"
        try:
            digests = self._seal_into(source, temporary)
            return StoredBlob(digests, self._link(temporary, digests.sha256))
        finally:
            temporary.unlink(missing_ok=True)

    def _seal_into(self, source: BinaryIO, temporary: Path) -> Digests:
        digests = DigestPass()
        with temporary.open("xb") as out:
            sealer = Sealer(self._key, out, self._chunk_size)
            while chunk := source.read(self._chunk_size):
                digests.update(chunk)
                sealer.write(chunk)
            result = digests.result()
            sealer.close(result.sha256)
            out.flush()
            os.fsync(out.fileno())
        temporary.chmod(0o440)
        return result

    def _link(self, temporary: Path, sha256: str) -> bool:
        """A hard link fails if the name exists, so a finished blob is never replaced."""
        final = self.path_of(sha256)
        final.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            os.link(temporary, final)
        except FileExistsError:
            return False
        _fsync_dir(final.parent)
        return True

    def _plaintext(self, stream: BinaryIO, sha256: str) -> Iterator[bytes]:
        try:
            yield from unseal(stream, self._key, sha256)
        except SealError as error:
            raise VaultIntegrityError(sha256, str(error)) from None

    def _check(self, stream: BinaryIO, sha256: str) -> int:
        digest, size = hashlib.sha256(), 0
        for chunk in self._plaintext(stream, sha256):
            digest.update(chunk)
            size += len(chunk)
        if digest.hexdigest() != sha256:
            raise VaultIntegrityError(sha256, f"content hashes to {digest.hexdigest()}")
        return size

    def _open(self, sha256: str) -> BinaryIO:
        try:
            return self.path_of(sha256).open("rb")
        except FileNotFoundError:
            raise VaultIntegrityError(sha256, "blob is missing") from None

    def read_chunks(self, sha256: str) -> Iterator[bytes]:
        """Verify the whole blob, then stream it again through the same open file.

        Two passes keep memory bounded without writing plaintext to disk; the second pass is
        hashed too, so even a change between the passes cannot go unnoticed.
        """
        with self._open(sha256) as stream:
            self._check(stream, sha256)
            stream.seek(0)
            digest = hashlib.sha256()
            for chunk in self._plaintext(stream, sha256):
                digest.update(chunk)
                yield chunk
            if digest.hexdigest() != sha256:
                raise VaultIntegrityError(sha256, "content changed while being read")

    def read_bytes(self, sha256: str) -> bytes:
        return b"".join(self.read_chunks(sha256))

    def export(self, sha256: str, destination: Path) -> None:
        """Write verified content to `destination`, which appears only when complete."""
        partial = destination.with_name(f".{destination.name}.{uuid.uuid4().hex}.part")
        try:
            with partial.open("xb") as out:
                for chunk in self.read_chunks(sha256):
                    out.write(chunk)
            partial.replace(destination)
        finally:
            partial.unlink(missing_ok=True)

    def verify(self, sha256: str) -> Verification:
        try:
            with self._open(sha256) as stream:
                size = self._check(stream, sha256)
        except VaultIntegrityError as error:
            return Verification(sha256, False, reason=error.reason)
        return Verification(sha256, True, size)

    def iter_blobs(self) -> Iterator[str]:
        """Every stored name, in sorted order, ignoring anything that is not a blob."""
        for path in sorted(self._blobs.glob("*/*/*")):
            if _NAME.fullmatch(path.name) and path.is_file():
                yield path.name
