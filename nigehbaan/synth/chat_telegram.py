"""Render a planned group as a Telegram Desktop `result.json` (single chat, private supergroup).

Written message by message in Telegram Desktop's own shape (one-space JSON indent, non-ASCII
kept), so the 200,000-message case never holds the whole document. Positions in the ground truth
are message ids. `date` is the exporting computer's local time; `date_unixtime` (a string) is
the real instant, which is why the two differ by the exporter's UTC offset.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from nigehbaan.synth.chat_model import (
    ChatMessage,
    Link,
    MediaCatalog,
    Mention,
    NumberText,
    SystemEvent,
)
from nigehbaan.synth.chat_people import Member, format_number
from nigehbaan.synth.chat_plan import Plan
from nigehbaan.synth.chat_script import iter_items
from nigehbaan.synth.chat_truth import TruthRecorder

NOT_INCLUDED = "(File not included. Change data exporting settings to download.)"
EXPORTER_UTC_OFFSET = timedelta(hours=5)


def unixtime(local: datetime) -> str:
    """The exporter's naive local time as a Unix time string; never the machine's own zone."""
    return str(int((local - EXPORTER_UTC_OFFSET).replace(tzinfo=UTC).timestamp()))


@dataclass(slots=True)
class TgRender:
    truth: TruthRecorder
    truth_names: Callable[[Member], list[str]]
    last_id: int = 0
    last_time: datetime = datetime(1970, 1, 1)
    media_files: list[tuple[str, Path]] = field(default_factory=list)


class TgWriter:
    """Builds each message object; `with_media` copies files in, else marks them not included."""

    def __init__(self, plan: Plan, catalog: MediaCatalog, group_id: int) -> None:
        self.plan, self.catalog, self.group_id = plan, catalog, group_id
        self.names = [m.contact or m.name for m in plan.members]
        self.rng = random.Random(plan.stream_seed ^ 0x7E1E)
        self.sizes: dict[Path, tuple[int, int]] = {}
        self.media_counter = 0

    def write(self, sink: TextIO) -> TgRender:
        render = TgRender(TruthRecorder(self.plan, self.catalog, "message_id"),
                          lambda member: [self.names[member.index]])
        head = {"name": self.plan.spec.names[-1], "type": "private_supergroup",
                "id": self.group_id}
        opening = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
        sink.write(opening + ',\n "messages": [')
        msg_id = self.rng.randint(1, 9)
        separator = "\n"
        for when, item in iter_items(self.plan, self.catalog):
            msg_id += 1 if self.rng.random() < 0.97 else self.rng.randint(2, 4)
            obj = self.common(msg_id, when)
            if isinstance(item, ChatMessage):
                self.message(obj, when, item, render)
            else:
                self.service(obj, item)
            render.truth.record(msg_id, when, item)
            body = json.dumps(obj, ensure_ascii=False, indent=1).replace("\n", "\n  ")
            sink.write(separator + "  " + body)
            separator = ",\n"
            render.last_time = when
        sink.write("\n ]\n}\n")
        render.last_id = msg_id
        return render

    def common(self, msg_id: int, when: datetime) -> dict[str, Any]:
        return {"id": msg_id, "type": "message", "date": when.isoformat(),
                "date_unixtime": unixtime(when)}

    def actor(self, obj: dict[str, Any], member: int) -> None:
        obj["actor"] = self.names[member]
        obj["actor_id"] = f"user{self.plan.members[member].tg_id}"

    def service(self, obj: dict[str, Any], event: SystemEvent) -> None:
        obj["type"] = "service"
        assert event.actor is not None
        self.actor(obj, event.actor)
        members = [self.names[t] for t in event.targets]
        if event.kind == "created":
            obj.update(action="create_group", title=event.new, members=members)
        elif event.kind == "added":
            obj.update(action="invite_members", members=members)
        elif event.kind in ("removed", "left"):
            obj.update(action="remove_members", members=members)
        elif event.kind == "joined_link":
            obj.update(action="join_group_by_link", inviter=self.names[self.plan.creator])
        elif event.kind == "subject":
            obj.update(action="edit_group_title", title=event.new)
        elif event.kind == "icon":
            obj.update(action="edit_group_photo", photo=NOT_INCLUDED, width=640, height=640)
        obj.update(text="", text_entities=[])

    def message(self, obj: dict[str, Any], when: datetime, msg: ChatMessage,
                render: TgRender) -> None:
        if msg.edited:
            edited = when + timedelta(minutes=self.rng.randint(1, 30))
            obj["edited"] = edited.isoformat()
            obj["edited_unixtime"] = unixtime(edited)
        member = self.plan.members[msg.sender]
        obj["from"] = self.names[msg.sender]
        obj["from_id"] = f"user{member.tg_id}"
        if msg.forwarded_from is not None:
            obj["forwarded_from"] = self.names[msg.forwarded_from]
        if msg.reply_to is not None:
            replied = render.truth.last_message[msg.reply_to]
            if replied is not None:
                obj["reply_to_message_id"] = replied
        if msg.media is not None:
            self.media(obj, when, msg, render)
        obj["text"], obj["text_entities"] = self.text(msg)

    def media(self, obj: dict[str, Any], when: datetime, msg: ChatMessage,
              render: TgRender) -> None:
        assert msg.media is not None
        source = self.catalog.file(msg.media)
        self.media_counter += 1
        stamp = f"{when:%d-%m-%Y_%H-%M-%S}"
        width, height = self.size(source)
        if msg.media_kind == "video":
            path = f"video_files/video_{self.media_counter}@{stamp}{self.catalog.suffix(msg.media)}"
            obj.update(file=path if source else NOT_INCLUDED, media_type="video_file",
                       mime_type="video/mp4", duration_seconds=self.rng.randint(3, 60),
                       width=width, height=height)
        else:
            path = f"photos/photo_{self.media_counter}@{stamp}{self.catalog.suffix(msg.media)}"
            obj.update(photo=path if source else NOT_INCLUDED, width=width, height=height)
        if source is not None:
            render.media_files.append((path, source))

    def size(self, source: Path | None) -> tuple[int, int]:
        """The real pixel size of a generated image; a common phone size when there is no file."""
        if source is None:
            return (1280, 960)
        if source not in self.sizes:
            try:
                from PIL import Image

                with Image.open(source) as image:
                    self.sizes[source] = image.size
            except OSError:
                self.sizes[source] = (640, 360)
        return self.sizes[source]

    def text(self, msg: ChatMessage) -> tuple[str | list[Any], list[dict[str, Any]]]:
        """Plain string when there are no entities, else Telegram's mixed list."""
        entities: list[dict[str, Any]] = []
        for part in msg.parts:
            if isinstance(part, str):
                entities.append({"type": "plain", "text": part})
            elif isinstance(part, Mention):
                entities.append({"type": "mention_name", "text": self.names[part.member],
                                 "user_id": self.plan.members[part.member].tg_id})
            elif isinstance(part, Link):
                entities.append({"type": "link", "text": part.url})
            elif isinstance(part, NumberText):
                number = format_number(self.plan.members[part.member].phone)
                entities.append({"type": "phone", "text": number})
            else:
                raise TypeError(f"Telegram has no rendering for {part!r}")
        if all(e["type"] == "plain" for e in entities):
            return "".join(e["text"] for e in entities), entities
        mixed = [e["text"] if e["type"] == "plain" else e for e in entities]
        return mixed, entities
