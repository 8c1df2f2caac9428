"""One parser per export format, and detection by asking each how well it knows the file.

A new format is one `ChatParser` subclass passed to `register`; nothing else changes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal

from nigehbaan.chats.errors import ChatParseError
from nigehbaan.chats.model import ChatExport, ChatFormat
from nigehbaan.chats.source import Source
from nigehbaan.chats.stream import ChatStream

DateOrder = Literal["dmy", "mdy", "ymd"]


@dataclass(frozen=True)
class ParseOptions:
    """`owner_name` is the label the seized phone's owner has on their own messages, when the
    investigator knows it; `chat` picks one chat (name or id) of a full Telegram export."""

    date_order: DateOrder | None = None
    default_region: str = "PK"
    owner_name: str | None = None
    chat: str | None = None


class ChatParser(ABC):
    format: ClassVar[ChatFormat]

    @abstractmethod
    def score(self, source: Source) -> float:
        """How sure we are the file is ours, 0 (not at all) to 1, from its first bytes only."""

    @abstractmethod
    def streams(self, source: Source, options: ParseOptions) -> Iterator[ChatStream]:
        """Every chat of the export in file order; read each stream before asking the next."""


_PARSERS: list[ChatParser] = []


def register(parser: ChatParser) -> ChatParser:
    _PARSERS.append(parser)
    return parser


def parsers() -> tuple[ChatParser, ...]:
    _load_builtin()
    return tuple(_PARSERS)


def _load_builtin() -> None:
    if not _PARSERS:
        from nigehbaan.chats.telegram.parser import TelegramParser
        from nigehbaan.chats.whatsapp.parser import WhatsAppParser

        register(WhatsAppParser())
        register(TelegramParser())


def detect_source(source: Source) -> ChatParser:
    scored = sorted(((p.score(source), i, p) for i, p in enumerate(parsers())), reverse=True)
    best_score, _, best = scored[0]
    if best_score <= 0:
        raise ChatParseError(f"{source.name}: not a WhatsApp or Telegram chat export")
    return best


def detect(path: str | Path) -> ChatParser:
    return detect_source(Source(path))


def open_chats(
    path: str | Path,
    *,
    date_order: DateOrder | None = None,
    default_region: str = "PK",
    owner_name: str | None = None,
) -> Iterator[ChatStream]:
    """Stream every chat of an export, for imports that must stay within bounded memory."""
    source = Source(path)
    options = ParseOptions(date_order, default_region.upper(), owner_name)
    return detect_source(source).streams(source, options)


def parse_all(path: str | Path, **options: str | None) -> list[ChatExport]:
    return [stream.collect() for stream in open_chats(path, **options)]  # type: ignore[arg-type]


def parse(
    path: str | Path,
    *,
    date_order: DateOrder | None = None,
    default_region: str = "PK",
    owner_name: str | None = None,
    chat: str | None = None,
) -> ChatExport:
    """The one chat of an export; a full Telegram export needs `chat` unless it holds one group."""
    streams = open_chats(
        path, date_order=date_order, default_region=default_region, owner_name=owner_name
    )
    seen: list[str] = []
    found: list[ChatExport] = []
    for stream in streams:
        head = stream.header
        seen.append(f"{head.title} ({head.chat_id})")
        if chat is None or chat in (head.title, head.chat_id):
            found.append(stream.collect())
        else:
            stream.drain()
    groups = [e for e in found if "group" in e.chat_type]
    if len(found) == 1:
        return found[0]
    if chat is None and len(groups) == 1:
        return groups[0]
    listing = "; ".join(seen[:10]) + (" …" if len(seen) > 10 else "")
    wanted = f"no single chat named {chat!r}" if chat is not None else f"{len(groups)} group chats"
    raise ChatParseError(f"{path}: {wanted} in this export; pass chat=NAME or ID: {listing}")
