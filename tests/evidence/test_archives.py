from __future__ import annotations

import gzip
import io
import random
import stat
import tarfile
import zipfile
import zlib
from pathlib import Path

import pytest

from nigehbaan.core.zips import member_problem
from nigehbaan.evidence.archives import Leaf, Limits, Refused, unsafe_name, walk
from tests.zip_bombs import quoted_overlap, zipped

PHOTO = b"\xff\xd8\xff\xe0" + b"generated test bytes" * 20


def _tar_bytes(members: dict[str, bytes], gz: bool = False) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz" if gz else "w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _walk(path: Path, tmp_path: Path, limits: Limits | None = None) -> list[Leaf | Refused]:
    spool = tmp_path / "spool"
    spool.mkdir(exist_ok=True)
    return list(walk(path, spool, limits))


def _files(items: list[Leaf | Refused]) -> dict[str, bytes]:
    return {i.display: i.path.read_bytes() for i in items
            if isinstance(i, Leaf) and not i.container}


def _refused(items: list[Leaf | Refused]) -> dict[str, str]:
    return {i.display: i.reason for i in items if isinstance(i, Refused)}


def test_archives_inside_archives_keep_their_chain(tmp_path: Path) -> None:
    inner = _tar_bytes({"photos/a.jpg": PHOTO, "chat.txt": b"hello"}, gz=True)
    export = tmp_path / "export.zip"
    export.write_bytes(zipped({"inner.tar.gz": inner, "b.jpg": PHOTO[::-1]}))
    items = _walk(export, tmp_path)
    assert _files(items) == {"export.zip/inner.tar.gz/photos/a.jpg": PHOTO,
                             "export.zip/inner.tar.gz/chat.txt": b"hello",
                             "export.zip/b.jpg": PHOTO[::-1]}
    containers = [i.display for i in items if isinstance(i, Leaf) and i.container]
    assert containers == ["export.zip", "export.zip/inner.tar.gz"]
    assert _refused(items) == {}
    spooled = {i.path for i in items if isinstance(i, Leaf) and i.spooled}
    assert set((tmp_path / "spool").iterdir()) == spooled


def test_plain_gzip_is_one_member_named_without_gz(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt.gz"
    path.write_bytes(gzip.compress(b"notes", mtime=0))
    assert _files(_walk(path, tmp_path)) == {"notes.txt.gz/notes.txt": b"notes"}


def test_folders_are_walked_and_links_refused(tmp_path: Path) -> None:
    root = tmp_path / "phone"
    (root / "DCIM").mkdir(parents=True)
    (root / "DCIM" / "a.jpg").write_bytes(PHOTO)
    (root / "link.jpg").symlink_to(root / "DCIM" / "a.jpg")
    items = _walk(root, tmp_path)
    assert _files(items) == {"DCIM/a.jpg": PHOTO}
    assert _refused(items) == {"link.jpg": "symbolic link"}


def test_only_walks_the_named_files_and_refuses_escapes_and_links(tmp_path: Path) -> None:
    root = tmp_path / "Downloads"
    (root / "photos").mkdir(parents=True)
    (root / "chat.txt").write_bytes(b"chat")
    (root / "photos" / "a.jpg").write_bytes(PHOTO)
    (root / "other-case.jpg").write_bytes(PHOTO[::-1])
    (tmp_path / "escape.jpg").write_bytes(PHOTO)
    (root / "link.jpg").symlink_to(tmp_path / "escape.jpg")
    (root / "linked").symlink_to(tmp_path, target_is_directory=True)
    spool = tmp_path / "spool"
    spool.mkdir()
    only = ["photos/a.jpg", "./chat.txt", "../escape.jpg", "/etc/passwd", "link.jpg",
            "linked/escape.jpg", "missing.jpg", "photos"]
    items = list(walk(root, spool, only=only))
    assert _files(items) == {"chat.txt": b"chat", "photos/a.jpg": PHOTO}
    assert _refused(items) == {"../escape.jpg": "path traversal (..)",
                               "/etc/passwd": "absolute path",
                               "link.jpg": "symbolic link",
                               "linked/escape.jpg": "symbolic link",
                               "missing.jpg": "not found in the folder",
                               "photos": "a folder, not a file"}
    full = [i.display for i in walk(root, spool) if isinstance(i, Leaf)]
    assert [i.display for i in items if isinstance(i, Leaf)] == \
        [name for name in full if name in {"chat.txt", "photos/a.jpg"}]
    assert [i.display for i in walk(root, spool, only=list(reversed(only)))] == \
        [i.display for i in items]
    with pytest.raises(ValueError, match="not one"):
        list(walk(root / "chat.txt", spool, only=["chat.txt"]))


@pytest.mark.parametrize(("name", "reason"), [
    ("../../etc/cron.d/x", "path traversal (..)"),
    ("photos/../../x.jpg", "path traversal (..)"),
    ("..\\..\\windows\\x.jpg", "path traversal (..)"),
    ("/etc/passwd", "absolute path"),
    ("C:\\Users\\x.jpg", "absolute path"),
    ("photos/a.jpg", None),
    ("photos/..hidden.jpg", None),
])
def test_unsafe_names(name: str, reason: str | None) -> None:
    assert unsafe_name(name) == reason


def test_traversal_and_absolute_members_are_refused_the_rest_kept(tmp_path: Path) -> None:
    path = tmp_path / "evil.zip"
    path.write_bytes(zipped({"../escape.jpg": PHOTO, "/abs.jpg": PHOTO, "ok.jpg": PHOTO}))
    items = _walk(path, tmp_path)
    assert _files(items) == {"evil.zip/ok.jpg": PHOTO}
    assert _refused(items) == {"evil.zip/../escape.jpg": "path traversal (..)",
                               "evil.zip//abs.jpg": "absolute path"}
    assert not (tmp_path / "escape.jpg").exists()


def test_links_and_devices_in_tar_are_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as archive:
        for name, kind in [("sym", tarfile.SYMTYPE), ("hard", tarfile.LNKTYPE),
                           ("dev", tarfile.CHRTYPE), ("fifo", tarfile.FIFOTYPE)]:
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, "/etc/passwd"
            archive.addfile(info)
        info = tarfile.TarInfo("ok.jpg")
        info.size = len(PHOTO)
        archive.addfile(info, io.BytesIO(PHOTO))
    path = tmp_path / "links.tar"
    path.write_bytes(out.getvalue())
    items = _walk(path, tmp_path)
    assert _files(items) == {"links.tar/ok.jpg": PHOTO}
    assert _refused(items) == {"links.tar/sym": "symbolic link", "links.tar/hard": "hard link",
                               "links.tar/dev": "special file (device, pipe)",
                               "links.tar/fifo": "special file (device, pipe)"}


def _mark_encrypted(data: bytes, name: bytes) -> bytes:
    """Set the "encrypted" flag in both headers, as zipfile cannot write encrypted members."""
    raw = bytearray(data)
    for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        start = raw.index(signature)
        while raw[start + name_at:start + name_at + len(name)] != name:
            start = raw.index(signature, start + 1)
        raw[start + flag_at] |= 0x1
    return bytes(raw)


def test_symlink_and_encrypted_zip_members_are_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        link = zipfile.ZipInfo("link")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
        archive.writestr("secret.jpg", b"ciphertext-like bytes")
        archive.writestr("ok.jpg", PHOTO)
    path = tmp_path / "mixed.zip"
    path.write_bytes(_mark_encrypted(out.getvalue(), b"secret.jpg"))
    items = _walk(path, tmp_path)
    assert _files(items) == {"mixed.zip/ok.jpg": PHOTO}
    assert _refused(items) == {"mixed.zip/link": "symbolic link",
                               "mixed.zip/secret.jpg": "encrypted member"}


def test_corrupt_member_is_refused_the_rest_kept(tmp_path: Path) -> None:
    raw = bytearray(zipped({"bad.jpg": PHOTO, "ok.jpg": PHOTO}, zipfile.ZIP_STORED))
    at = raw.index(PHOTO)
    raw[at + 10] ^= 0xFF
    path = tmp_path / "crc.zip"
    path.write_bytes(bytes(raw))
    items = _walk(path, tmp_path)
    assert _files(items) == {"crc.zip/ok.jpg": PHOTO}
    assert "CRC" in _refused(items)["crc.zip/bad.jpg"]


def test_zip_bomb_ratio_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    path.write_bytes(zipped({"zeros.bin": bytes(8 << 20), "ok.jpg": PHOTO}))
    items = _walk(path, tmp_path)
    assert _files(items) == {"bomb.zip/ok.jpg": PHOTO}
    assert "compression ratio" in _refused(items)["bomb.zip/zeros.bin"]


def test_gzip_bomb_ratio_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "zeros.gz"
    path.write_bytes(gzip.compress(bytes(8 << 20), mtime=0))
    items = _walk(path, tmp_path)
    assert "compression ratio" in _refused(items)["zeros.gz"]
    assert list((tmp_path / "spool").iterdir()) == []


def test_total_size_limit_refuses_what_would_pass_it(tmp_path: Path) -> None:
    path = tmp_path / "big.tar"
    path.write_bytes(_tar_bytes({"a.bin": b"a" * 3000, "b.bin": b"b" * 3000, "c.bin": b"c"}))
    items = _walk(path, tmp_path, Limits(max_total_size=4000))
    assert _files(items) == {"big.tar/a.bin": b"a" * 3000, "big.tar/c.bin": b"c"}
    assert "total extracted size" in _refused(items)["big.tar/b.bin"]


def test_nesting_depth_is_limited(tmp_path: Path) -> None:
    level3 = zipped({"deep.jpg": PHOTO})
    level2 = zipped({"l3.zip": level3})
    path = tmp_path / "l1.zip"
    path.write_bytes(zipped({"l2.zip": level2, "top.jpg": PHOTO}))
    items = _walk(path, tmp_path, Limits(max_depth=2))
    assert _files(items) == {"l1.zip/top.jpg": PHOTO}
    assert "nested more than 2" in _refused(items)["l1.zip/l2.zip/l3.zip"]
    assert _files(_walk(path, tmp_path))["l1.zip/l2.zip/l3.zip/deep.jpg"] == PHOTO


def test_truncated_tar_gz_keeps_the_members_before_the_cut(tmp_path: Path) -> None:
    rng = random.Random(9)
    members = {f"m{i}.bin": rng.randbytes(20_000) for i in range(4)}
    data = _tar_bytes(members, gz=True)
    path = tmp_path / "cut.tar.gz"
    path.write_bytes(data[: int(len(data) * 0.6)])
    items = _walk(path, tmp_path)
    kept = _files(items)
    assert 1 <= len(kept) < 4
    assert all(members[name.rsplit("/", 1)[1]] == data for name, data in kept.items())
    assert any(i.display.startswith("cut.tar.gz") for i in items if isinstance(i, Refused))


def test_truncated_zip_is_refused_and_its_siblings_kept(tmp_path: Path) -> None:
    broken = zipped({"a.jpg": PHOTO, "b.jpg": PHOTO})
    path = tmp_path / "outer.tar"
    path.write_bytes(_tar_bytes({"cut.zip": broken[:-30], "ok.jpg": PHOTO}))
    items = _walk(path, tmp_path)
    assert _files(items) == {"outer.tar/ok.jpg": PHOTO}
    assert "unreadable zip" in _refused(items)["outer.tar/cut.zip"]
    assert [i.display for i in items if isinstance(i, Leaf) and i.container] == [
        "outer.tar", "outer.tar/cut.zip"]


def test_member_count_is_limited(tmp_path: Path) -> None:
    path = tmp_path / "many.zip"
    path.write_bytes(zipped({f"{i}.txt": b"x" for i in range(5)}))
    items = _walk(path, tmp_path, Limits(max_members=3))
    assert len(_files(items)) == 3 and len(_refused(items)) == 2


def test_overlapping_zip_entries_refuse_the_archive_whole(tmp_path: Path) -> None:
    """A quoted-overlap bomb (CVE-2024-0450) nested in a tar: nothing of it is spooled, its
    siblings are kept."""
    bomb = quoted_overlap(zipped({"a.jpg": PHOTO}), copies=4)
    path = tmp_path / "outer.tar"
    path.write_bytes(_tar_bytes({"bomb.zip": bomb, "ok.jpg": PHOTO}))
    items = _walk(path, tmp_path)
    assert _files(items) == {"outer.tar/ok.jpg": PHOTO}
    assert _refused(items) == {"outer.tar/bomb.zip": (
        "unreadable zip archive: UnsafeZip: possible zip bomb: entry 'a.jpg' at byte 0 overlaps "
        "entry 'a.jpg' at byte 0")}


def test_a_disk_error_is_not_blamed_on_the_member() -> None:
    """The spool file is written on this machine: a full disk is said as such, while damaged
    data is said in the examiner's words."""
    assert member_problem(OSError(28, "No space left on device")) == (
        "disk error (No space left on device)")
    assert member_problem(zlib.error("Error -3 while decompressing data")) == (
        "damaged compressed data")
    assert member_problem(OSError("Invalid data stream")) == "damaged compressed data"
    assert member_problem(tarfile.ReadError("unexpected end of data")) == (
        "ReadError: unexpected end of data")  # tar's own words, not blamed on compression
