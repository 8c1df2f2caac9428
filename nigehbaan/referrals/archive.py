"""The package archive: a zip written in one canonical way, so that a verifier can rebuild the
exact bytes from the contents and notice a change anywhere, headers included.

Why stored (uncompressed) entries with fixed times and attributes: deflate output may differ
between zlib builds, which would make honest packages fail on another machine; stored entries
are byte-for-byte reproducible, and media (the only large content) is compressed already.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from nigehbaan.core.errors import Invalid
from nigehbaan.core.zips import (
    ARCHIVE_OPEN_ERRORS,
    MEMBER_OPEN_ERRORS,
    MEMBER_READ_ERRORS,
    UnsafeZip,
    member_problem,
    open_zip,
)

MAX_ENTRIES = 100_000
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Times live in the manifest (signed); the zip headers carry none."""


def write(entries: Sequence[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def read(data: bytes, source: str) -> tuple[list[tuple[str, bytes]], list[str]]:
    """Entries in stored order, and the problems met (a damaged entry is named, not raised)."""
    try:
        archive = open_zip(io.BytesIO(data))
    except UnsafeZip as error:
        raise Invalid(f"{source}: not a package (refused: {error})") from None
    except ARCHIVE_OPEN_ERRORS as error:
        raise Invalid(f"{source}: not a package (not a readable zip archive: {error})") from None
    entries: list[tuple[str, bytes]] = []
    problems: list[str] = []
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise Invalid(f"{source}: {len(infos)} entries; a package holds at most {MAX_ENTRIES}")
        declared = sum(info.file_size for info in infos)
        if declared > len(data):  # `write` stores entries: they fit in the package
            raise Invalid(f"{source}: not a package (its entries declare {declared} bytes, "
                          f"more than its own {len(data)})")
        for info in infos:
            try:
                entries.append((info.filename, archive.read(info)))
            except (*MEMBER_OPEN_ERRORS, *MEMBER_READ_ERRORS, zipfile.LargeZipFile,
                    ValueError) as error:
                problems.append(f"{info.filename}: damaged ({member_problem(error, info)})")
    return entries, problems
