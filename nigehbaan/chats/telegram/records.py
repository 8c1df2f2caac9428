"""One Telegram message object into a `Message` or `SystemEvent`.

Telegram gives ids for senders and actors but only display names for the members of a service
action, so names are resolved to ids when the chat showed that name with exactly one id.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

from nigehbaan.chats.members import MemberBook
from nigehbaan.chats.model import EventKind, Media, MediaKind, MemberRef, Message, SystemEvent

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
    if value is None:
        return None
    text = str(value)
    return text if not text.isdigit() else f"user{text}"


def plain_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(p if isinstance(p, str) else str(p.get("text", "")) for p in value)
    return ""


class RecordReader:
    """`locate` maps a path written in the export to where the file is, if it is there."""

    def __init__(
        self, book: MemberBook, locate: Callable[[str], str | None], warn: Callable[[str], None]
    ) -> None:
        self.book = book
        self.locate = locate
        self.warn = warn
        self.warned_local_time = False

    def record(self, index: int, obj: dict[str, Any], raw: str) -> Message | SystemEvent:
        stamp, local = self._stamp(obj)
        message_id = None if obj.get("id") is None else str(obj["id"])
        if obj.get("type") == "service":
            return self._event(index, obj, raw, stamp, local, message_id)
        sender = self.book.telegram(user_id(obj.get("from_id")), obj.get("from"))
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
            obj.get("forwarded_from"),
            self._mentions(obj),
            edited="edited" in obj,
        )

    def _stamp(self, obj: dict[str, Any]) -> tuple[datetime | None, bool]:
        unix = obj.get("date_unixtime")
        if unix is not None:
            return datetime.fromtimestamp(int(unix), UTC), False
        if not self.warned_local_time:
            self.warned_local_time = True
            self.warn("no date_unixtime: times are the exporting computer's local time")
        try:
            return datetime.fromisoformat(str(obj.get("date"))), True
        except ValueError:
            return None, True

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
        actor = self.book.telegram(user_id(obj.get("actor_id")), obj.get("actor"))
        names = list(obj.get("members") or [])
        if obj.get("inviter"):
            names.append(obj["inviter"])
        targets = tuple(self.book.telegram_name(n) for n in names if isinstance(n, str))
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

    def _mentions(self, obj: dict[str, Any]) -> tuple[MemberRef, ...]:
        entities = obj.get("text_entities")
        if entities is None and isinstance(obj.get("text"), list):
            entities = [p for p in obj["text"] if isinstance(p, dict)]
        refs = []
        for entity in entities or ():
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
