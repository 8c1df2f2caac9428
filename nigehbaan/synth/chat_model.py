"""The layout-free vocabulary of a synthetic chat group.

A group is planned once as a stream of these items; each export layout (WhatsApp Android, iOS,
Telegram) renders the same stream its own way. Keeping the items free of any layout detail is what
lets one ground truth describe the behaviour while positions are recorded per file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Role = Literal["offender", "victim", "passive", "other"]
Platform = Literal["whatsapp", "telegram"]
MediaKind = Literal["image", "video"]
EventKind = Literal[
    "encryption", "created", "added", "removed", "left", "joined_link", "subject", "icon",
    "admin_self",
]

Tag = tuple[int, str]
"""(member index, indicator code): what an item plants, resolved to a position when rendered."""


@dataclass(slots=True, frozen=True)
class Mention:
    """`@` + the member's digits on WhatsApp, a `mention_name` entity on Telegram."""

    member: int


@dataclass(slots=True, frozen=True)
class NumberText:
    """A member's phone number typed by someone else (the "number posted by others" sign)."""

    member: int


@dataclass(slots=True, frozen=True)
class Link:
    """A URL; Telegram turns it into a `link` text entity."""

    url: str


@dataclass(slots=True, frozen=True)
class HeaderLike:
    """A line typed inside a message that looks like a header, with an older timestamp.

    The renderer formats it in the file's own header layout, so a parser that trusts any
    header-shaped line sees time run backwards.
    """

    minutes_back: int
    name: str
    text: str


Part = str | Mention | NumberText | Link | HeaderLike


@dataclass(slots=True, frozen=True)
class ChatMessage:
    """One message. `parts` may contain newlines: the continuation lines of a multi-line text."""

    sender: int
    parts: tuple[Part, ...] = ()
    media: int | None = None
    media_kind: MediaKind | None = None
    forwarded_from: int | None = None
    reply_to: int | None = None
    deleted: bool = False
    edited: bool = False
    tags: tuple[Tag, ...] = ()


@dataclass(slots=True, frozen=True)
class SystemEvent:
    """A membership or settings event; `actor` None means WhatsApp itself (encryption notice)."""

    kind: EventKind
    actor: int | None = None
    targets: tuple[int, ...] = ()
    old: str = ""
    new: str = ""
    tags: tuple[Tag, ...] = ()


Item = ChatMessage | SystemEvent

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})
VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".3gp"})


class MediaCatalog:
    """Maps abstract media keys to content, and to files when benign media were generated.

    Why keys and not files: the plan is the same with or without a media folder. With files, a
    key's identity is the file it lands on (`key % len(files)`), so first-poster ground truth
    follows the bytes a matcher would actually see.
    """

    __slots__ = ("files",)

    def __init__(self, media_dir: Path | None) -> None:
        found: list[Path] = []
        if media_dir is not None and media_dir.is_dir():
            found = sorted(
                p for p in media_dir.rglob("*")
                if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES | VIDEO_SUFFIXES
            )
        self.files: tuple[Path, ...] = tuple(found)

    def identity(self, key: int) -> int:
        """The content a key stands for: the file index when files exist, else the key."""
        return key % len(self.files) if self.files else key

    def kind(self, key: int) -> MediaKind:
        if self.files:
            suffix = self.files[self.identity(key)].suffix.lower()
            return "video" if suffix in VIDEO_SUFFIXES else "image"
        return "video" if key % 5 == 4 else "image"

    def file(self, key: int) -> Path | None:
        return self.files[self.identity(key)] if self.files else None

    def suffix(self, key: int) -> str:
        source = self.file(key)
        if source is not None:
            return source.suffix.lower()
        return ".mp4" if self.kind(key) == "video" else ".jpg"
