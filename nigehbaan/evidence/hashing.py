"""MD5, SHA-1 and SHA-256 of a file in one streaming pass.

Other agencies' lists still speak MD5 and SHA-1, the vault names blobs by SHA-256; reading a
multi-gigabyte video three times would triple the slowest part of ingestion, so every stream
hasher is fed the same fixed-size chunks and memory stays at one chunk whatever the file size.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from nigehbaan.evidence.hashers import Digest, StreamHasher

CHUNK_SIZE = 1 << 20


class Sha256(StreamHasher):
    name = "sha256"

    def new(self) -> Digest:
        return hashlib.sha256()


class Sha1(StreamHasher):
    name = "sha1"

    def new(self) -> Digest:
        return hashlib.sha1(usedforsecurity=False)


class Md5(StreamHasher):
    name = "md5"

    def new(self) -> Digest:
        return hashlib.md5(usedforsecurity=False)


CRYPTOGRAPHIC: tuple[StreamHasher, ...] = (Sha256(), Sha1(), Md5())


@dataclass(frozen=True, slots=True)
class Digests:
    size: int
    values: Mapping[str, str] = field(default_factory=dict)
    """Hex digest by hasher name; always holds `sha256`, `sha1` and `md5` by default."""

    @property
    def sha256(self) -> str:
        return self.values["sha256"]

    @property
    def sha1(self) -> str:
        return self.values["sha1"]

    @property
    def md5(self) -> str:
        return self.values["md5"]


class DigestPass:
    """Feeds each chunk to every hasher once, so callers that already stream (the vault
    encrypting a file) get all digests without reading it again."""

    def __init__(self, hashers: Iterable[StreamHasher] = CRYPTOGRAPHIC) -> None:
        self._states = {hasher.name: hasher.new() for hasher in hashers}
        self._size = 0

    def update(self, chunk: bytes) -> None:
        for state in self._states.values():
            state.update(chunk)
        self._size += len(chunk)

    def result(self) -> Digests:
        return Digests(self._size, {name: s.hexdigest() for name, s in self._states.items()})


def hash_stream(stream: BinaryIO, hashers: Iterable[StreamHasher] = CRYPTOGRAPHIC,
                chunk_size: int = CHUNK_SIZE) -> Digests:
    digests = DigestPass(hashers)
    while chunk := stream.read(chunk_size):
        digests.update(chunk)
    return digests.result()


def hash_file(path: Path, hashers: Iterable[StreamHasher] = CRYPTOGRAPHIC,
              chunk_size: int = CHUNK_SIZE) -> Digests:
    with path.open("rb", buffering=0) as stream:
        return hash_stream(stream, hashers, chunk_size)
