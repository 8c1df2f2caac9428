"""Everything triage needs, gathered in one pass over the records as they stream by.

Nothing here keeps the records: per member only counters and the positions of the records an
indicator will cite, plus the network's edges. That is what keeps a 200,000-message group within
bounded memory. Members are tracked under the parser's raw keys; identity resolution runs at the
end (`identity.resolve`) and `Tally.merge` folds the tallies of one person together.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from nigehbaan.chats.batch import Columns, Ints, not_none
from nigehbaan.chats.identity import Seen
from nigehbaan.chats.members import NAMED_MENTION, phone_identity
from nigehbaan.chats.model import EventKind, Media, MemberRef, Message, Record, SystemEvent
from nigehbaan.chats.triage.patterns import PatternSet, default_patterns

_NUMBER = re.compile(r"(?<![\w@+])\+?\d[\d \-().\u00a0]{6,18}\d")
_DIGIT = re.compile(r"\d")
ContentKey = Callable[[Media], str | None]
"""The identity of a media item's content (its SHA-256 when the bytes are in the export)."""


@dataclass(frozen=True, slots=True)
class Join:
    position: int
    at: datetime | None
    method: str  # created | added | link | request
    by: str | None


@dataclass
class Tally:
    """One member's counters and cited positions; `marks` maps an indicator code to them."""

    messages: int = 0
    media: int = 0
    distinct_media: set[str] = field(default_factory=set)
    added_count: int = 0
    marks: dict[str, list[int]] = field(default_factory=dict)
    details: dict[str, set[str]] = field(default_factory=dict)
    adds: list[tuple[int, datetime | None, int]] = field(default_factory=list)
    joins: list[Join] = field(default_factory=list)
    exits: list[tuple[int, datetime | None, str]] = field(default_factory=list)

    def mark(self, code: str, position: int, detail: str | None = None) -> None:
        self.marks.setdefault(code, []).append(position)
        if detail:
            self.details.setdefault(code, set()).add(detail)

    def merge(self, other: Tally) -> None:
        self.messages += other.messages
        self.media += other.media
        self.distinct_media |= other.distinct_media
        self.added_count += other.added_count
        for code, positions in other.marks.items():
            self.marks.setdefault(code, []).extend(positions)
        for code, texts in other.details.items():
            self.details.setdefault(code, set()).update(texts)
        self.adds += other.adds
        self.joins += other.joins
        self.exits += other.exits


@dataclass(frozen=True, slots=True)
class Edge:
    kind: str  # added | removed | invited | mention | reply | reshared | number_posted | …
    source: str
    target: str
    position: int


class Collector:
    """Feed it every record (`add`); read `tallies`, `edges` and `seen` afterwards."""

    def __init__(self, *, telegram: bool = False, content_key: ContentKey | None = None,
                 patterns: PatternSet | None = None, default_region: str = "PK") -> None:
        self.telegram = telegram
        self.content_key = content_key
        self.patterns = patterns or default_patterns()
        self.default_region = default_region
        self.tallies: dict[str, Tally] = {}
        self.seen: dict[str, Seen] = {}
        self.edges: list[Edge] = []
        self.first_poster: dict[str, tuple[str, int]] = {}
        self.reshared: set[str] = set()
        self.numbers: list[tuple[str, str, int, MemberRef]] = []
        self.renumbered: list[tuple[str, str]] = []
        """(old key, new key) for each "+92 300 1111111 changed to +92 300 2222222"."""
        self._sender_of: dict[str, str] = {}
        self._labels: set[tuple[str, str]] = set()
        self._by_ref: dict[int, tuple[MemberRef, Seen, Tally]] = {}

    def _see(self, ref: MemberRef, role: str) -> Tally:
        key = ref.key
        info = self.seen.get(key)
        if info is None:
            info = self.seen[key] = Seen(ref)
            self.tallies[key] = Tally()
        if (key, ref.label) not in self._labels:
            self._labels.add((key, ref.label))
            if ref.label:
                info.labels[ref.label] += 1
        setattr(info, role, getattr(info, role) + 1)
        return self.tallies[key]

    def _sender(self, ref: MemberRef, messages: int = 1) -> Tally:
        """`_see(ref, "sender")` for the hot path: a parser shares one ref per label, so a
        ref already met needs only its count raised (the entry keeps the ref alive, so its
        `id` cannot be reused by another)."""
        entry = self._by_ref.get(id(ref))
        if entry is not None and entry[0] is ref:
            entry[1].sender += messages
            return entry[2]
        tally = self._see(ref, "sender")
        self.seen[ref.key].sender += messages - 1
        self._by_ref[id(ref)] = (ref, self.seen[ref.key], tally)
        return tally

    def add(self, record: Record) -> None:
        if isinstance(record, Message):
            self._message(record)
        else:
            self._event(record)

    def _message(self, msg: Message) -> None:
        position, _, _, _, sender, text, media, message_id, reply_to, _, mentions, \
            deleted, _, deleted_by = msg
        if sender is None:
            return
        tally = self._sender(sender)
        key = sender.key
        tally.messages += 1
        if message_id is not None and self.telegram:
            self._sender_of[message_id] = key
        if media is not None:
            self._media(tally, key, position, media, msg.forwarded_from)
        addressed = self._addressed(msg, key) if mentions or reply_to is not None else ()
        if deleted_by is not None:
            self._moderated(deleted_by, sender, position)
        if deleted or not text:
            return
        self._requests(tally, sender, position, text, addressed)
        if _DIGIT.search(text) is not None:  # most texts hold no digit: spare the scan
            self._numbers(key, position, text)

    def plain(self, cols: Columns, rows: Ints) -> None:
        """The rows a bulk parser left as columns (`batch`): ordinary messages of senders
        already met, with no mention, reply or attached file. Each sender's count is raised
        once; a canned row can only share media; of the others, only texts holding a trigger
        word or a digit (both tested in C over all texts) are read one by one."""
        if not len(rows):
            return
        tallies: dict[int, Tally] = {}
        for n, ref, number in cols.per_sender(rows):
            tally = tallies[n] = self._sender(ref, number)
            tally.messages += number
        ids, positions = cols.sender_ids[rows].tolist(), cols.positions[rows].tolist()
        canned = np.isin(rows, np.fromiter(cols.canned, np.int64, len(cols.canned)))
        for row in np.flatnonzero(canned).tolist():
            media = cols.canned[int(rows[row])][0]
            if media is not None:
                sender = cols.senders[ids[row]]
                assert sender is not None
                self._media(tallies[ids[row]], sender.key, positions[row], media, None)
        written = np.flatnonzero(~canned)
        bodies = cols.texts(rows[written])
        worth = self.patterns.triggered(bodies) | not_none(map(_DIGIT.search, bodies), len(bodies))
        for at in np.flatnonzero(worth).tolist():
            row, text = int(written[at]), bodies[at]
            sender = cols.senders[ids[row]]
            assert sender is not None
            self._requests(tallies[ids[row]], sender, positions[row], text, ())
            if _DIGIT.search(text) is not None:
                self._numbers(sender.key, positions[row], text)

    def _requests(self, tally: Tally, sender: MemberRef, position: int, text: str,
                  addressed: Sequence[str]) -> None:
        for hit in self.patterns.find(text):
            code = {"media_request": "requested_media", "meeting_request": "requested_meeting",
                    "group_link": "posted_group_links"}[hit.pattern.kind]
            tally.mark(code, position, f"{hit.pattern.id}: “{hit.text}”")
            if hit.pattern.kind != "group_link":
                for target in addressed:
                    self.tallies[target].mark("addressed_by_requests", position,
                                              f"by {sender.label}")

    def _moderated(self, admin: MemberRef, sender: MemberRef, position: int) -> None:
        """Only a group's admins may delete other members' messages."""
        self._see(admin, "event").mark("admin", position, f"deleted a message of {sender.label}")
        if admin.key != sender.key:
            self.edges.append(Edge("deleted_message", admin.key, sender.key, position))

    def _addressed(self, msg: Message, key: str) -> list[str]:
        """Whom a message speaks to (mentions, the sender of the message it answers), each
        also an edge of the interaction network."""
        addressed: list[str] = []
        for ref in msg.mentions:
            self._see(ref, "mention")
            if ref.key != key:
                self.edges.append(Edge("mention", key, ref.key, msg.position))
                addressed.append(ref.key)
        if msg.reply_to is not None:
            replied = self._sender_of.get(msg.reply_to)
            if replied is not None and replied != key:
                self.edges.append(Edge("reply", key, replied, msg.position))
                addressed.append(replied)
        return addressed

    def _media(self, tally: Tally, key: str, position: int, media: Media,
               forwarded_from: str | None) -> None:
        tally.media += 1
        tally.mark("shared_media", position)
        if forwarded_from:
            tally.mark("forwarded_media", position, f"from {forwarded_from}")
        content = self.content_key(media) if self.content_key else None
        if content is None:
            return
        tally.distinct_media.add(content)
        first = self.first_poster.setdefault(content, (key, position))
        if first[0] != key:
            self.reshared.add(content)
            tally.mark("reshared_media", position)
            self.edges.append(Edge("reshared", key, first[0], position))

    def _numbers(self, key: str, position: int, text: str) -> None:
        """Numbers written in the text; a mention of a number (`@923001234567`, or newer
        `@\u2068+92 300 1234567\u2069`) speaks to its owner and is not their number posted."""
        text = NAMED_MENTION.sub(" ", text) if "\u2068" in text else text
        for found in _NUMBER.finditer(text):
            phone = phone_identity(found.group(0), self.default_region)
            if phone is not None and f"tel:{phone[0]}" != key:
                ref = MemberRef(f"tel:{phone[0]}", found.group(0), phone[0], phone[1])
                self.numbers.append((ref.key, key, position, ref))

    def _event(self, event: SystemEvent) -> None:
        actor, kind, position, at = event.actor, event.kind, event.position, event.timestamp
        tally = self._see(actor, "event") if actor is not None else None
        targets = [(ref.key, self._see(ref, "event")) for ref in event.targets]
        if actor is None or tally is None:
            return
        key = actor.key
        if kind == EventKind.REMOVED and all(ref.key == key or ref.label == actor.label
                                             for ref in event.targets):
            kind = EventKind.LEFT  # Telegram writes leaving as removing oneself
        if kind == EventKind.CREATED:
            tally.mark("created_group", position, event.new_value)
            tally.mark("admin", position, "created the group")
            tally.joins.append(Join(position, at, "created", None))
        if kind in (EventKind.CREATED, EventKind.ADDED) and targets:
            if kind == EventKind.ADDED:
                tally.mark("added_members", position)
            tally.added_count += len(targets)
            tally.adds.append((position, at, len(targets)))
            for target, target_tally in targets:
                if target != key:
                    self.edges.append(Edge("added", key, target, position))
                    target_tally.joins.append(Join(position, at, "added", key))
        elif kind == EventKind.REMOVED:
            tally.mark("removed_members", position)
            tally.mark("admin", position, "removed members")
            for target, target_tally in targets:
                self.edges.append(Edge("removed", key, target, position))
                target_tally.exits.append((position, at, "removed"))
        elif kind == EventKind.LEFT:
            tally.exits.append((position, at, "left"))
        elif kind in (EventKind.JOINED_BY_LINK, EventKind.JOINED_BY_REQUEST):
            method = "link" if kind == EventKind.JOINED_BY_LINK else "request"
            inviter = next((t for t, _ in targets if t != key), None)
            if method == "link":
                tally.mark("joined_by_link", position)
            tally.joins.append(Join(position, at, method, inviter))
            if inviter is not None:
                self.edges.append(Edge("invited", inviter, key, position))
        elif kind == EventKind.SUBJECT_CHANGED:
            tally.mark("renamed_group", position, event.new_value)
        elif kind == EventKind.NUMBER_CHANGED and actor.phone_e164:
            self.renumbered += [(key, ref.key) for ref in event.targets
                                if ref.phone_e164 and ref.key != key]
        elif kind == EventKind.SETTINGS_CHANGED:
            tally.mark("admin", position, "changed the group's settings")
        elif kind == EventKind.ADMIN_GRANTED:
            for _target, target_tally in targets or [(key, tally)]:
                target_tally.mark("admin", position, "made admin")

    def settle_numbers(self, person: Callable[[str], str]) -> None:
        """Numbers posted in text count only for numbers that are members of the group, and
        only when posted by someone else: `person` maps a key to its person once identities
        are resolved (a member announcing their own new number posts no one's)."""
        self.numbers.sort(key=lambda found: found[2])  # file order, whatever order rows came
        for target, poster, position, _ref in self.numbers:
            if target in self.tallies and person(target) != person(poster):
                label = self.seen[poster].ref.label
                self.tallies[target].mark("number_posted_by_others", position, f"by {label}")
                self.edges.append(Edge("number_posted", poster, target, position))
        self.numbers.clear()
