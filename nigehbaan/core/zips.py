"""Opening a zip that a suspect or a partner may have crafted, before any member is read.

Python 3.11's `zipfile` trusts the central directory: many entries may point into the same
compressed bytes (the "quoted-overlap" bomb, CVE-2024-0450; `zipfile` checks it only from 3.12),
so a zip of a few megabytes inflates to terabytes. Every reader of outside zips opens them with
`open_zip`, which refuses such an archive as a whole, naming the entry, in one line.

What 3.11 already does and is not repeated here: a member's stream stops at the `file_size` the
directory declares (`ZipExtFile` cuts its output to what is left of that size) and checks the
CRC once it ends, so a read never yields more than the declared size. That is what makes the
declared sizes checked here a bound on what reading the archive can produce.
"""

from __future__ import annotations

import lzma
import struct
import zipfile
import zlib
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import IO, NamedTuple

from nigehbaan.core.errors import describe

MAX_RATIO = 1000.0
"""Declared to compressed size above which an entry is refused (when above `RATIO_FLOOR`).

Deflate cannot pass about 1032:1, so a deflated entry above 1000:1 is a run of one repeated
byte: chat text compresses about 5-10:1 and photos, videos and voice notes barely at all, and
referral packages are stored uncompressed (1:1). Only bzip2 and LZMA go higher, which is where
real bombs go. A ratio far below this would refuse honest text-heavy exports."""
RATIO_FLOOR = 8 << 20
"""Entries declaring at most this many bytes are never refused for their ratio: a small file of
zeros (a blank image, an empty log) is common and harmless at that size."""

DECODE_ERRORS = (zlib.error, lzma.LZMAError)
"""What corrupt deflate or LZMA data raises (neither is an `OSError`; corrupt bzip2 is)."""
MEMBER_OPEN_ERRORS = (RuntimeError, NotImplementedError, UnicodeDecodeError)
"""What `ZipFile.open` raises for a member it cannot read at all: encrypted (RuntimeError), a
compression method or feature it lacks (NotImplementedError), or a local header whose name is
flagged UTF-8 and is not."""
MEMBER_READ_ERRORS = (zipfile.BadZipFile, EOFError, OSError, *DECODE_ERRORS)
"""What reading a damaged member raises: a bad header or CRC, data cut short, corrupt data."""
ARCHIVE_OPEN_ERRORS = (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError)
"""What opening a damaged zip raises besides `UnsafeZip` (a `BadZipFile`): a version it does
not know (NotImplementedError), a name flagged UTF-8 that is not (UnicodeDecodeError, a
ValueError), an unreadable or cut file."""

_UNSUPPORTED_FLAGS = 0x60
"""Strong encryption and patched data: `zipfile` names these itself when it refuses them."""


def member_problem(error: BaseException, info: zipfile.ZipInfo | None = None) -> str:
    """Why an archive member's bytes could not be read, worded for the examiner: seized media
    may hold encrypted, exotic or damaged members, and "not in the export" or a library's
    "Error -3 while decompressing data" would tell them nothing. `info` is a zip member's."""
    if isinstance(error, NotImplementedError):  # before RuntimeError, its base
        if info is not None and info.flag_bits & _UNSUPPORTED_FLAGS:
            return f"unsupported ({error})"
        method = f" {info.compress_type}" if info is not None else ""
        return f"unsupported compression method{method}"
    if isinstance(error, RuntimeError):
        return "encrypted"
    if isinstance(error, UnicodeDecodeError):
        return "damaged entry header (a name flagged UTF-8 is not)"
    if isinstance(error, EOFError):
        return "data cut short"
    if isinstance(error, zipfile.BadZipFile):
        return f"damaged entry ({error})"
    if isinstance(error, OSError) and error.errno is not None:  # this machine, not the data
        return f"disk error ({error.strerror})"
    if isinstance(error, (OSError, *DECODE_ERRORS)):  # zlib, LZMA, or bz2's bare OSError
        return "damaged compressed data"
    return describe(error)  # anything else says best what it is itself (tar's own errors)


_LOCAL_HEADER = struct.Struct("<4s22xHH")
"""The fixed part of a local file header: its signature, then (past versions, flags, method,
times, CRC and sizes) the lengths of the name and the extra field that follow it."""
_LOCAL_SIGNATURE = b"PK\x03\x04"


class UnsafeZip(zipfile.BadZipFile):
    """The archive is refused whole, before anything in it is read; the message is one line
    naming the entry. A `BadZipFile`, so a reader that only knows damaged zips still refuses it."""


class _Span(NamedTuple):
    start: int
    end: int
    name: str


def open_zip(file: str | Path | IO[bytes], *,
             max_ratio: float | None = MAX_RATIO) -> zipfile.ZipFile:
    """The archive opened for reading once it passed `refuse_unsafe`; closed if it did not.

    Raises `UnsafeZip`, and whatever `zipfile` raises for a damaged archive."""
    archive = zipfile.ZipFile(file)
    try:
        refuse_unsafe(archive, max_ratio=max_ratio)
    except BaseException:
        archive.close()
        raise
    return archive


def refuse_unsafe(archive: zipfile.ZipFile, *, max_ratio: float | None = MAX_RATIO) -> None:
    """Raise `UnsafeZip` for entries that overlap, or (unless `max_ratio` is None, for a caller
    that refuses high ratios member by member itself) an entry that declares too much."""
    infos = archive.infolist()
    _refuse_overlaps(archive, infos)
    if max_ratio is not None:
        for info in infos:
            _refuse_ratio(info, max_ratio)


def _refuse_overlaps(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Each entry's local header and compressed data must end before the next entry starts, and
    the last before the central directory: data read twice is how a small zip holds terabytes.
    A data descriptor may sit in the gap between two entries, so gaps are allowed."""
    spans = sorted(_spans(archive, infos))
    for before, after in pairwise(spans):
        if before.end > after.start:
            raise UnsafeZip(f"possible zip bomb: entry {after.name!r} at byte {after.start} "
                            f"overlaps entry {before.name!r} at byte {before.start}")
    if spans and spans[-1].end > archive.start_dir:
        raise UnsafeZip(f"possible zip bomb: entry {spans[-1].name!r} overlaps the central "
                        "directory")


def _spans(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> Iterator[_Span]:
    handle = archive.fp
    if handle is None:
        raise ValueError("the archive is closed")
    for info in infos:
        start = info.header_offset
        if not 0 <= start < archive.start_dir:  # a zip64 offset can be any 64-bit number
            raise zipfile.BadZipFile(f"entry {info.filename!r} starts outside the archive's "
                                     f"entries (at byte {start})")
        yield _Span(start, start + _header_size(handle, start) + info.compress_size,
                    info.filename)


def _header_size(handle: IO[bytes], offset: int) -> int:
    """The local header's length. One that cannot be read counts its fixed part only: `zipfile`
    refuses that member when it is opened, and the other members stay readable."""
    handle.seek(offset)
    raw = handle.read(_LOCAL_HEADER.size)
    if len(raw) < _LOCAL_HEADER.size:
        return _LOCAL_HEADER.size
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(raw)
    if signature != _LOCAL_SIGNATURE:
        return _LOCAL_HEADER.size
    return _LOCAL_HEADER.size + int(name_length) + int(extra_length)


def _refuse_ratio(info: zipfile.ZipInfo, max_ratio: float) -> None:
    if info.file_size > RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
        raise UnsafeZip(f"possible zip bomb: entry {info.filename!r} declares {info.file_size} "
                        f"bytes from {info.compress_size} compressed (over {max_ratio:g}:1)")
