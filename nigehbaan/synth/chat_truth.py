"""The ground truth of one synthetic export: roles, and every indicator with its positions.

Indicators are recorded while the file is written, from the items actually rendered, so every
position names a line (WhatsApp) or message id (Telegram) that holds the thing. Facts that
follow from events (admin, added members, joined by link, removed, shared or forwarded media)
are derived here; intentions the file cannot show by its form alone (bursts, requests, posted
numbers, links, the planted hub) arrive as tags on the planned items.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal, TypedDict

from nigehbaan.synth.chat_model import ChatMessage, HeaderLike, Item, MediaCatalog, Mention
from nigehbaan.synth.chat_people import Member
from nigehbaan.synth.chat_plan import Plan

SCHEMA = "nigehbaan.synth.chat-truth/1"
LEFT_SOON = timedelta(hours=24)
PositionUnit = Literal["line", "message_id"]


class JoinTruth(TypedDict):
    method: str  # "created" | "added" | "link"
    by: str | None
    position: int


class ExitTruth(TypedDict):
    method: str  # "left" | "removed"
    by: str | None
    position: int


class MemberTruth(TypedDict):
    member_id: str
    phone_e164: str | None
    telegram_id: int | None
    country: str
    display_names: list[str]
    role: str
    joined: JoinTruth | None
    exit: ExitTruth | None
    messages: int
    media: int
    added_count: int
    indicators: dict[str, list[int]]


class MediaTruth(TypedDict):
    position: int
    member_id: str
    content: int
    attachment: str | None


class GroundTruth(TypedDict):
    schema: str
    seed: int
    layout: str
    platform: str
    group: dict[str, object]
    position_unit: PositionUnit
    owner: str
    files: list[str]
    counts: dict[str, int]
    left_soon_hours: int
    media: list[MediaTruth]
    noise: dict[str, list[int]]
    names_with_colon: list[str]
    members: list[MemberTruth]


class TruthRecorder:
    """Fed each rendered item with its position; `finish` returns the ground truth."""

    def __init__(self, plan: Plan, catalog: MediaCatalog, unit: PositionUnit) -> None:
        n = len(plan.members)
        self.plan, self.catalog, self.unit = plan, catalog, unit
        self.ids = [self.member_id(m) for m in plan.members]
        self.indicators: list[dict[str, list[int]]] = [{} for _ in range(n)]
        self.messages, self.media_count, self.added = [0] * n, [0] * n, [0] * n
        self.joined: list[tuple[JoinTruth, datetime] | None] = [None] * n
        self.exited: list[tuple[ExitTruth, datetime] | None] = [None] * n
        self.last_message: list[int | None] = [None] * n
        self.first_seen: dict[int, tuple[int, int]] = {}
        self.reshared: set[int] = set()
        self.media: list[MediaTruth] = []
        self.noise: dict[str, list[int]] = {
            key: [] for key in ("multiline", "header_lookalike", "deleted", "edited",
                                "mentions", "replies")
        }
        self.events = 0

    def member_id(self, member: Member) -> str:
        """Phone E.164 on WhatsApp; the Telegram `from_id` (`user123`) on Telegram."""
        return member.phone if self.plan.spec.platform == "whatsapp" else f"user{member.tg_id}"

    def mark(self, member: int, code: str, position: int) -> None:
        self.indicators[member].setdefault(code, []).append(position)

    def record(self, position: int, when: datetime, item: Item,
               attachment: str | None = None) -> None:
        if isinstance(item, ChatMessage):
            self._message(position, item, attachment)
        else:
            self._event(position, when, item)
        for member, code in item.tags:
            self.mark(member, code, position)

    def _message(self, position: int, msg: ChatMessage, attachment: str | None) -> None:
        sender = msg.sender
        self.messages[sender] += 1
        if msg.media is not None:
            self._media(position, msg, attachment)
        replied = None if msg.reply_to is None else self.last_message[msg.reply_to]
        if self.unit == "message_id" and replied is not None:
            self.noise["replies"].append(position)
        self.last_message[sender] = position
        if msg.deleted:
            self.noise["deleted"].append(position)
            return
        if msg.edited:
            self.noise["edited"].append(position)
        if any(isinstance(p, Mention) for p in msg.parts):
            self.noise["mentions"].append(position)
        lines = 0
        for part in msg.parts:
            if isinstance(part, HeaderLike):
                self.noise["header_lookalike"].append(
                    position + lines if self.unit == "line" else position)
            if isinstance(part, str):
                lines += part.count("\n")
        if lines:
            self.noise["multiline"].append(position)

    def _media(self, position: int, msg: ChatMessage, attachment: str | None) -> None:
        assert msg.media is not None
        sender, content = msg.sender, self.catalog.identity(msg.media)
        self.media_count[sender] += 1
        self.mark(sender, "shared_media", position)
        if msg.forwarded_from is not None:
            self.mark(sender, "forwarded_media", position)
        first = self.first_seen.setdefault(content, (sender, position))
        if first[0] != sender:
            self.reshared.add(content)
        self.media.append(MediaTruth(position=position, member_id=self.ids[sender],
                                     content=content, attachment=attachment))

    def _event(self, position: int, when: datetime, event: Item) -> None:
        assert not isinstance(event, ChatMessage)
        self.events += 1
        actor = event.actor
        if actor is None:
            return
        kind = event.kind
        if self._shows_admin(actor, kind) and "admin" not in self.indicators[actor]:
            self.mark(actor, "admin", position)
        if kind == "created":
            self.mark(actor, "created_group", position)
            self._join(actor, "created", None, position, when)
            self.added[actor] += len(event.targets)
            for target in event.targets:
                self._join(target, "added", actor, position, when)
        elif kind == "added":
            self.mark(actor, "added_members", position)
            self.added[actor] += len(event.targets)
            for target in event.targets:
                self._join(target, "added", actor, position, when)
        elif kind == "joined_link":
            self.mark(actor, "joined_by_link", position)
            self._join(actor, "link", None, position, when)
        elif kind == "removed":
            self.mark(actor, "removed_members", position)
            for target in event.targets:
                self.exited[target] = (ExitTruth(method="removed", by=self.ids[actor],
                                                 position=position), when)
        elif kind == "left":
            self.exited[actor] = (ExitTruth(method="left", by=None, position=position), when)
        elif kind == "subject":
            self.mark(actor, "renamed_group", position)

    def _shows_admin(self, actor: int, kind: str) -> bool:
        """Admins: the creator, "You're now an admin", removers, and the planted co-admins.

        An ordinary member adding a friend is not an admin (groups may let anyone add), so an
        `added` event shows admin rights only for the offenders planted as co-admins.
        """
        if kind in ("created", "admin_self", "removed"):
            return True
        return kind == "added" and self.plan.members[actor].role == "offender"

    def _join(self, member: int, method: str, by: int | None, position: int,
              when: datetime) -> None:
        by_id = None if by is None else self.ids[by]
        self.joined[member] = (JoinTruth(method=method, by=by_id, position=position), when)

    def _derive(self) -> None:
        """Indicators that need the whole file: never posted, left soon, first poster."""
        for index, joined in enumerate(self.joined):
            if joined is None or index == 0:
                continue
            join, joined_at = joined
            if join["method"] == "added" and self.messages[index] == 0:
                self.mark(index, "never_posted", join["position"])
            exited = self.exited[index]
            if exited and exited[0]["method"] == "left" and exited[1] - joined_at <= LEFT_SOON:
                self.mark(index, "left_soon", exited[0]["position"])
        for content in sorted(self.reshared):
            first_member, first_position = self.first_seen[content]
            self.mark(first_member, "first_poster", first_position)

    def finish(self, seed: int, files: list[str], names: Callable[[Member], list[str]],
               extra_counts: dict[str, int]) -> GroundTruth:
        self._derive()
        plan = self.plan
        members = [self._member_truth(m, names(m)) for m in plan.members]
        counts = {"members": len(members), "messages": sum(self.messages),
                  "events": self.events, "media": len(self.media), **extra_counts}
        return GroundTruth(
            schema=SCHEMA, seed=seed, layout=plan.spec.layout, platform=plan.spec.platform,
            group={"name": plan.spec.names[-1], "names": list(plan.spec.names)},
            position_unit=self.unit, owner=self.ids[0], files=files, counts=counts,
            left_soon_hours=int(LEFT_SOON.total_seconds() // 3600), media=self.media,
            noise=self.noise, members=members,
            names_with_colon=[
                m["member_id"] for m in members if any(": " in n for n in m["display_names"])
            ],
        )

    def _member_truth(self, member: Member, names: list[str]) -> MemberTruth:
        i = member.index
        whatsapp = self.plan.spec.platform == "whatsapp"
        joined, exited = self.joined[i], self.exited[i]
        return MemberTruth(
            member_id=self.ids[i], phone_e164=member.phone if whatsapp else None,
            telegram_id=None if whatsapp else member.tg_id, country=member.country,
            display_names=names, role=member.role,
            joined=joined[0] if joined else None, exit=exited[0] if exited else None,
            messages=self.messages[i], media=self.media_count[i], added_count=self.added[i],
            indicators={code: sorted(pos) for code, pos in sorted(self.indicators[i].items())},
        )
