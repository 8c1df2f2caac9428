"""Plan a group: who is in it, how they got in, and where each planted behaviour goes.

The plan places O(members + planted items) things on a line of message slots; the chit-chat that
fills the remaining slots is generated while streaming (`chat_script`), which keeps a
200,000-message export in bounded memory. Every planted item is placed after its sender joined and
before they left, so the rendered file is always coherent.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain

from nigehbaan.synth.chat_model import (
    ChatMessage,
    HeaderLike,
    Link,
    MediaCatalog,
    MediaKind,
    Mention,
    NumberText,
    Part,
    Platform,
    Role,
    SystemEvent,
    Tag,
)
from nigehbaan.synth.chat_people import URDU_CONTACT_NAMES, Member, make_members
from nigehbaan.synth.chat_phrases import (
    LINK_INTRO,
    LOOKALIKE_INTRO,
    LOOKALIKE_TEXT,
    NUMBER_INTRO,
    THANKS,
    WELCOME,
    chit_chat,
    group_link,
    language_for,
    request_phrase,
)

MIN_MEMBERS = 20
OFFENDER_JOBS = ("adder", "sharer", "requester", "linker", "resharer", "remover")
ROLE_OF_GROUP: Mapping[str, Role] = {
    "offender": "offender", "victim": "victim", "leaver": "passive", "passive": "passive",
    "other": "other",
}


class PlanError(ValueError):
    """The requested sizes cannot hold every planted behaviour (too few messages)."""


@dataclass(frozen=True, slots=True)
class GroupSpec:
    """What distinguishes one synthetic group from another, apart from its size."""

    layout: str
    platform: Platform
    names: tuple[str, ...]
    weights: Mapping[str, float]
    owner_country: str
    owner_name: str
    owner_is_creator: bool
    owner_admin: bool
    start: datetime


@dataclass(slots=True)
class Plan:
    spec: GroupSpec
    members: list[Member]
    messages: int
    languages: list[str]
    creator: int
    join_slot: list[int]
    exit_slot: list[int]
    avg_gap: float
    stream_seed: int
    next_media_key: int = 0
    events_at: dict[int, list[SystemEvent]] = field(default_factory=dict)
    msgs_at: dict[int, ChatMessage] = field(default_factory=dict)


def build_plan(
    spec: GroupSpec, seed: int, members: int, messages: int, catalog: MediaCatalog
) -> Plan:
    if members < MIN_MEMBERS:
        raise PlanError(f"a synthetic group needs at least {MIN_MEMBERS} members")
    rng = random.Random(f"chat-plan:{spec.layout}:{seed}")
    people = make_members(rng, members, spec.weights, spec.owner_country, spec.owner_name)
    days = min(365.0, max(14.0, messages / 500))
    plan = Plan(
        spec=spec, members=people, messages=messages,
        languages=[language_for(m.country, rng) for m in people],
        creator=0 if spec.owner_is_creator else 1,
        join_slot=[messages + 1] * members, exit_slot=[messages + 1] * members,
        avg_gap=days * 86_400 / messages, stream_seed=rng.getrandbits(64),
    )
    _Planner(plan, rng, catalog).run()
    return plan


class _Planner:
    """Fills a Plan step by step; each method plants one family of behaviours."""

    def __init__(self, plan: Plan, rng: random.Random, catalog: MediaCatalog) -> None:
        self.plan, self.rng, self.catalog = plan, rng, catalog
        self.m = plan.messages
        self.jobs: dict[str, list[int]] = {job: [] for job in OFFENDER_JOBS}
        self.by_role: dict[str, list[int]] = {}
        self.first_msg: dict[int, int] = {}
        self.actors: set[int] = set()

    def run(self) -> None:
        self.assign_roles()
        self.plant_entries()
        self.plant_exits()
        self.plant_ordinary_messages()
        self.plant_group_changes()
        self.plant_welcomes()
        self.plant_requests()
        self.plant_links()
        self.plant_media()
        self.plant_lookalikes()

    # roles ------------------------------------------------------------------------------------
    def assign_roles(self) -> None:
        plan, n = self.plan, len(self.plan.members)
        creator = plan.creator
        rest = [i for i in range(1, n) if i != creator]
        self.rng.shuffle(rest)
        counts = {
            "offender": max(6, round(n * 0.03)) - 1, "victim": max(3, round(n * 0.02)),
            "leaver": max(2, round(n * 0.03)), "passive": round(n * 0.45),
        }
        groups: dict[str, list[int]] = {}
        for name, count in counts.items():
            groups[name], rest = rest[:count], rest[count:]
        groups["other"] = rest + ([] if plan.spec.owner_is_creator else [0])
        groups["offender"] = [creator, *groups["offender"]]
        for name, indexes in groups.items():
            for index in indexes:
                plan.members[index].role = ROLE_OF_GROUP[name]
        self.by_role = groups
        for position, index in enumerate(groups["offender"][1:]):
            self.jobs[OFFENDER_JOBS[position % len(OFFENDER_JOBS)]].append(index)
        self.name_tricky_contacts(groups["other"])
        self.jobs["adder"].insert(0, creator)
        self.jobs["remover"].insert(0, creator)
        self.jobs["linker"].insert(0, creator)

    def name_tricky_contacts(self, others: list[int]) -> None:
        """One contact saved as `Name: Work` (a `: ` inside the name), one in Urdu script."""
        saved = [self.plan.members[i] for i in others if i and self.plan.members[i].contact]
        if saved:
            saved[0].contact = f"{saved[0].name.split(' ')[0]}: Work"
        if len(saved) > 1:
            saved[1].contact = self.rng.choice(URDU_CONTACT_NAMES)

    # membership -------------------------------------------------------------------------------
    def event(self, slot: int, event: SystemEvent) -> None:
        self.plan.events_at.setdefault(slot, []).append(event)
        if event.actor is not None and event.kind in ("added", "removed"):
            self.actors.add(event.actor)

    def join(self, member: int, slot: int) -> None:
        self.plan.join_slot[member] = slot

    def plant_entries(self) -> None:
        plan, rng, creator = self.plan, self.rng, self.plan.creator
        offenders = self.by_role["offender"][1:]
        initial = offenders[:3]
        whatsapp = plan.spec.platform == "whatsapp"
        if whatsapp:
            self.event(0, SystemEvent("encryption"))
        created_with = () if whatsapp else tuple(([] if creator == 0 else [0]) + initial)
        self.event(0, SystemEvent("created", creator, created_with, new=plan.spec.names[0]))
        self.join(creator, 0)
        if whatsapp:
            if creator != 0:
                self.event(0, SystemEvent("added", creator, (0,)))
            self.event(0, SystemEvent("added", creator, tuple(initial)))
        for member in (*initial, 0):
            self.join(member, 0)
        early = max(2, self.m // 50)
        linked = self.jobs["linker"][1:2]
        for member in offenders[3:]:
            slot = rng.randint(1, early)
            if member in linked:
                self.event(slot, SystemEvent("joined_link", member, (member,)))
            else:
                self.event(slot, SystemEvent("added", creator, (member,)))
            self.join(member, slot)
        self.plant_batches(max(early + 1, self.m // 2))

    def plant_batches(self, last_slot: int) -> None:
        rng = self.rng
        others = list(self.by_role["other"])
        if 0 in others:
            others.remove(0)
        n_link, n_friend = len(others) // 4, len(others) // 10
        batches: list[tuple[str, list[int]]] = [("link", [i]) for i in others[:n_link]]
        batches += [("friend", [i]) for i in others[n_link:n_link + n_friend]]
        pool = [*others[n_link + n_friend:], *self.by_role["victim"], *self.by_role["leaver"],
                *self.by_role["passive"]]
        rng.shuffle(pool)
        while pool:
            size = rng.randint(1, 2) if rng.random() < 0.2 else rng.randint(5, 12)
            batches.append(("burst", pool[:size]))
            pool = pool[size:]
        rng.shuffle(batches)
        slots = sorted(rng.randint(2, last_slot) for _ in batches)
        joined_others: list[int] = []
        for slot, (how, targets) in zip(slots, batches, strict=True):
            if how == "friend" and joined_others:
                friend = rng.choice(joined_others)
                self.event(slot, SystemEvent("added", friend, tuple(targets)))
            elif how in ("friend", "link"):
                self.event(slot, SystemEvent("joined_link", targets[0], tuple(targets)))
            else:
                self.plant_burst(slot, targets)
            for target in targets:
                self.join(target, slot)
                if self.plan.members[target].role == "other":
                    joined_others.append(target)

    def plant_burst(self, slot: int, targets: list[int]) -> None:
        """Several add events in a row by one adder; five or more members make a burst."""
        rng, plan = self.rng, self.plan
        adders = [a for a in self.jobs["adder"] if plan.join_slot[a] < slot]
        actor = plan.creator if rng.random() < 0.4 or not adders else rng.choice(adders)
        tags: tuple[Tag, ...] = ((actor, "add_burst"),) if len(targets) >= 5 else ()
        rest = list(targets)
        while rest:
            size = rng.randint(1, 3)
            self.event(slot, SystemEvent("added", actor, tuple(rest[:size]), tags=tags))
            rest = rest[size:]

    def plant_exits(self) -> None:
        plan, rng = self.plan, self.rng
        for member in self.by_role["leaver"]:
            slot = min(plan.join_slot[member] + rng.randint(1, 3), self.m)
            self.event(slot, SystemEvent("left", member, (member,)))
            plan.exit_slot[member] = slot
        late = int(3 * 86_400 / plan.avg_gap) + 1
        candidates = [
            i for i in self.by_role["other"] + self.by_role["passive"]
            if i != 0 and i not in self.actors
        ]
        rng.shuffle(candidates)
        quota = max(1, len(candidates) // 20)
        leavers, removed = candidates[:quota], candidates[quota:2 * quota]
        for member in leavers:
            slot = plan.join_slot[member] + late + rng.randint(0, late)
            if slot < self.m:
                self.event(slot, SystemEvent("left", member, (member,)))
                plan.exit_slot[member] = slot
        for member in removed:
            joined = plan.join_slot[member]
            removers = [r for r in self.jobs["remover"] if plan.join_slot[r] < joined]
            low = plan.join_slot[member] + 5
            if not removers or low >= self.m:
                continue
            slot = rng.randint(low, self.m - 1)
            self.event(slot, SystemEvent("removed", rng.choice(removers), (member,)))
            plan.exit_slot[member] = slot

    # messages ---------------------------------------------------------------------------------
    def claim(self, sender: int, low: int = 0, high: int | None = None) -> int:
        """A free message slot inside the sender's membership and [low, high)."""
        plan = self.plan
        lo = max(low, plan.join_slot[sender] + 1)
        hi = min(high if high is not None else self.m, plan.exit_slot[sender], self.m)
        if lo >= hi:
            hi = min(plan.exit_slot[sender], self.m)
        if lo < hi:
            start = self.rng.randrange(lo, hi)
            for slot in chain(range(start, hi), range(lo, start)):
                if slot not in plan.msgs_at:
                    return slot
        raise PlanError(
            f"{self.m} messages are too few to plant every behaviour for "
            f"{len(plan.members)} members; ask for more messages"
        )

    def say(
        self, sender: int, parts: Sequence[Part], low: int = 0, high: int | None = None, *,
        media: int | None = None, media_kind: MediaKind | None = None,
        forwarded_from: int | None = None, reply_to: int | None = None, tags: tuple[Tag, ...] = (),
    ) -> int:
        slot = self.claim(sender, low, high)
        self.plan.msgs_at[slot] = ChatMessage(
            sender, tuple(parts), media=media, media_kind=media_kind,
            forwarded_from=forwarded_from, reply_to=reply_to, tags=tags,
        )
        self.first_msg[sender] = min(slot, self.first_msg.get(sender, slot))
        return slot

    def lang(self, member: int) -> str:
        return self.plan.languages[member]

    def plant_ordinary_messages(self) -> None:
        """Every `other` and victim posts at least once, so roles and files agree."""
        for member in self.by_role["other"] + self.by_role["victim"] + [0]:
            for _ in range(2 if member == 0 or self.plan.members[member].role == "victim" else 1):
                self.say(member, (chit_chat(self.rng, self.lang(member)),))

    def plant_group_changes(self) -> None:
        plan, rng, creator = self.plan, self.rng, self.plan.creator
        names = plan.spec.names
        slots = sorted(rng.randint(self.m // 10, self.m - 1) for _ in names[1:])
        for slot, old, new in zip(slots, names, names[1:], strict=False):
            self.event(slot, SystemEvent("subject", creator, old=old, new=new))
        self.event(max(1, self.m // 20), SystemEvent("icon", creator))
        if plan.spec.owner_admin and creator != 0:
            self.event(rng.randint(1, max(1, self.m // 10)), SystemEvent("admin_self", 0))

    def plant_welcomes(self) -> None:
        """The creator greets newcomers and is thanked: the planted hub of the network."""
        plan, rng, hub = self.plan, self.rng, self.plan.creator
        joined = [
            i for i in range(len(plan.members)) if 0 < plan.join_slot[i] < self.m and i != hub
        ]
        rng.shuffle(joined)
        tag = ((hub, "central_position"),)
        for member in joined[:min(30, len(joined) // 4)]:
            start = plan.join_slot[member]
            self.say(hub, (Mention(member), " " + WELCOME[self.lang(hub)]), start, start + 50,
                     tags=tag)
        talkers = [i for i in self.by_role["other"] if plan.exit_slot[i] > self.m]
        for member in talkers[:10]:
            self.say(member, (Mention(hub), " " + THANKS[self.lang(member)]), tags=tag)

    def plant_requests(self) -> None:
        plan, rng = self.plan, self.rng
        requesters = self.jobs["requester"] or self.by_role["offender"]
        offenders = self.by_role["offender"]
        for victim in self.by_role["victim"]:
            for _ in range(rng.randint(1, 2)):
                sender = rng.choice(requesters)
                meeting = rng.random() < 0.35
                code = "requested_meeting" if meeting else "requested_media"
                phrase = request_phrase(rng, self.lang(sender), meeting)
                low = max(self.first_msg[victim], plan.join_slot[sender]) + 1
                self.say(sender, (Mention(victim), " " + phrase), low, reply_to=victim,
                         tags=((sender, code), (victim, "addressed_by_requests")))
            first = victim == self.by_role["victim"][0]
            if plan.spec.platform == "whatsapp" and (first or rng.random() < 0.5):
                sender = rng.choice(offenders)
                low = max(plan.join_slot[victim], plan.join_slot[sender]) + 1
                self.say(sender, (NUMBER_INTRO[self.lang(sender)] + " ", NumberText(victim)), low,
                         tags=((victim, "number_posted_by_others"),))
        for sender in requesters:
            for meeting, code in ((False, "requested_media"), (True, "requested_meeting")):
                self.say(sender, (request_phrase(rng, self.lang(sender), meeting),),
                         tags=((sender, code),))

    def plant_links(self) -> None:
        for sender in self.jobs["linker"]:
            for _ in range(1 if sender == self.plan.creator else 2):
                parts = (LINK_INTRO[self.lang(sender)] + " ", Link(group_link(self.rng)))
                self.say(sender, parts, tags=((sender, "posted_group_links"),))

    def plant_media(self) -> None:
        """First posters introduce content; other offenders (now and then anyone) re-share it."""
        plan, rng = self.plan, self.rng
        sharers = self.jobs["sharer"] or [plan.creator]
        offenders = self.by_role["offender"]
        talkers = [i for i in self.by_role["other"] if plan.exit_slot[i] > self.m]
        telegram = plan.spec.platform == "telegram"
        for _ in range(max(4, self.m // 200)):
            key = plan.next_media_key
            plan.next_media_key += 1
            kind = self.catalog.kind(key)
            poster = rng.choice(sharers)
            first = self.say(poster, (), high=int(self.m * 0.7), media=key, media_kind=kind)
            resharers = [o for o in offenders if o != poster]
            chosen = rng.sample(resharers, k=min(len(resharers), rng.randint(1, 3)))
            if talkers and rng.random() < 0.2:
                chosen.append(rng.choice(talkers))
            for member in chosen:
                self.say(member, (), first + 1, media=key, media_kind=kind,
                         forwarded_from=poster if telegram else None)

    def plant_lookalikes(self) -> None:
        if self.plan.spec.platform != "whatsapp":
            return
        rng = self.rng
        talkers = self.by_role["other"] or self.by_role["offender"]
        for _ in range(1 + self.m // 5000):
            sender = rng.choice(talkers)
            line = HeaderLike(rng.randint(1440, 43_200), rng.choice(("Coach", "Ali", "Mama")),
                              rng.choice(LOOKALIKE_TEXT))
            self.say(sender, (rng.choice(LOOKALIKE_INTRO) + "\n", line))
