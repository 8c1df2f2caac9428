from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from nigehbaan.evidence.filetype import Kind, detect, detect_file
from nigehbaan.synth.media import Manifest
from tests.evidence.conftest import first


def _pillow(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 200, 30)).save(out, fmt)
    return out.getvalue()


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.txt", "hello")
    return out.getvalue()


def _tar() -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as archive:
        info = tarfile.TarInfo("a.txt")
        info.size = 5
        archive.addfile(info, io.BytesIO(b"hello"))
    return out.getvalue()


def _box(brand: bytes) -> bytes:
    return b"\x00\x00\x00\x18ftyp" + brand + b"\x00\x00\x00\x00" + brand + b"\x00" * 8


@pytest.mark.parametrize(("head", "name", "mime", "kind"), [
    (_pillow("JPEG"), "jpeg", "image/jpeg", Kind.IMAGE),
    (_pillow("PNG"), "png", "image/png", Kind.IMAGE),
    (_pillow("GIF"), "gif", "image/gif", Kind.IMAGE),
    (_pillow("WEBP"), "webp", "image/webp", Kind.IMAGE),
    (_pillow("BMP"), "bmp", "image/bmp", Kind.IMAGE),
    (_pillow("TIFF"), "tiff", "image/tiff", Kind.IMAGE),
    (_box(b"heic"), "heic", "image/heic", Kind.IMAGE),
    (_box(b"isom"), "mp4", "video/mp4", Kind.VIDEO),
    (_box(b"qt  "), "mov", "video/quicktime", Kind.VIDEO),
    (_box(b"3gp5"), "3gp", "video/3gpp", Kind.VIDEO),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "webm", "video/webm", Kind.VIDEO),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska", "mkv", "video/x-matroska",
     Kind.VIDEO),
    (b"RIFF\x00\x10\x00\x00AVI LIST", "avi", "video/x-msvideo", Kind.VIDEO),
    (_zip(), "zip", "application/zip", Kind.ARCHIVE),
    (_tar(), "tar", "application/x-tar", Kind.ARCHIVE),
    (gzip.compress(b"hello", mtime=0), "gzip", "application/gzip", Kind.ARCHIVE),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "pdf", "application/pdf", Kind.DOCUMENT),
    (b"12/03/2019, 21:04 - Sara: salaam, kahan ho?\n", "text", "text/plain",
     Kind.DOCUMENT),
    (b"\x00\x01\x02\x03binary\xff\xfe", "unknown", "application/octet-stream", Kind.OTHER),
    (b"", "unknown", "application/octet-stream", Kind.OTHER),
])
def test_detects_type_from_content(head: bytes, name: str, mime: str, kind: Kind) -> None:
    found = detect(head)
    assert (found.name, found.mime, found.kind) == (name, mime, kind)


def test_text_cut_inside_a_multibyte_character_is_still_text() -> None:
    head = "نگہبان".encode()[:-1]
    assert detect(head).name == "text"


def test_name_is_ignored(media: tuple[Path, Manifest], tmp_path: Path) -> None:
    folder, manifest = media
    disguised = tmp_path / "notes.txt"
    disguised.write_bytes((folder / first(manifest, "video")).read_bytes())
    assert detect_file(disguised).name == "mp4"
