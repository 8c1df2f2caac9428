"""Media items of an import: their content hashes, read where the files lie.

Attached files are hashed where they lie (a zip member or a file next to a Telegram
`result.json`), streamed, so re-shared content can be told from first posts while the records
stream by. Storing the bytes is the evidence vault's job (`chats.vaulting`): it stores content
unaltered, so the SHA-256 read here is the vault item's and links the two.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from types import TracebackType
from typing import cast

from nigehbaan.chats.model import Media
from nigehbaan.chats.source import open_export_zip
from nigehbaan.core.zips import MEMBER_OPEN_ERRORS, MEMBER_READ_ERRORS, member_problem


class MediaHashes:
    """`hashes(media)` is the SHA-256 of an attached file, or None when its bytes cannot be
    read; then `reason(media)` says why, when the bytes are there but unreadable."""

    def __init__(self, export: Path) -> None:
        self.export = export
        self._zip: zipfile.ZipFile | None = None
        self._names: set[str] = set()
        self._cache: dict[str, str | None] = {}
        self._reasons: dict[str, str] = {}

    def __enter__(self) -> MediaHashes:
        if zipfile.is_zipfile(self.export):
            self._zip = open_export_zip(self.export)
            self._names = set(self._zip.namelist())
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._zip is not None:
            self._zip.close()

    def __call__(self, media: Media) -> str | None:
        path = media.path
        if not path or not media.attached:
            return None
        if path not in self._cache:
            self._cache[path] = self._hash(path)
        return self._cache[path]

    def reason(self, media: Media) -> str | None:
        """Why an attached file found in the export has no hash, or None when it has one or
        was never found (the caller knows that case)."""
        return self._reasons.get(media.path) if media.path else None

    def _hash(self, path: str) -> str | None:
        if self._zip is not None:
            return self._hash_member(self._zip, path)
        return self._hash_file(path)

    def _hash_member(self, archive: zipfile.ZipFile, path: str) -> str | None:
        if path not in self._names:
            return None
        info = archive.getinfo(path)
        try:
            with archive.open(info) as data:  # a ZipExtFile, streamed by file_digest
                return hashlib.file_digest(cast(io.BufferedIOBase, data), "sha256").hexdigest()
        except (*MEMBER_OPEN_ERRORS, *MEMBER_READ_ERRORS) as error:
            self._reasons[path] = f"unreadable in the export zip: {member_problem(error, info)}"
            return None

    def _hash_file(self, path: str) -> str | None:
        file = Path(path)
        if not file.is_absolute():
            file = self.export.parent / file
        if not file.is_file():
            return None
        try:
            with file.open("rb") as data:
                return hashlib.file_digest(data, "sha256").hexdigest()
        except OSError as error:
            self._reasons[path] = f"unreadable beside the export ({error.strerror or error})"
            return None

