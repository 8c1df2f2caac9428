"""Render a planned group as a WhatsApp "Export chat" text, line by line, while recording truth.

Positions in the ground truth are 1-based line numbers of a message's or event's header line.
The text with `<Media omitted>` markers and the one inside the zip with `(file attached)` lines
have the same line numbers, because a media marker always takes exactly one line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from nigehbaan.chats.whatsapp.names import push_name
from nigehbaan.synth.chat_model import (
    ChatMessage,
    HeaderLike,
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
from nigehbaan.synth.chat_wa_locale import LRM, WaLayout


@dataclass(slots=True)
class WaRender:
    """What one pass wrote: the truth, the line count, and the media the zip must hold."""

    truth: TruthRecorder
    truth_names: Callable[[Member], list[str]]
    lines: int = 0
    last_time: datetime | None = None
    attachments: list[tuple[str, Path]] = field(default_factory=list)


class _Labels:
    """How each member is shown: in message headers, in system lines, in the ground truth."""

    def __init__(self, plan: Plan, layout: WaLayout) -> None:
        self.layout = layout
        self.system = [self._system(m) for m in plan.members]
        self.header = [self._header(m) for m in plan.members]

    def _system(self, member: Member) -> str:
        return member.contact or format_number(member.phone)

    def _header(self, member: Member) -> str:
        if member.index == 0:
            return member.name
        if self.layout.ios and member.contact is None and member.tilde:
            return f"~ {member.name}"
        return self._system(member)

    def display_names(self, member: Member) -> list[str]:
        names = [self.header[member.index]]
        if names[0].startswith("~ "):
            names.append(member.name)  # the push name as a parser shows it, without iOS's mark
        if member.index == 0 and self.layout.locale.you:
            names.append(self.layout.locale.you)
        elif self.system[member.index] not in names:
            names.append(self.system[member.index])
        return names


class WaWriter:
    """Turns items into lines for one layout; `attach` picks file names over omitted markers."""

    def __init__(self, plan: Plan, catalog: MediaCatalog, layout: WaLayout, attach: bool) -> None:
        self.plan, self.catalog, self.layout = plan, catalog, layout
        self.attach = attach and bool(catalog.files)
        self.locale = layout.locale
        self.ios_omitted = dict(layout.locale.ios_omitted)
        self.labels = _Labels(plan, layout)
        self.group = plan.spec.names[-1]
        self.per_day: dict[str, int] = {}
        self.ios_counter = 0

    def write(self, sink: TextIO) -> WaRender:
        render = WaRender(TruthRecorder(self.plan, self.catalog, "line"),
                          self.labels.display_names)
        line = 1
        for when, item in iter_items(self.plan, self.catalog):
            attachment: str | None = None
            if isinstance(item, ChatMessage):
                if item.media is not None:
                    attachment = self.attachment_name(when, item)
                    source = self.catalog.file(item.media)
                    if self.attach and source is not None:
                        render.attachments.append((attachment, source))
                text = self.message(when, item, attachment)
            else:
                text = self.event(when, item)
            render.truth.record(line, when, item, attachment if self.catalog.files else None)
            sink.write(text)
            sink.write("\n")
            line += text.count("\n") + 1
            render.last_time = when
        render.lines = line - 1
        return render

    def attachment_name(self, when: datetime, msg: ChatMessage) -> str:
        assert msg.media is not None
        video = msg.media_kind == "video"
        suffix = self.catalog.suffix(msg.media)
        if self.layout.ios:
            self.ios_counter += 1
            kind = "VIDEO" if video else "PHOTO"
            return f"{self.ios_counter:08d}-{kind}-{when:%Y-%m-%d-%H-%M-%S}{suffix}"
        day = f"{when:%Y%m%d}"
        self.per_day[day] = self.per_day.get(day, 0) + 1
        return f"{'VID' if video else 'IMG'}-{day}-WA{self.per_day[day]:04d}{suffix}"

    def message(self, when: datetime, msg: ChatMessage, attachment: str | None) -> str:
        ios, locale = self.layout.ios, self.locale
        lead = LRM if ios and (msg.deleted or msg.media is not None) else ""
        head = f"{lead}{self.layout.header(when)}{self.labels.header[msg.sender]}: {lead}"
        if msg.deleted:
            return head + (locale.you_deleted if msg.sender == 0 else locale.deleted)
        if msg.media is not None:
            return head + self.media_marker(msg, attachment)
        body = "".join(self.part(when, part) for part in msg.parts)
        return head + body + (locale.edited if msg.edited else "")

    def media_marker(self, msg: ChatMessage, attachment: str | None) -> str:
        if self.attach and attachment is not None:
            marker = self.locale.ios_attached if self.layout.ios else self.locale.attached
            return marker.format(f=attachment)
        if self.layout.ios:
            return self.ios_omitted[str(msg.media_kind)]
        return self.locale.media_omitted

    def part(self, when: datetime, part: object) -> str:
        members = self.plan.members
        if isinstance(part, str):
            return part
        if isinstance(part, Mention):
            return self.mention(members[part.member])
        if isinstance(part, NumberText):
            return format_number(members[part.member].phone)
        if isinstance(part, Link):
            return part.url
        if isinstance(part, HeaderLike):
            earlier = when - timedelta(minutes=part.minutes_back)
            return f"{self.layout.header(earlier)}{part.name}: {part.text}"
        raise TypeError(f"unknown message part {part!r}")

    def mention(self, member: Member) -> str:
        """iOS layouts mention as newer exports do, by the name the phone shows between isolate
        marks (a push name as `~Name`); Android keeps the older `@digits`, so both are made."""
        if not self.layout.ios or member.index == 0:
            return "@" + member.digits
        label = self.labels.header[member.index]
        pushed = push_name(label)
        return f"@\u2068{label if pushed is None else '~' + pushed}\u2069"

    def event(self, when: datetime, event: SystemEvent) -> str:
        text = self.event_text(event)
        if self.layout.ios:
            return f"{LRM}{self.layout.header(when)}{self.group}: {LRM}{text}"
        return self.layout.header(when) + text

    def event_text(self, event: SystemEvent) -> str:
        loc, actor = self.locale, event.actor
        if event.kind == "encryption" or actor is None:
            return loc.encryption
        you = actor == 0
        name = self.labels.system[actor]
        targets = self.join_names(event.targets)
        if event.kind == "created":
            return (loc.you_created if you else loc.created).format(a=name, g=event.new)
        if event.kind == "added":
            if event.targets == (0,):
                return loc.added_you.format(a=name)
            return (loc.you_added if you else loc.added).format(a=name, t=targets)
        if event.kind == "removed":
            return (loc.you_removed if you else loc.removed).format(a=name, t=targets)
        if event.kind == "left":
            return loc.left.format(a=name)
        if event.kind == "joined_link":
            return loc.joined_link.format(a=name)
        if event.kind == "subject":
            template = loc.you_subject if you else loc.subject
            return template.format(a=name, o=event.old, n=event.new)
        if event.kind == "icon":
            return loc.you_icon if you else loc.icon.format(a=name)
        return loc.admin_self

    def join_names(self, members: tuple[int, ...]) -> str:
        names = [self.labels.system[m] for m in members]
        if len(names) < 2:
            return "".join(names)
        return ", ".join(names[:-1]) + self.locale.and_word + names[-1]
