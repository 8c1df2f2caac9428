from __future__ import annotations

import hashlib
import io
import random
from pathlib import Path

import pytest

from nigehbaan.evidence.hashers import Digest, HasherRegistry, StreamHasher
from nigehbaan.evidence.hashing import CRYPTOGRAPHIC, hash_file, hash_stream
from nigehbaan.evidence.plugins import default_registry

CHUNK = 64


class _Recording(io.BytesIO):
    """Remembers the largest read asked for: memory per pass is bounded by it."""

    largest = 0

    def read(self, size: int | None = -1, /) -> bytes:
        self.largest = max(self.largest, size if size is not None and size >= 0 else 1 << 62)
        return super().read(size)


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK + 7])
def test_one_pass_matches_hashlib(size: int) -> None:
    data = random.Random(size).randbytes(size)
    stream = _Recording(data)
    digests = hash_stream(stream, chunk_size=CHUNK)
    assert digests.size == size
    assert digests.sha256 == hashlib.sha256(data).hexdigest()
    assert digests.sha1 == hashlib.sha1(data).hexdigest()
    assert digests.md5 == hashlib.md5(data).hexdigest()
    assert stream.largest == CHUNK


def test_hash_file_equals_hash_stream(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    data = random.Random(7).randbytes(3 * (1 << 20) + 11)
    path.write_bytes(data)
    assert hash_file(path) == hash_stream(io.BytesIO(data))


class Blake2(StreamHasher):
    name = "blake2b"

    def new(self) -> Digest:
        return hashlib.blake2b()


def test_a_registered_stream_hasher_joins_the_single_pass() -> None:
    registry = default_registry()
    registry.register(Blake2())
    digests = hash_stream(io.BytesIO(b"abc"), registry.stream_hashers())
    assert digests.values["blake2b"] == hashlib.blake2b(b"abc").hexdigest()
    assert digests.md5 == hashlib.md5(b"abc").hexdigest()


def test_registry_refuses_two_hashers_of_one_name() -> None:
    registry = HasherRegistry(CRYPTOGRAPHIC)
    with pytest.raises(ValueError, match="md5"):
        registry.register(CRYPTOGRAPHIC[2])
    assert registry.names == ["sha256", "sha1", "md5"]
