"""Chat members of a case attributed to a country, read from the chats tables.

A member belongs to the country when the country of its phone number says so (the importer
records it), when an analyst set it by hand (`member_attribution`: a contact the export shows by
a saved name only), or when it shares a phone number or handle with a person of the case register
who is attributed to the country.
Kept here rather than in `chats` so that the package reads the chats capability's tables without
that capability depending on referrals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from nigehbaan.chats.models import ChatGroup, ChatMember, ChatTriageDecision
from nigehbaan.core.countries import country_name
from nigehbaan.core.db import distinct_chunks
from nigehbaan.referrals.models import ChatMemberAttribution
from nigehbaan.referrals.sections import PackageContext

CACHE_KEY = "chat.members"


@dataclass(frozen=True)
class Decision:
    category: str
    reason: str
    decided_by: str
    decided_at: datetime


@dataclass(frozen=True)
class Member:
    row: ChatMember
    group: ChatGroup
    reasons: tuple[str, ...]
    decision: Decision | None

    @property
    def label(self) -> str:
        """How the package names the member: display name, else the key."""
        return self.row.display_name or self.row.phone_e164 or self.row.key


def _register_links(context: PackageContext) -> dict[str, list[str]]:
    """Phone numbers and handles of attributed register people → why each is attributed."""
    links: dict[str, list[str]] = {}
    for item in context.people:
        for identifier in item.person.identifiers:
            if identifier.kind in ("phone", "handle"):
                why = (f"{identifier.kind} {identifier.value} is a {item.person.role} attributed "
                       f"({'; '.join(item.reasons)})")
                links.setdefault(identifier.value.lstrip("@").lower(), []).append(why)
    return links


def latest_decisions(context: PackageContext, member_ids: Iterable[int]) -> dict[int, Decision]:
    """The analyst's latest decision per member (a member may be decided more than once).
    Members are read in chunks: a country's members of a big group as one IN list would
    pass PostgreSQL's 65,535 parameters."""
    found: dict[int, Decision] = {}
    for part in distinct_chunks(member_ids):  # a member's decisions all in one, oldest first
        for row in context.session.execute(
                select(ChatTriageDecision).where(ChatTriageDecision.member_id.in_(part))
                .order_by(ChatTriageDecision.decided_at, ChatTriageDecision.id)).scalars():
            found[row.member_id] = Decision(row.category, row.reason, row.decided_by,
                                            row.decided_at)
    return found


def attributed_members(context: PackageContext) -> list[Member]:
    """Members of the case's groups attributed to the context's country, found once a build."""
    cached = context.cache.get(CACHE_KEY)
    if isinstance(cached, list):
        return cached
    links = _register_links(context)
    session, code = context.session, context.country
    by_hand: dict[int, list[str]] = {}
    set_here = (ChatMemberAttribution.case_id == context.case.id,
                ChatMemberAttribution.country == code)
    for row in session.execute(select(ChatMemberAttribution).where(*set_here)).scalars():
        by_hand.setdefault(row.member_id, []).append(f"set by hand by {row.set_by}: {row.reason}")
    conditions = [ChatMember.country == code, ChatMember.id.in_(
        select(ChatMemberAttribution.member_id).where(*set_here))]
    if links:
        conditions += [ChatMember.phone_e164.in_(list(links)),
                       ChatMember.telegram_id.in_(list(links))]
    rows = session.execute(
        select(ChatMember, ChatGroup).join(ChatGroup, ChatGroup.id == ChatMember.group_id)
        .where(ChatGroup.case_id == context.case.id, ChatMember.mention_only.is_(False),
               or_(*conditions))
        .order_by(ChatGroup.id, ChatMember.id)).all()
    decisions = latest_decisions(context, [member.id for member, _ in rows])
    members: list[Member] = []
    for member, group in rows:
        reasons: list[str] = []
        if member.country == code:
            reasons.append(f"phone {member.phone_e164 or member.key} is {country_name(code)}'s")
        for value in (member.phone_e164, member.telegram_id):
            if value:
                reasons += links.get(value.lower(), [])
        reasons += by_hand.get(member.id, [])
        members.append(Member(member, group, tuple(reasons), decisions.get(member.id)))
    context.cache[CACHE_KEY] = members
    return members


WITHHELD = "[possible victim]"


def withheld_labels(context: PackageContext) -> list[str]:
    """Outside the case team: every label, name and number under which a member advised or
    decided a possible victim appears in the case's groups, longest first (for `redact`)."""
    cached = context.cache.get("chat.withheld")
    if isinstance(cached, list):
        return cached
    labels: set[str] = set()
    if not context.team:
        rows = context.session.execute(select(ChatMember).where(ChatMember.group_id.in_(
            select(ChatGroup.id).where(ChatGroup.case_id == context.case.id)))).scalars().all()
        decisions = latest_decisions(context, (row.id for row in rows))
        for row in rows:
            decision = decisions.get(row.id)
            if (decision.category if decision else row.triage) == "possible_victim":
                labels |= {row.display_name, *(row.aliases or []), row.phone_e164 or "",
                           row.telegram_id or ""}
    found = sorted((label for label in labels if len(label) >= 3), key=len, reverse=True)
    context.cache["chat.withheld"] = found
    return found


def redact(context: PackageContext, text: str) -> str:
    """The text with every withheld label replaced: raw export lines name people as they are."""
    for label in withheld_labels(context):
        text = text.replace(label, WITHHELD)
    return text
