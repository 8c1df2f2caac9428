"""The WhatsApp export parser: a light survey (`survey`), then one streaming pass.

The pass leaves ordinary messages as columns (`chunks`, `batch`); `_ChatReader.record` reads
everything that needs judgement one record at a time, in file order, holding the names met so
far.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from nigehbaan.chats.batch import Batch
from nigehbaan.chats.model import ChatFormat, EventKind, MemberRef, Record, SystemEvent
from nigehbaan.chats.registry import ChatParser, ParseOptions
from nigehbaan.chats.source import Source
from nigehbaan.chats.stream import ChatHeader, ChatStream, ReportBuilder
from nigehbaan.chats.whatsapp.body import BodyReader
from nigehbaan.chats.whatsapp.chunks import ChunkReader
from nigehbaan.chats.whatsapp.events import EventReader, Wording
from nigehbaan.chats.whatsapp.headers import match_header
from nigehbaan.chats.whatsapp.locale import locales
from nigehbaan.chats.whatsapp.names import WhatsAppBook, clean_label, same_label
from nigehbaan.chats.whatsapp.survey import Survey, survey
from nigehbaan.chats.whatsapp.templates import templates_from

_CAP_WITHOUT_MEDIA = 40_000
_CAP_WITH_MEDIA = 10_000
_MARKED_ONLY = frozenset({EventKind.NUMBER_CHANGED, EventKind.SETTINGS_CHANGED})
"""On iOS, wordings that join two numbers into one person or show an admin are events only
with the system's mark, or the group or the actor as sender: a first line from an unknown
sender may be typed, and a wrong join would give one person's messages to another."""
_GROUP_KINDS = frozenset(
    {EventKind.CREATED, EventKind.ADDED, EventKind.REMOVED, EventKind.LEFT,
     EventKind.JOINED_BY_LINK, EventKind.SUBJECT_CHANGED, EventKind.ICON_CHANGED}
)  # fmt: skip


def title_from_name(file_name: str) -> str | None:
    stem = file_name.rsplit(".", 1)[0]
    for locale in locales():
        for prefix in locale.file_name_prefixes:
            if stem.startswith(prefix):
                return stem[len(prefix) :] or None
    return None


class _ChatReader:
    """Turns blocks into records for one export; holds the names met so far."""

    def __init__(self, source: Source, options: ParseOptions, plan: Survey) -> None:
        you = frozenset().union(*(loc.you for loc in locales()))
        self.book = WhatsAppBook(options.default_region, you, plan.owner_label)
        self.layout = plan.layout
        self.report = ReportBuilder(date_order=plan.order)
        self.order = plan.order
        self.plan = plan
        self.given_order = options.date_order is not None
        files = {a.name: a.path for a in source.attachments()}
        self.bodies = BodyReader(self.book, lambda name: self._locate(source, files, name))
        self.events = EventReader(self.book)
        title = title_from_name(source.file_name) or title_from_name(source.path.name)
        self.header = ChatHeader(
            ChatFormat.WHATSAPP, source.name, title, "individual",
            attachments=source.attachments(),
        )  # fmt: skip
        self.known: set[str] = set()
        self._longest_known = 0
        self.senders: set[str] = set()
        self.sender_refs: dict[str, MemberRef] = {}
        self.group_evidence = False
        self.unrecognised = 0
        self._colon: frozenset[str] = frozenset()
        if plan.owner_label is not None:
            self._know(plan.owner_label)

    @staticmethod
    def _locate(source: Source, files: dict[str, str], name: str) -> str | None:
        if name in files:
            return files[name]
        beside = source.sibling(name)
        return None if beside is None else str(beside)

    def batches(self, source: Source) -> Iterator[Batch]:
        chunks = ChunkReader(
            self, self.layout, self.order, templates_from(source.head, self.layout),
            self.report, self.book.count_messages, self.bodies.canned,
        )  # fmt: skip
        if self.plan.settled_early:  # the same errors the whole-file vote would raise
            chunks.order_conflict = f"{source.name}: " + (
                f"dates in this file do not fit date_order {self.order}" if self.given_order
                else "dates put values above 12 in both day and month"
            )  # fmt: skip
        return chunks.batches(source)

    @property
    def hints(self) -> tuple[str, ...]:
        """Literals that send the line holding them to `record`: on Android a system wording
        can win over a sender (on iOS `plain` tells them apart), and some bodies say more than
        their text (a message an admin deleted names the admin)."""
        words = self.bodies.hints
        return self.events.hints + words if self.layout == "android" else words

    def plain(self, labels: list[str], bodies: list[str]) -> list[bool]:
        """iOS: bodies whose first line no event wording matches, so they are messages."""
        worded = self.events.worded
        return [not worded(b.partition("\n")[0]) for b in bodies]

    def record(self, position: int, raw: str, stamp: datetime, rest: str, extra: str) -> Record:
        """One record by the full rules; `rest` is the header line after the time, `extra`
        the message's further lines (each with its leading line break)."""
        cut = self._known_cut(rest)
        if self.layout == "android":
            wording = self._android_event(rest, cut, extra)
            if wording is not None:
                return self._event(position, raw, stamp, rest + extra, wording)
            if cut < 0:
                cut = rest.find(": ")
        else:
            cut = cut if cut >= 0 else rest.find(": ")
            body = rest[cut + 2 :] if cut >= 0 else rest
            prefix = same_label(rest[:cut]) if cut >= 0 else ""
            wording = self._ios_event(prefix, body)
            if wording is not None:
                return self._event(position, raw, stamp, body + extra, wording)
        if cut < 0:
            self.unrecognised += 1
            return SystemEvent(position, raw, stamp, True, EventKind.OTHER, None, text=rest + extra)
        label = rest[:cut]
        sender = self.sender_refs.get(label)
        if sender is None:
            self._know(label)
            self.senders.add(same_label(label))
            sender = self.sender_refs[label] = self.book.label(clean_label(label))
        self.book.count_message(sender)
        text = rest[cut + 2 :] + extra
        return self.bodies.message(position, raw, stamp, sender, text)

    def _known_cut(self, rest: str) -> int:
        """Where the sender ends: the longest known name before a `: `, for names holding one."""
        cut = rest.find(": ")
        if cut < 0:
            return -1
        best = cut if rest[:cut] in self.known else -1
        later = rest.find(": ", cut + 2)
        while 0 <= later <= self._longest_known:  # beyond, no known name can end there
            if rest[:later] in self.known:
                best = later
            later = rest.find(": ", later + 2)
        return best

    def _android_event(self, rest: str, cut: int, extra: str) -> Wording | None:
        """Android writes no sender before a system line, so a line whose whole text after the
        time is a wording is that event, even when it also reads as `Name: text` for a known
        Name (`Nadia: Work joined using this group's invite link` is the contact `Nadia: Work`
        joining). Two exceptions keep typed messages: a message of several lines, and a wording
        a person could type (`Ali: Bob left`) unless its actor (`Ali: Bob`) is a known name."""
        if cut >= 0 and (extra or not self.events.may_match(rest)):
            return None
        wording = self.events.match(rest)
        if wording is None or cut < 0 or not wording.pattern.typable:
            return wording
        actor = wording.group("actor")
        return wording if actor is not None and clean_label(actor) in self.known else None

    def _know(self, label: str) -> None:
        self.known.add(label)
        self._longest_known = max(self._longest_known, len(label))
        if ": " in label:
            self._colon = self._colon | {label.split(": ", 1)[0]}

    def colon_prefixes(self) -> frozenset[str]:
        """`Nadia` for each known name like `Nadia: Work`: the line `Nadia: Work left` must take
        the careful path (`_android_event`), though its body holds no `: `."""
        return self._colon

    def _ios_event(self, prefix: str, body: str) -> Wording | None:
        """iOS writes a sender before system lines too, so only the wording tells them apart;
        a user typing such wording is told apart by the missing left-to-right mark."""
        wording = self.events.match(body)
        if wording is None:
            return None
        actor = wording.group("actor")
        if body.startswith("\u200e") or prefix in ("", self.header.title):
            return wording
        if actor is not None and same_label(actor) == prefix:
            return wording
        if wording.pattern.kind in _MARKED_ONLY:
            return None
        return wording if prefix not in self.known and prefix not in self.senders else None

    def _event(
        self, position: int, raw: str, stamp: datetime, text: str, wording: Wording
    ) -> SystemEvent:
        event = self.events.event(position, raw, stamp, text, wording)
        for ref in (event.actor, *event.targets):
            if ref is not None:
                self._know(ref.label)
        if event.kind in _GROUP_KINDS:
            self.group_evidence = True
        if event.kind in (EventKind.CREATED, EventKind.SUBJECT_CHANGED) and event.new_value:
            self.header.title = event.new_value
            self._know(event.new_value)
        return event

    def finish(self) -> None:
        report = self.report
        report.locale = None if self.events.active is None else self.events.active.code
        if self.group_evidence or len(self.senders) > 2:
            self.header.chat_type = "group"
        if self.unrecognised:
            report.warn(f"{self.unrecognised} system line(s) not recognised; kept as 'other'")
        with_media = bool(self.header.attachments) or self.bodies.saw_attached_files
        cap = _CAP_WITH_MEDIA if with_media else _CAP_WITHOUT_MEDIA
        if report.messages + report.events >= cap * 0.9:
            kind = "with" if with_media else "without"
            report.warn(
                f"{report.messages} messages: WhatsApp caps an export {kind} media at about "
                f"{cap:,} messages, so this is probably only the most recent part of the chat"
            )
        if self.book.owner_label is None and any(m.ref.is_owner for m in self.book.members()):
            report.warn(
                "the phone's owner ('You') appears in system lines, but the name on their own "
                "messages is not known: pass owner_name to join them"
            )


class WhatsAppParser(ChatParser):
    format = ChatFormat.WHATSAPP

    def score(self, source: Source) -> float:
        lines = source.head.splitlines()[:40]
        if not lines or lines[0].lstrip("\ufeff").startswith("{"):
            return 0.0
        hits = sum(
            1 for line in lines if match_header("android", line) or match_header("ios", line)
        )
        return 0.0 if hits == 0 else min(1.0, 0.6 + 0.4 * hits / min(len(lines), 10))

    def streams(self, source: Source, options: ParseOptions) -> Iterator[ChatStream]:
        plan = survey(source, options)
        reader = _ChatReader(source, options, plan)
        yield ChatStream(
            reader.header, iter(()), reader.book, reader.report, reader.finish,
            batches=reader.batches(source),
        )  # fmt: skip
