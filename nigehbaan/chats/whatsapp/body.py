"""What a WhatsApp message body says beyond its text: media, deletion, edits, mentions.

Markers from every shipped locale are merged into one lookup, so one pass serves English and
Spanish exports alike and an unknown locale still gets its attached files through WhatsApp's own
file naming (`IMG-20180101-WA0001.jpg`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import PurePosixPath

from nigehbaan.chats.members import LONGEST_NAME, NAMED_MENTION, MemberBook
from nigehbaan.chats.model import Media, MediaKind, MemberRef, Message
from nigehbaan.chats.whatsapp.locale import locales
from nigehbaan.chats.whatsapp.names import mentioned_label

_ANDROID_FILE = re.compile(r"(?P<file>[^<>\s][^<>]*?\.\w{1,6}) \((?P<words>[^()]+)\)")
_WA_FILE_NAME = re.compile(r"(?:IMG|VID|AUD|PTT|STK|DOC)-\d{8}-WA\d+")
_IOS_ATTACHED = re.compile(r"<(?:attached|adjunto): (?P<file>[^>]+)>")
_MENTION = re.compile(r"@(\d{7,15})\b")
_LOCATION = re.compile(r"(?:location|ubicación): https://maps\.google\.com/\S+")
_KIND_BY_WORD = {
    "IMG": MediaKind.IMAGE, "PHOTO": MediaKind.IMAGE, "VID": MediaKind.VIDEO,
    "VIDEO": MediaKind.VIDEO, "AUD": MediaKind.AUDIO, "AUDIO": MediaKind.AUDIO,
    "PTT": MediaKind.VOICE, "STK": MediaKind.STICKER, "STICKER": MediaKind.STICKER,
    "GIF": MediaKind.GIF, "DOC": MediaKind.DOCUMENT,
}  # fmt: skip
_KIND_BY_EXT = {
    "jpg": MediaKind.IMAGE, "jpeg": MediaKind.IMAGE, "png": MediaKind.IMAGE,
    "heic": MediaKind.IMAGE, "mp4": MediaKind.VIDEO, "mov": MediaKind.VIDEO,
    "3gp": MediaKind.VIDEO, "opus": MediaKind.VOICE, "ogg": MediaKind.AUDIO,
    "m4a": MediaKind.AUDIO, "mp3": MediaKind.AUDIO, "aac": MediaKind.AUDIO,
    "webp": MediaKind.STICKER, "gif": MediaKind.GIF, "vcf": MediaKind.CONTACT,
    "pdf": MediaKind.DOCUMENT,
}  # fmt: skip
OMITTED = "media omitted from the export"
MISSING = "file named in the export but not found beside it"
OMITTED_MEDIA = Media(MediaKind.OTHER, not_hashable=OMITTED)


def media_kind(file_name: str) -> MediaKind:
    """WhatsApp names files by kind (`IMG-…`, `…-PHOTO-…`); the extension is the fallback."""
    stem = PurePosixPath(file_name).stem.upper()
    for part in re.split(r"[-_]", stem):
        if part in _KIND_BY_WORD:
            return _KIND_BY_WORD[part]
    return _KIND_BY_EXT.get(PurePosixPath(file_name).suffix.lower().lstrip("."), MediaKind.OTHER)


class BodyReader:
    """Builds `Message`s; `locate` maps a file name to where the export holds it, if anywhere."""

    def __init__(self, book: MemberBook, locate: Callable[[str], str | None]) -> None:
        self.book = book
        self.locate = locate
        all_locales = locales()
        self.omitted = frozenset().union(*(loc.media_omitted for loc in all_locales))
        self.attached_words = frozenset(loc.file_attached.strip("()") for loc in all_locales)
        deleted = frozenset().union(*(loc.deleted | loc.deleted_by_owner for loc in all_locales))
        self.canned: dict[str, tuple[Media | None, bool]] = {
            **dict.fromkeys(self.omitted, (OMITTED_MEDIA, False)),
            **dict.fromkeys(deleted, (None, True)),
        }
        """Whole bodies that say only "deleted" or "media omitted": their message is fixed, so
        the parser builds them in bulk (`chunks`) from this same table."""
        self.edited = tuple(mark for loc in all_locales for mark in loc.edited)
        self.by_admin = tuple(lead for loc in all_locales for lead in loc.deleted_by_admin)
        """`This message was deleted by admin ` (then the admin's name): a body that starts so
        is read one by one (`hints`), since it also names who moderated the group."""
        self.ios_omitted = tuple(pair for loc in all_locales for pair in loc.ios_omitted)
        self.saw_attached_files = False

    def message(
        self, position: int, raw: str, stamp: datetime, sender: MemberRef, text: str
    ) -> Message:
        if text.startswith("\u200e"):
            text = text.lstrip("\u200e")
        edited = False
        if text.endswith(">"):
            for mark in self.edited:
                if text.endswith(mark):
                    text, edited = text[: -len(mark)].rstrip(" \u200e"), True
                    break
        canned = self.canned.get(text)
        if canned is not None:
            media, deleted = canned
            return Message(position, raw, stamp, True, sender, "", media, deleted=deleted,
                           edited=edited)  # fmt: skip
        if text.startswith(self.by_admin):
            admin = self._by_admin(text)
            if admin is not None:
                return Message(position, raw, stamp, True, sender, "", None, deleted=True,
                               edited=edited, deleted_by=admin)  # fmt: skip
        media = None
        if " (" in text or "<" in text or "omit" in text or ": https://" in text:
            media, text = self._media(text)
        mentions: tuple[MemberRef, ...] = ()
        if "@" in text:
            mentions = self._mentions(text)
        return Message(
            position, raw, stamp, True, sender, text, media, mentions=mentions, edited=edited
        )

    def _media(self, text: str) -> tuple[Media | None, str]:
        first, _, caption = text.partition("\n")
        found = _ANDROID_FILE.fullmatch(first)
        if found and (found["words"] in self.attached_words or _WA_FILE_NAME.match(found["file"])):
            return self._attached(found["file"]), caption
        found = _IOS_ATTACHED.match(first.lstrip("\u200e"))
        if found:
            rest = first.lstrip("\u200e")[found.end() :].strip()
            return self._attached(found["file"]), "\n".join(p for p in (rest, caption) if p)
        for pattern, kind in self.ios_omitted:
            if pattern.fullmatch(first):
                return Media(kind, not_hashable=OMITTED), caption
        if _LOCATION.fullmatch(first):
            return Media(MediaKind.LOCATION), text
        return None, text

    def _attached(self, file_name: str) -> Media:
        self.saw_attached_files = True
        path = self.locate(file_name)
        reason = None if path is not None else MISSING
        return Media(media_kind(file_name), file_name, True, path, reason)

    def _mentions(self, text: str) -> tuple[MemberRef, ...]:
        """Each mention's member, in the order written: `@digits` (older exports) and the
        named form, which points at the same member as that name in a header."""
        found = [(m.start(), self.book.phone_digits(m[1])) for m in _MENTION.finditer(text)]
        if "\u2068" in text:
            found += [(m.start(), self._named(m[1])) for m in NAMED_MENTION.finditer(text)]
            found.sort(key=lambda pair: pair[0])
        refs = tuple(ref for _, ref in found if ref is not None)
        for ref in refs:
            self.book.count(ref, "mentioned")
        return refs

    @property
    def hints(self) -> tuple[str, ...]:
        """Literals of bodies the bulk build cannot make (see `chunks`)."""
        return self.by_admin

    def _by_admin(self, text: str) -> MemberRef | None:
        """The admin a deletion notice names; None for text that only starts like one (the
        notice is one line ending in a full stop after a name)."""
        lead = next(lead for lead in self.by_admin if text.startswith(lead))
        name = text[len(lead) :]
        if "\n" in name or not name.endswith(".") or not 1 < len(name) <= LONGEST_NAME:
            return None
        admin = self._named(name[:-1])
        if admin is not None:
            self.book.count(admin, "actor")
        return admin

    def _named(self, name: str) -> MemberRef | None:
        label = mentioned_label(name)
        return None if label is None else self.book.label(label, system=True)
