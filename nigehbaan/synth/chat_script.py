"""Stream a planned group as timed items, filling free slots with ordinary chit-chat.

A generator, not a list: the 200,000-message benchmark export is written as it is produced, so
memory depends on the number of members, not on the number of messages. The stream is a pure
function of the plan, so rendering it twice (plain text, then the zip) gives the same items.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from nigehbaan.synth.chat_model import ChatMessage, Item, MediaCatalog, Mention, Part, SystemEvent
from nigehbaan.synth.chat_phrases import chit_chat
from nigehbaan.synth.chat_plan import Plan

MAX_GAP_SECONDS = 6 * 3600
"""A cap on the silence between two messages; it keeps planted "left soon" exits within a day."""


class _Talkers:
    """Members who may chit-chat right now: joined, not gone, and neither passive nor victim."""

    __slots__ = ("members", "present", "roles")

    def __init__(self, plan: Plan) -> None:
        self.roles = [m.role for m in plan.members]
        self.members: list[int] = []
        self.present: set[int] = set()

    def update(self, event: SystemEvent) -> None:
        if event.kind in ("created", "added", "joined_link"):
            arriving = (*event.targets, event.actor) if event.kind == "created" else event.targets
            for member in arriving:
                if member is not None and member not in self.present and self._talks(member):
                    self.present.add(member)
                    self.members.append(member)
        elif event.kind in ("removed", "left"):
            for member in event.targets:
                if member in self.present:
                    self.present.discard(member)
                    self.members.remove(member)

    def _talks(self, member: int) -> bool:
        return member == 0 or self.roles[member] in ("other", "offender")

    def pick(self, rng: random.Random) -> int:
        """Early joiners talk more: half the picks come from the first fifth of the list."""
        if len(self.members) >= 10 and rng.random() < 0.5:
            return self.members[rng.randrange(max(1, len(self.members) // 5))]
        return rng.choice(self.members)


def iter_items(plan: Plan, catalog: MediaCatalog) -> Iterator[tuple[datetime, Item]]:
    """Every item of the group in time order, with its local timestamp."""
    rng = random.Random(plan.stream_seed)
    talkers = _Talkers(plan)
    chatter = _ChitChat(plan, catalog, rng)
    seconds = 0
    start = plan.spec.start
    for slot in range(plan.messages + 1):
        for event in plan.events_at.get(slot, ()):
            seconds += rng.randint(2, 30)
            talkers.update(event)
            yield start + timedelta(seconds=seconds), event
        if slot == plan.messages:
            break
        seconds += 1 + min(int(rng.expovariate(1 / plan.avg_gap)), MAX_GAP_SECONDS)
        message = plan.msgs_at.get(slot) or chatter.message(talkers)
        yield start + timedelta(seconds=seconds), message


class _ChitChat:
    """Ordinary messages: phrases, multi-line texts, mentions, media, deletions, edits, replies."""

    __slots__ = ("catalog", "next_key", "plan", "rng", "whatsapp")

    def __init__(self, plan: Plan, catalog: MediaCatalog, rng: random.Random) -> None:
        self.plan, self.catalog, self.rng = plan, catalog, rng
        self.next_key = plan.next_media_key
        self.whatsapp = plan.spec.platform == "whatsapp"

    def message(self, talkers: _Talkers) -> ChatMessage:
        rng = self.rng
        sender = talkers.pick(rng)
        language = self.plan.languages[sender]
        roll = rng.random()
        if roll < 0.01:
            key = self.next_key
            self.next_key += 1
            return ChatMessage(sender, media=key, media_kind=self.catalog.kind(key))
        if self.whatsapp and roll < 0.014:
            return ChatMessage(sender, deleted=True)
        parts: tuple[Part, ...]
        if roll < 0.06:
            lines = [chit_chat(rng, language) for _ in range(rng.randint(2, 3))]
            parts = ("\n".join(lines),)
        elif roll < 0.07:
            parts = (Mention(talkers.pick(rng)), " " + chit_chat(rng, language))
        else:
            parts = (chit_chat(rng, language),)
        reply_to = None if self.whatsapp or rng.random() > 0.03 else talkers.pick(rng)
        return ChatMessage(sender, parts, reply_to=reply_to, edited=rng.random() < 0.005)
