"""The vault's encrypted blob format: AES-256-GCM in independently authenticated chunks.

One GCM message per blob would need the whole file in memory to authenticate before release;
chunks keep memory at one chunk for multi-gigabyte videos. Chunking alone would let someone
drop, reorder or cut chunks, so each chunk's nonce carries its index and a final flag (the STREAM
construction), and the final chunk's associated data also carries the blob's SHA-256, binding
the ciphertext to its name. Each blob has its own key, derived by HKDF from the vault key and a
random salt in the header, so deterministic nonces are never reused under one key.

Layout: header = magic, version, chunk size (u32), salt (32 bytes); then chunks of
`chunk size + 16` bytes, the last one shorter (possibly just its 16-byte tag).
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"NGHBVLT"
VERSION = 1
TAG_SIZE = 16
SALT_SIZE = 32
MAX_CHUNK = 64 << 20
_HEADER = struct.Struct(f">{len(MAGIC)}sBI{SALT_SIZE}s")
_INFO = b"nigehbaan vault blob key v1"


class SealError(Exception):
    """The blob is not what was sealed: wrong key, altered, reordered, truncated or extended."""


def _blob_cipher(master_key: bytes, salt: bytes) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_INFO)
    return AESGCM(hkdf.derive(master_key))


def _nonce(index: int, final: bool) -> bytes:
    return index.to_bytes(8, "big") + (b"\x01" if final else b"\x00") + b"\x00\x00\x00"


class Sealer:
    """Encrypts a stream written in pieces of any size into `out`.

    The last chunk is only known once `close` is called, so one chunk is always held back.
    """

    def __init__(self, master_key: bytes, out: BinaryIO, chunk_size: int = 1 << 20) -> None:
        if not 0 < chunk_size <= MAX_CHUNK:
            raise ValueError(f"chunk size must be between 1 and {MAX_CHUNK}")
        salt = os.urandom(SALT_SIZE)
        self._header = _HEADER.pack(MAGIC, VERSION, chunk_size, salt)
        self._cipher = _blob_cipher(master_key, salt)
        self._out = out
        self._chunk_size = chunk_size
        self._pending = bytearray()
        self._index = 0
        out.write(self._header)

    def write(self, data: bytes) -> None:
        self._pending += data
        while len(self._pending) > self._chunk_size:
            self._emit(bytes(self._pending[: self._chunk_size]), self._header)
            del self._pending[: self._chunk_size]

    def close(self, sha256: str) -> None:
        """Seal the final chunk, naming the content it completes."""
        self._emit(bytes(self._pending), self._header + bytes.fromhex(sha256), final=True)
        self._pending.clear()

    def _emit(self, chunk: bytes, aad: bytes, final: bool = False) -> None:
        self._out.write(self._cipher.encrypt(_nonce(self._index, final), chunk, aad))
        self._index += 1


def _read_header(stream: BinaryIO, master_key: bytes) -> tuple[bytes, int, AESGCM]:
    header = stream.read(_HEADER.size)
    if len(header) != _HEADER.size:
        raise SealError("header is truncated")
    magic, version, chunk_size, salt = _HEADER.unpack(header)
    if magic != MAGIC or version != VERSION:
        raise SealError("not a vault blob of a known version")
    if not 0 < chunk_size <= MAX_CHUNK:
        raise SealError(f"implausible chunk size {chunk_size}")
    return header, chunk_size, _blob_cipher(master_key, salt)


def unseal(stream: BinaryIO, master_key: bytes, sha256: str) -> Iterator[bytes]:
    """Plaintext chunks, each authenticated before it is yielded; raises `SealError`."""
    header, chunk_size, cipher = _read_header(stream, master_key)
    size = chunk_size + TAG_SIZE
    current = stream.read(size)
    index = 0
    while True:
        following = stream.read(size)
        final = not following
        aad = header + bytes.fromhex(sha256) if final else header
        try:
            plain = cipher.decrypt(_nonce(index, final), current, aad)
        except InvalidTag:
            raise SealError(f"chunk {index} failed authentication") from None
        yield plain
        if final:
            return
        current, index = following, index + 1
