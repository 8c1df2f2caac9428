"""Opening an export as text, streamed, whatever encoding or container it comes in.

Exports arrive as a bare `.txt`, a WhatsApp `.zip` (chat text plus media), or a Telegram
`result.json` (or its folder). Text is decoded while streaming so a 100 MB export never sits in
memory whole; the encoding is decided from the first bytes (BOMs, then the NUL pattern UTF-16
leaves in ASCII text) because phones and Windows tools write all of these.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO

from nigehbaan.chats.errors import ChatParseError
from nigehbaan.chats.model import Attachment
from nigehbaan.core.zips import (
    ARCHIVE_OPEN_ERRORS,
    MEMBER_OPEN_ERRORS,
    MEMBER_READ_ERRORS,
    UnsafeZip,
    open_zip,
)

_HEAD_BYTES = 8192
_CHUNK = 1 << 20
_CHAT_TEXT_HINTS = ("whatsapp chat", "chat de whatsapp", "_chat.txt", "whatsapp-chat")



def sniff_encoding(head: bytes, name: str) -> str:
    """The codec for bytes that start with `head`; raises for empty or binary input."""
    if not head.strip(b" \t\r\n"):
        raise ChatParseError(f"{name}: the file is empty")
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    sample = head[:4096]
    half = max(len(sample) // 2, 1)
    odd_nuls = sample[1::2].count(0)
    even_nuls = sample[0::2].count(0)
    if odd_nuls > half * 0.3 and even_nuls < half * 0.05:
        return "utf-16-le"
    if even_nuls > half * 0.3 and odd_nuls < half * 0.05:
        return "utf-16-be"
    if 0 in sample or _control_share(sample) > 0.05:
        raise ChatParseError(f"{name}: binary data, not a chat export")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError as exc:
        raise ChatParseError(
            f"{name}: not UTF-8 or UTF-16 text (undecodable byte at offset {exc.start})"
        ) from None
    return "utf-8"


def _control_share(sample: bytes) -> float:
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    return controls / max(len(sample), 1)


def open_export_zip(path: Path) -> zipfile.ZipFile:
    """An export's zip, opened by every pass over it (the chat text, the media hashes) and
    refused the same way each time: a zip that passed once is still read as hostile."""
    try:
        return open_zip(path)
    except UnsafeZip as exc:
        raise ChatParseError(f"{path}: refused: {exc}") from None
    except ARCHIVE_OPEN_ERRORS as exc:
        raise ChatParseError(f"{path}: truncated or damaged zip ({exc})") from None


def export_file(path: Path) -> Path:
    """The file whose bytes are the export: itself, or `result.json` in a Telegram folder."""
    if path.is_dir():
        if (path / "result.json").is_file():
            return path / "result.json"
        raise ChatParseError(f"{path}: a folder without a result.json; give the export file")
    if not path.exists():
        raise ChatParseError(f"{path}: no such file")
    if not path.is_file():
        raise ChatParseError(f"{path}: not a regular file (a pipe or a device?)")
    return path


class Source:
    """One export on disk: a text or JSON file, a folder holding `result.json`, or a zip."""

    def __init__(self, path: str | Path) -> None:
        path = export_file(Path(path))
        self.path = path
        self.name = str(path)
        self.zip_member: str | None = None
        self._zip_names: list[zipfile.ZipInfo] = []
        if path.stat().st_size == 0:
            raise ChatParseError(f"{self.name}: the file is empty")
        if zipfile.is_zipfile(path) or path.suffix.lower() == ".zip":
            self._open_zip_index()
        self.head = self._read_head()

    @property
    def file_name(self) -> str:
        return PurePosixPath(self.zip_member).name if self.zip_member else self.path.name

    def _open_zip_index(self) -> None:
        with open_export_zip(self.path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
        texts = [i for i in infos if i.filename.lower().endswith((".txt", ".json"))]
        if not texts:
            raise ChatParseError(f"{self.name}: the zip holds no chat text file")
        hinted = [i for i in texts if any(h in i.filename.lower() for h in _CHAT_TEXT_HINTS)]
        chosen = max(hinted or texts, key=lambda i: i.file_size)
        self.zip_member = chosen.filename
        self._zip_names = [i for i in infos if i is not chosen]

    @contextmanager
    def _binary(self) -> Iterator[IO[bytes]]:
        if self.zip_member is None:
            with self.path.open("rb") as handle:
                yield handle
            return
        try:
            with open_export_zip(self.path) as zf, self._member(zf) as handle:
                yield handle
        except MEMBER_READ_ERRORS as exc:
            raise ChatParseError(f"{self.name}: truncated or damaged zip ({exc})") from None

    def _member(self, zf: zipfile.ZipFile) -> IO[bytes]:
        assert self.zip_member is not None
        try:
            return zf.open(self.zip_member)
        except MEMBER_OPEN_ERRORS as exc:
            raise ChatParseError(f"{self.name}: cannot read {self.zip_member} in the zip "
                                 f"({exc})") from None  # fmt: skip

    def _read_head(self) -> str:
        with self._binary() as handle:
            raw = handle.read(_HEAD_BYTES)
        self.encoding = sniff_encoding(raw, self.name)
        decoder = codecs.getincrementaldecoder(self.encoding)(errors="replace")
        return decoder.decode(raw, final=False)

    @contextmanager
    def text(self) -> Iterator[io.TextIOWrapper]:
        """The decoded text, streamed; undecodable bytes deeper in raise `ChatParseError`."""
        with self._binary() as handle:
            wrapper = io.TextIOWrapper(handle, encoding=self.encoding, newline=None)
            try:
                yield wrapper
            except UnicodeDecodeError as exc:
                raise ChatParseError(
                    f"{self.name}: undecodable text as {self.encoding} ({exc.reason})"
                ) from None
            finally:
                wrapper.detach()

    def lines(self) -> Iterator[str]:
        """Lines without their line break; a generator so only one line is held at a time."""
        with self.text() as text:
            for line in text:
                yield line[:-1] if line.endswith("\n") else line

    def chunks(self) -> Generator[str, None, None]:
        with self.text() as text:
            while chunk := text.read(_CHUNK):
                yield chunk

    def attachments(self) -> tuple[Attachment, ...]:
        """Media files shipped beside the chat text in a zip, for the evidence vault."""
        return tuple(
            Attachment(PurePosixPath(i.filename).name, i.filename, i.file_size)
            for i in self._zip_names
        )

    def sibling(self, relative: str) -> Path | None:
        """A file named by the export next to it on disk (Telegram's `photos/…`)."""
        if self.zip_member is not None or not relative:
            return None
        candidate = (self.path.parent / relative).resolve()
        if self.path.parent.resolve() not in candidate.parents or not candidate.is_file():
            return None
        return candidate
