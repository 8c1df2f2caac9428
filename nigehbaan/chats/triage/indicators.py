"""From a member's tally and network position to indicators, each citing its records.

An indicator is a fact with its evidence (the positions of the messages and events it rests
on) and a one-line detail an analyst can check against them; none of them is an accusation.
Thresholds relative to the group (media rate, PageRank rank) are computed once per group so a
1,600-member group and a 60-member one are measured by the same yardstick.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from nigehbaan.chats.network import Position
from nigehbaan.chats.triage.collector import Tally

LEFT_SOON = timedelta(hours=24)
BURST_GAP = timedelta(minutes=10)
BURST_SIZE = 5
MAX_EVIDENCE = 200
_Add = Callable[[str, str, list[int]], None]
RARE = 0.01
"""A member's media count is 'frequent' when the group's baseline makes it rarer than this."""


@dataclass(frozen=True)
class Indicator:
    code: str
    detail: str
    evidence: tuple[int, ...]


@dataclass(frozen=True)
class GroupFacts:
    """What every member is measured against."""

    members: int
    media_rate: float
    central_cutoff: float


@dataclass
class MemberFacts:
    tally: Tally
    position: Position | None
    mention_only: bool = False


def group_facts(tallies: list[Tally], ranks: list[float]) -> GroupFacts:
    """The media baseline ignores the top tenth of posters, who may be the ones planting."""
    by_media = sorted(tallies, key=lambda t: t.media)
    kept = by_media[: max(1, math.ceil(len(by_media) * 0.9))]
    messages = sum(t.messages for t in kept)
    rate = max(0.002, sum(t.media for t in kept) / messages) if messages else 0.01
    top = max(3, round(len(ranks) * 0.02))
    ordered = sorted(ranks, reverse=True)
    cutoff = ordered[min(top, len(ordered)) - 1] if ordered else 1.0
    return GroupFacts(len(tallies), rate, cutoff)


def _cite(positions: list[int]) -> tuple[int, ...]:
    return tuple(sorted(set(positions)))[:MAX_EVIDENCE]


def _details(tally: Tally, code: str) -> str:
    return "; ".join(sorted(tally.details.get(code, set())))[:400]


def _poisson_tail(k: int, lam: float) -> float:
    if lam <= 0:
        return 0.0 if k > 0 else 1.0
    term, below = math.exp(-lam), 0.0
    for i in range(k):
        below += term
        term *= lam / (i + 1)
    return max(0.0, 1.0 - below)


def _bursts(tally: Tally) -> tuple[int, list[int]]:
    runs: list[list[tuple[int, int]]] = []
    last = None
    for position, at, count in sorted(tally.adds, key=lambda a: a[0]):
        if runs and last is not None and at is not None and at - last <= BURST_GAP:
            runs[-1].append((position, count))
        else:
            runs.append([(position, count)])
        last = at
    bursts = [run for run in runs if sum(c for _, c in run) >= BURST_SIZE]
    return len(bursts), [p for run in bursts for p, _ in run]


def indicators(facts: MemberFacts, group: GroupFacts, first_posts: list[int]) -> list[Indicator]:
    t = facts.tally
    found: list[Indicator] = []

    def add(code: str, detail: str, evidence: list[int]) -> None:
        found.append(Indicator(code, detail, _cite(evidence)))

    marks = t.marks
    simple = {
        "created_group": "created the group", "renamed_group": "renamed the group",
        "admin": "acted as an admin", "joined_by_link": "joined through an invitation link",
        "requested_media": "asked for pictures or videos",
        "requested_meeting": "asked to meet", "posted_group_links": "posted links to other groups",
        "addressed_by_requests": "was asked by others for pictures, videos or to meet",
        "number_posted_by_others": "their phone number was posted by someone else",
    }
    for code, text in simple.items():
        if code in marks:
            extra = _details(t, code)
            add(code, f"{text} ({len(set(marks[code]))}×){': ' + extra if extra else ''}",
                marks[code])
    if t.added_count:
        share = t.added_count / max(group.members, 1)
        add("added_members", f"added {t.added_count} members ({share:.0%} of the group) in "
            f"{len(t.adds)} events", [p for p, _, _ in t.adds])
        count, positions = _bursts(t)
        if count:
            add("add_burst", f"{count} burst(s) of {BURST_SIZE}+ members added within "
                f"{int(BURST_GAP.total_seconds() // 60)} minutes", positions)
    if "removed_members" in marks:
        add("removed_members", f"removed others ({len(set(marks['removed_members']))} events)",
            marks["removed_members"])
    if t.media:
        distinct = f", {len(t.distinct_media)} distinct" if t.distinct_media else ""
        add("shared_media", f"shared {t.media} media items{distinct}", marks["shared_media"])
        tail = _poisson_tail(t.media, t.messages * group.media_rate)
        if t.media >= 3 and tail < RARE:
            add("frequent_media_sharer", f"{t.media} media in {t.messages} messages against a "
                f"group baseline of {group.media_rate:.1%} (chance {tail:.1e})",
                marks["shared_media"])
    if first_posts:
        add("first_poster", f"first to post {len(first_posts)} item(s) others re-shared",
            first_posts)
    if "reshared_media" in marks:
        add("reshared_media", f"re-shared {len(marks['reshared_media'])} item(s) first posted "
            "by others", marks["reshared_media"])
    if "forwarded_media" in marks:
        add("forwarded_media", f"forwarded {len(marks['forwarded_media'])} media item(s): "
            f"{_details(t, 'forwarded_media')}", marks["forwarded_media"])
    _position(facts, group, add)
    _membership(t, add)
    return found


KNOWN_CODES = ("known_material", "known_material_first_post")
"""Indicators from known-list matches: they come after the import, once the export's media are
in the vault and matched (`chats.known.refresh`), so they are rebuilt apart from the others."""


def known_material(items: int, categories: dict[str, int], positions: list[int],
                   first_items: int, first_positions: list[int]) -> list[Indicator]:
    """Posting known material, and (weighing more) being the first in the group to post it."""
    if not items:
        return []
    cats = ", ".join(f"{k}: {v}" for k, v in sorted(categories.items()))
    found = [Indicator("known_material", f"posted {items} media item(s) matching known lists "
                       f"({cats}) in {len(set(positions))} message(s)", _cite(positions))]
    if first_items:
        found.append(Indicator("known_material_first_post", f"first in the group to post "
                               f"{first_items} of them", _cite(first_positions)))
    return found


def _position(facts: MemberFacts, group: GroupFacts, add: _Add) -> None:
    pos = facts.position
    if pos is None or pos.degree < 5:
        return
    if pos.pagerank >= group.central_cutoff or pos.removal_effect >= 2:
        add("central_position", f"PageRank {pos.pagerank:.3f}, betweenness "
            f"{pos.betweenness:.3f}, k-core {pos.core}, {pos.degree} contacts; removing them "
            f"cuts {pos.removal_effect} member(s) off", [])


def _membership(t: Tally, add: _Add) -> None:
    joins = sorted(t.joins, key=lambda j: j.position)
    added_by_others = [j for j in joins if j.method == "added" and j.by is not None]
    if added_by_others and t.messages == 0:
        add("never_posted", "added by others and never posted", [added_by_others[0].position])
    for position, at, how in t.exits:
        if how != "left" or at is None:
            continue
        before = [j for j in joins if j.position < position and j.at is not None]
        if before and before[-1].at is not None and at - before[-1].at <= LEFT_SOON:
            hours = (at - before[-1].at).total_seconds() / 3600
            add("left_soon", f"left {hours:.1f} h after joining", [position])
