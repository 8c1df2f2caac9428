"""Media items of an import: their content hashes, read where the files lie.

Attached files are hashed where they lie (a zip member or a file next to a Telegram
`result.json`), streamed, so re-shared content can be told from first posts while the records
stream by. Storing the bytes is the evidence vault's job (`chats.vaulting`): it stores content
unaltered, so the SHA-256 read here is the vault item's and links the two.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from types import TracebackType

from nigehbaan.chats.model import Media
from nigehbaan.chats.source import open_export_zip


class MediaHashes:
    """`hashes(media)` is the SHA-256 of an attached file, or None when its bytes are absent."""

    def __init__(self, export: Path) -> None:
        self.export = export
        self._zip: zipfile.ZipFile | None = None
        self._names: set[str] = set()
        self._cache: dict[str, str | None] = {}

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

    def _hash(self, path: str) -> str | None:
        digest = hashlib.sha256()
        try:
            if self._zip is not None:
                if path not in self._names:
                    return None
                with self._zip.open(path) as data:
                    for block in iter(lambda: data.read(1 << 20), b""):
                        digest.update(block)
                return digest.hexdigest()
            file = Path(path)
            if not file.is_absolute():
                file = self.export.parent / file
            if not file.is_file():
                return None
            with file.open("rb") as data:
                for block in iter(lambda: data.read(1 << 20), b""):
                    digest.update(block)
        except (OSError, zipfile.BadZipFile, EOFError):
            return None
        return digest.hexdigest()
