"""One Telegram message object into a `Message` or `SystemEvent`.

Telegram gives ids for senders and actors but only display names for the members of a service
action, so names are resolved to ids when the chat showed that name with exactly one id.

A damaged or hand-edited export can put any JSON value in any field. Each field is read for the
type Telegram writes; a value of another type is left out with a warning naming the message and
the field, and the object itself is kept (`raw`), so nothing is lost and nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

from nigehbaan.chats.members import MemberBook
from nigehbaan.chats.model import EventKind, Media, MediaKind, MemberRef, Message, SystemEvent
from nigehbaan.core.errors import shown

_ACTIONS = {
    "create_group": EventKind.CREATED,
    "create_channel": EventKind.CREATED,
    "invite_members": EventKind.ADDED,
    "remove_members": EventKind.REMOVED,
    "join_group_by_link": EventKind.JOINED_BY_LINK,
    "join_group_by_request": EventKind.JOINED_BY_REQUEST,
    "edit_group_title": EventKind.SUBJECT_CHANGED,
    "edit_group_photo": EventKind.ICON_CHANGED,
    "delete_group_photo": EventKind.ICON_CHANGED,
    "migrate_to_supergroup": EventKind.MIGRATED,
    "migrate_from_group": EventKind.MIGRATED,
    "pin_message": EventKind.PINNED,
}
_MEDIA_TYPES = {
    "sticker": MediaKind.STICKER,
    "video_message": MediaKind.VIDEO,
    "voice_message": MediaKind.VOICE,
    "animation": MediaKind.GIF,
    "video_file": MediaKind.VIDEO,
    "audio_file": MediaKind.AUDIO,
}
MISSING = "file named in the export but not found beside it"


def user_id(value: Any) -> str | None:
    """`from_id` is "user123"; a `mention_name` entity gives the bare number."""
    text = scalar_text(value)
    if text is None:
        return None
    return text if not text.isdigit() else f"user{text}"


def plain_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(p if isinstance(p, str) else str(p.get("text", "")) for p in value
                       if isinstance(p, str | dict))  # fmt: skip
    return ""


def scalar_text(value: Any) -> str | None:
    """A name or title: Telegram writes a string; a number is read as its digits."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


class RecordReader:
    """`locate` maps a path written in the export to where the file is, if it is there."""

    def __init__(
        self, book: MemberBook, locate: Callable[[str], str | None], warn: Callable[[str], None]
    ) -> None:
        self.book = book
        self.locate = locate
        self.warn = warn
        self.utc: bool | None = None
        """Whether the chat's times are UTC (`date_unixtime`) or local (`date`): the first
        message decides, so one chat never mixes the two (they cannot be compared)."""

    def record(self, index: int, obj: dict[str, Any], raw: str) -> Message | SystemEvent:
        stamp = self._stamp(index, obj)
        local = not self.utc
        message_id = None if obj.get("id") is None else str(obj["id"])
        if obj.get("type") == "service":
            return self._event(index, obj, raw, stamp, local, message_id)
        sender = self.book.telegram(user_id(obj.get("from_id")), self._name(index, obj, "from"))
        self.book.count(sender, "messages")
        reply = obj.get("reply_to_message_id")
        return Message(
            index,
            raw,
            stamp,
            local,
            sender,
            plain_text(obj.get("text")),
            self._media(obj),
            message_id,
            None if reply is None else str(reply),
            self._name(index, obj, "forwarded_from"),
            self._mentions(index, obj),
            edited="edited" in obj,
        )

    def _name(self, index: int, obj: dict[str, Any], field: str) -> str | None:
        value = obj.get(field)
        text = scalar_text(value)
        if text is None and value is not None:
            self.warn(f"message {index}: '{field}' is not a name, left out")
        return text

    def _list(self, index: int, obj: dict[str, Any], field: str) -> list[Any]:
        value = obj.get(field)
        if value is None or isinstance(value, list):
            return value or []
        self.warn(f"message {index}: '{field}' is not a list, left out")
        return []

    def _stamp(self, index: int, obj: dict[str, Any]) -> datetime | None:
        unix: Any = obj.get("date_unixtime")
        if self.utc is None:
            self.utc = unix is not None
            if not self.utc:
                self.warn("no date_unixtime: times are the exporting computer's local time")
        if self.utc:
            try:
                return datetime.fromtimestamp(int(unix), UTC)
            except (TypeError, ValueError, OverflowError, OSError):
                said = "missing" if unix is None else f"{shown(str(unix))} is not a Unix time"
                self.warn(f"message {index}: date_unixtime {said}, left empty")
                return None
        try:
            stamp = datetime.fromisoformat(str(obj.get("date")))
        except ValueError:
            stamp = None
        if stamp is None or stamp.tzinfo is not None:
            self.warn(f"message {index}: date {shown(str(obj.get('date')))} is not a local "
                      "time, left empty")  # fmt: skip
            return None
        return stamp

    def _event(
        self,
        index: int,
        obj: dict[str, Any],
        raw: str,
        stamp: datetime | None,
        local: bool,
        message_id: str | None,
    ) -> SystemEvent:
        action = str(obj.get("action", ""))
        kind = _ACTIONS.get(action, EventKind.OTHER)
        actor = self.book.telegram(user_id(obj.get("actor_id")), self._name(index, obj, "actor"))
        names = [scalar_text(n) for n in self._list(index, obj, "members")]
        names.append(self._name(index, obj, "inviter"))
        targets = tuple(self.book.telegram_name(n) for n in names if n)
        self.book.count(actor, "actor")
        for target in targets:
            self.book.count(target, "target")
        new = obj.get("title")
        if action == "pin_message" and obj.get("message_id") is not None:
            new = str(obj["message_id"])
        return SystemEvent(
            index, raw, stamp, local, kind, actor, targets,
            None, None if new is None else str(new), action, message_id,
        )  # fmt: skip

    def _media(self, obj: dict[str, Any]) -> Media | None:
        if "photo" in obj:
            return self._file(MediaKind.IMAGE, obj["photo"], None)
        if "file" in obj:
            kind = _MEDIA_TYPES.get(str(obj.get("media_type")), MediaKind.DOCUMENT)
            if kind is MediaKind.DOCUMENT and str(obj.get("mime_type", "")).startswith("image/"):
                kind = MediaKind.IMAGE
            return self._file(kind, obj["file"], obj.get("file_name"))
        if "location_information" in obj:
            return Media(MediaKind.LOCATION)
        if "contact_information" in obj:
            return Media(MediaKind.CONTACT)
        return None

    def _file(self, kind: MediaKind, written: Any, name: Any) -> Media:
        text = str(written or "")
        if not text or text.startswith("("):
            return Media(kind, name, False, None, text or "file not included in the export")
        path = self.locate(text)
        file_name = str(name) if name else PurePosixPath(text).name
        return Media(kind, file_name, True, path, None if path else MISSING)

    def _mentions(self, index: int, obj: dict[str, Any]) -> tuple[MemberRef, ...]:
        entities = self._list(index, obj, "text_entities")
        if "text_entities" not in obj and isinstance(obj.get("text"), list):
            entities = obj["text"]
        refs = []
        for entity in entities:
            if not isinstance(entity, dict):
                continue
            kind = entity.get("type")
            text = str(entity.get("text", ""))
            ref: MemberRef | None = None
            if kind == "mention_name":
                ref = self.book.telegram(user_id(entity.get("user_id")), text.lstrip("@"))
            elif kind == "mention":
                ref = self.book.label(text)
            if ref is not None:
                self.book.count(ref, "mentioned")
                refs.append(ref)
        return tuple(refs)
