"""From indicators to a triage category, naming the rule and the points that produced it.

The categories are advice for an analyst, in the order the unit works a group:
`priority_suspect` (look here first), `possible_victim` (safeguard), `passive` (added without
taking part), `undetermined` (nothing decisive either way). The weights are a table so a unit
can review and change them; each rule's text lists the indicators that counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nigehbaan.chats.triage.indicators import Indicator

PRIORITY_SUSPECT = "priority_suspect"
POSSIBLE_VICTIM = "possible_victim"
PASSIVE = "passive"
UNDETERMINED = "undetermined"
CATEGORIES = (PRIORITY_SUSPECT, POSSIBLE_VICTIM, PASSIVE, UNDETERMINED)
ADVICE_ORDER = {PRIORITY_SUSPECT: 0, POSSIBLE_VICTIM: 1, UNDETERMINED: 2, PASSIVE: 3}
"""Which advice weighs most, for lists shown suspects first and counts of one member's copies:
anything else sorts after these."""

SUSPECT_THRESHOLD = 2
WEIGHTS: dict[str, int] = {
    # each alone is enough to look at the member first
    "requested_media": 2, "requested_meeting": 2, "posted_group_links": 2, "add_burst": 2,
    "removed_members": 2, "created_group": 2, "first_poster": 2, "known_material": 2,
    "known_material_first_post": 2,
    # each adds to the others
    "admin": 1, "renamed_group": 1, "frequent_media_sharer": 1, "central_position": 1,
    "added_members": 1,
}
REPEATED: dict[str, tuple[int, int]] = {"reshared_media": (2, 3), "forwarded_media": (2, 3)}
"""Indicators that count only when repeated: a point at the first number of records, two at
the second. Anyone may pass on one picture once; doing it again and again is a pattern."""
VICTIM_CODES = ("addressed_by_requests", "number_posted_by_others")
PASSIVE_CODES = ("never_posted", "left_soon")


@dataclass(frozen=True)
class Triage:
    category: str
    rule: str
    score: int


def _points(indicator: Indicator) -> int:
    points = WEIGHTS.get(indicator.code, 0)
    if indicator.code in REPEATED:
        points = sum(1 for at_least in REPEATED[indicator.code]
                     if len(indicator.evidence) >= at_least)
    if indicator.code == "added_members" and "(0%" in indicator.detail:
        points = 0
    return points


def triage(found: Sequence[Indicator], *, messages: int, mention_only: bool = False) -> Triage:
    scored = [(i.code, _points(i)) for i in found if _points(i)]
    score = sum(points for _, points in scored)
    codes = {i.code for i in found}
    victim = [code for code in VICTIM_CODES if code in codes]
    counted = " + ".join(f"{code} ({points})" for code, points in scored)
    if score >= SUSPECT_THRESHOLD:
        also = f"; also {', '.join(victim)}: check for coercion" if victim else ""
        return Triage(PRIORITY_SUSPECT,
                      f"suspect score {score} ≥ {SUSPECT_THRESHOLD}: {counted}{also}", score)
    if victim:
        return Triage(POSSIBLE_VICTIM, f"{' and '.join(victim)}, suspect score {score} < "
                      f"{SUSPECT_THRESHOLD}", score)
    passive = [code for code in PASSIVE_CODES if code in codes]
    if score == 0 and (passive or (messages == 0 and not mention_only)):
        why = " and ".join(passive) or "never posted"
        return Triage(PASSIVE, f"{why}, no suspect indicator", score)
    if mention_only:
        return Triage(UNDETERMINED, "only mentioned by number: probably a member saved under a "
                      "contact name; link by hand", score)
    why = f"suspect score {score}: {counted}" if score else "no decisive indicator"
    return Triage(UNDETERMINED, why, score)
