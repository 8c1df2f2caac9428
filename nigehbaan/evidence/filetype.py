"""File types detected from content, never from the name.

A seized phone's files are often renamed (`.jpg` videos, extension-less cache files, archives
named `.dat`), and a name is something a suspect controls. The first bytes are what the decoders
will actually see, so they decide which analysis runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

HEAD_SIZE = 4096
"""Enough for every signature below, including tar's `ustar` at 257 and a WebM doc type."""


class Kind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    ARCHIVE = "archive"
    DOCUMENT = "document"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class FileType:
    name: str
    mime: str
    kind: Kind


UNKNOWN = FileType("unknown", "application/octet-stream", Kind.OTHER)
TEXT = FileType("text", "text/plain", Kind.DOCUMENT)

_FTYP_BRANDS: dict[bytes, FileType] = {
    **{brand: FileType("heic", "image/heic", Kind.IMAGE)
       for brand in (b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"hevc", b"hevx")},
    b"qt  ": FileType("mov", "video/quicktime", Kind.VIDEO),
    **{brand: FileType("3gp", "video/3gpp", Kind.VIDEO)
       for brand in (b"3gp4", b"3gp5", b"3gp6", b"3gp7", b"3ge6", b"3ge7", b"3gg6", b"3g2a")},
}
_MP4 = FileType("mp4", "video/mp4", Kind.VIDEO)


def _ftyp(head: bytes) -> FileType | None:
    if head[4:8] != b"ftyp":
        return None
    return _FTYP_BRANDS.get(head[8:12], _MP4)


def _riff(head: bytes) -> FileType | None:
    if head[:4] != b"RIFF":
        return None
    form = head[8:12]
    if form == b"WEBP":
        return FileType("webp", "image/webp", Kind.IMAGE)
    if form == b"AVI ":
        return FileType("avi", "video/x-msvideo", Kind.VIDEO)
    return None


def _ebml(head: bytes) -> FileType | None:
    if head[:4] != b"\x1a\x45\xdf\xa3":
        return None
    if b"webm" in head[:64]:
        return FileType("webm", "video/webm", Kind.VIDEO)
    return FileType("mkv", "video/x-matroska", Kind.VIDEO)


def _tar(head: bytes) -> FileType | None:
    if head[257:262] == b"ustar":
        return FileType("tar", "application/x-tar", Kind.ARCHIVE)
    return None


def _prefix(signature: bytes, filetype: FileType) -> Callable[[bytes], FileType | None]:
    return lambda head: filetype if head.startswith(signature) else None


_RULES: tuple[Callable[[bytes], FileType | None], ...] = (
    _prefix(b"\xff\xd8\xff", FileType("jpeg", "image/jpeg", Kind.IMAGE)),
    _prefix(b"\x89PNG\r\n\x1a\n", FileType("png", "image/png", Kind.IMAGE)),
    _prefix(b"GIF87a", FileType("gif", "image/gif", Kind.IMAGE)),
    _prefix(b"GIF89a", FileType("gif", "image/gif", Kind.IMAGE)),
    _prefix(b"II*\x00", FileType("tiff", "image/tiff", Kind.IMAGE)),
    _prefix(b"MM\x00*", FileType("tiff", "image/tiff", Kind.IMAGE)),
    _riff,
    _ftyp,
    _ebml,
    _prefix(b"PK\x03\x04", FileType("zip", "application/zip", Kind.ARCHIVE)),
    _prefix(b"PK\x05\x06", FileType("zip", "application/zip", Kind.ARCHIVE)),
    _prefix(b"\x1f\x8b", FileType("gzip", "application/gzip", Kind.ARCHIVE)),
    _tar,
    _prefix(b"%PDF-", FileType("pdf", "application/pdf", Kind.DOCUMENT)),
    _prefix(b"BM", FileType("bmp", "image/bmp", Kind.IMAGE)),
)
"""Ordered: BMP's two-byte signature is weak, so it is tried after everything longer."""


def _looks_like_text(head: bytes) -> bool:
    """UTF-8 without NULs or control bytes other than whitespace; a cut multi-byte tail is fine."""
    if not head or b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:
            return False
        text = head[: error.start].decode("utf-8")
    return all(ch.isprintable() or ch in "\t\r\n\f" for ch in text)


def detect(head: bytes) -> FileType:
    """The type of content whose first bytes (up to `HEAD_SIZE`) are `head`."""
    for rule in _RULES:
        found = rule(head)
        if found is not None:
            return found
    return TEXT if _looks_like_text(head) else UNKNOWN


def detect_file(path: Path) -> FileType:
    with path.open("rb") as stream:
        return detect(stream.read(HEAD_SIZE))
