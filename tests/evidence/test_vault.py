from __future__ import annotations

import hashlib
import io
import os
import pickle
import random
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from nigehbaan.evidence.keys import VaultKeyError, load_or_create_key
from nigehbaan.evidence.sealing import TAG_SIZE
from nigehbaan.evidence.vault import Vault, VaultIntegrityError

CHUNK = 1024
DATA = random.Random(5).randbytes(5 * CHUNK + 100)
SHA = hashlib.sha256(DATA).hexdigest()
HEADER = 7 + 1 + 4 + 32


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    return Vault(tmp_path / "vault", tmp_path / "keys" / "vault.key", chunk_size=CHUNK)


@pytest.fixture
def stored(vault: Vault) -> Path:
    vault.put(io.BytesIO(DATA))
    path = vault.path_of(SHA)
    path.chmod(0o640)
    return path


def _chunks(path: Path) -> tuple[bytes, list[bytes]]:
    raw = path.read_bytes()
    body, size = raw[HEADER:], CHUNK + TAG_SIZE
    return raw[:HEADER], [body[i:i + size] for i in range(0, len(body), size)]


def test_round_trip_with_all_digests(vault: Vault) -> None:
    blob = vault.put(io.BytesIO(DATA))
    assert blob.created and blob.sha256 == SHA
    assert blob.digests.md5 == hashlib.md5(DATA).hexdigest()
    assert blob.digests.size == len(DATA)
    assert vault.read_bytes(SHA) == DATA
    assert vault.verify(SHA).ok and vault.verify(SHA).size == len(DATA)


def test_content_is_encrypted_at_rest(vault: Vault, stored: Path) -> None:
    raw = stored.read_bytes()
    assert DATA[:64] not in raw and len(raw) > len(DATA)


def test_empty_content_round_trips(vault: Vault) -> None:
    blob = vault.put(io.BytesIO(b""))
    assert vault.read_bytes(blob.sha256) == b""


def test_write_once_and_deduplicated(vault: Vault, tmp_path: Path) -> None:
    first = vault.put(io.BytesIO(DATA))
    before = vault.path_of(SHA).stat()
    source = tmp_path / "same.bin"
    source.write_bytes(DATA)
    again = vault.put(source)
    after = vault.path_of(SHA).stat()
    assert first.created and not again.created
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)
    assert stat.S_IMODE(after.st_mode) & 0o222 == 0
    assert list(vault.iter_blobs()) == [SHA]
    assert list((vault.root / "tmp").iterdir()) == []


class _Failing(io.RawIOBase):
    def __init__(self) -> None:
        self.sent = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.sent >= 3 * CHUNK:
            raise OSError("device unplugged")
        self.sent += CHUNK
        return b"x" * CHUNK


def test_an_interrupted_write_leaves_nothing(vault: Vault) -> None:
    with pytest.raises(OSError, match="unplugged"):
        vault.put(_Failing())  # type: ignore[arg-type]
    assert list(vault.iter_blobs()) == []
    assert list((vault.root / "tmp").iterdir()) == []


def _tampered(path: Path, header: bytes, chunks: list[bytes]) -> None:
    path.write_bytes(header + b"".join(chunks))


def _flip(path: Path, header: bytes, chunks: list[bytes]) -> None:
    chunks[2] = chunks[2][:5] + bytes([chunks[2][5] ^ 1]) + chunks[2][6:]
    _tampered(path, header, chunks)


def _swap(path: Path, header: bytes, chunks: list[bytes]) -> None:
    chunks[1], chunks[2] = chunks[2], chunks[1]
    _tampered(path, header, chunks)


def _cut_last(path: Path, header: bytes, chunks: list[bytes]) -> None:
    _tampered(path, header, chunks[:-1])


def _extend(path: Path, header: bytes, chunks: list[bytes]) -> None:
    _tampered(path, header, [*chunks, chunks[1]])


def _salt(path: Path, header: bytes, chunks: list[bytes]) -> None:
    _tampered(path, header[:-1] + bytes([header[-1] ^ 1]), chunks)


@pytest.mark.parametrize("change", [_flip, _swap, _cut_last, _extend, _salt])
def test_a_changed_blob_is_detected_on_read_and_by_verify(
        vault: Vault, stored: Path, change: object) -> None:
    header, chunks = _chunks(stored)
    change(stored, header, chunks)  # type: ignore[operator]
    with pytest.raises(VaultIntegrityError, match=SHA) as caught:
        vault.read_bytes(SHA)
    assert caught.value.sha256 == SHA
    result = vault.verify(SHA)
    assert not result.ok and result.reason == caught.value.reason


def test_nothing_is_released_before_the_whole_blob_is_checked(
        vault: Vault, stored: Path) -> None:
    header, chunks = _chunks(stored)
    _flip_last = [*chunks[:-1], bytes([chunks[-1][0] ^ 1]) + chunks[-1][1:]]
    _tampered(stored, header, _flip_last)
    reader: Iterator[bytes] = vault.read_chunks(SHA)
    with pytest.raises(VaultIntegrityError):
        next(reader)


def test_a_blob_under_another_name_is_detected(vault: Vault, stored: Path) -> None:
    other = vault.put(io.BytesIO(b"other content")).sha256
    target = vault.path_of(other)
    target.chmod(0o640)
    target.write_bytes(stored.read_bytes())
    assert not vault.verify(other).ok
    with pytest.raises(VaultIntegrityError, match=other):
        vault.read_bytes(other)


def test_wrong_key_and_missing_blob(vault: Vault, stored: Path) -> None:
    stranger = Vault(vault.root, os.urandom(32), chunk_size=CHUNK)
    assert not stranger.verify(SHA).ok
    missing = "0" * 64
    assert vault.verify(missing).reason == "blob is missing"
    with pytest.raises(VaultIntegrityError, match="missing"):
        vault.read_bytes(missing)


def test_export_writes_verified_content(vault: Vault, stored: Path, tmp_path: Path) -> None:
    vault.export(SHA, tmp_path / "out.bin")
    assert (tmp_path / "out.bin").read_bytes() == DATA
    _flip(stored, *_chunks(stored))
    with pytest.raises(VaultIntegrityError):
        vault.export(SHA, tmp_path / "bad.bin")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keys", "out.bin", "vault"]


def test_names_are_checked(vault: Vault) -> None:
    with pytest.raises(ValueError, match="SHA-256"):
        vault.path_of("../../etc/passwd")


def test_vault_pickles_for_workers(vault: Vault, stored: Path) -> None:
    copy = pickle.loads(pickle.dumps(vault))
    assert copy.read_bytes(SHA) == DATA


def test_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "home" / "vault.key"
    key = load_or_create_key(path)
    assert len(key) == 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == key
    path.chmod(0o644)
    with pytest.raises(VaultKeyError, match="0600"):
        load_or_create_key(path)


def test_given_key_bytes_must_be_32(tmp_path: Path) -> None:
    with pytest.raises(VaultKeyError, match="32 bytes"):
        Vault(tmp_path, b"short")
    assert Vault(tmp_path, bytes(32)).put(io.BytesIO(b"a")).created
