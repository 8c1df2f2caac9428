"""Reading imported groups, and recording the analyst's triage decisions.

Every read goes through `load_case`, so a group is visible exactly when its case is. Indicator
evidence is stored as export positions and resolved to record ids here, in chunks, because a
big group's evidence is thousands of records and is read far less often than it is written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nigehbaan.cases.access import load_case
from nigehbaan.chats import known
from nigehbaan.chats.models import (
    ChatEvent,
    ChatGroup,
    ChatIndicator,
    ChatMember,
    ChatMessage,
    ChatTriageDecision,
)
from nigehbaan.chats.triage.rules import ADVICE_ORDER
from nigehbaan.chats.views import (
    DecisionIn,
    DecisionView,
    EvidenceRef,
    GroupView,
    IndicatorView,
    MemberView,
    TimelineEntry,
)
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.db import distinct_chunks, in_chunks
from nigehbaan.core.errors import NotFound
from nigehbaan.core.roles import Permission


@dataclass(frozen=True)
class Timeline:
    """A member's records in export order, and which of their messages this page holds."""

    entries: list[TimelineEntry]
    start: int
    shown: int
    """How many of the member's own messages this page holds, from the `start`-th."""
    total: int
    """How many messages the member sent."""


def group_view(group: ChatGroup, case_reference: str) -> GroupView:
    return GroupView(id=group.id, case=case_reference, format=group.format, title=group.title,
                     chat_type=group.chat_type, source_name=group.source_name,
                     source_sha256=group.source_sha256, time_basis=group.time_basis,
                     imported_by=group.imported_by, imported_at=group.imported_at,
                     report=group.report)


def list_groups(session: Session, actor: Actor, reference: str) -> list[GroupView]:
    """The case's groups, each with its members counted by triage advice (numbers only
    mentioned too, as on the group page: a child whose number others posted is one)."""
    case = load_case(session, actor, reference)
    groups = session.execute(select(ChatGroup).where(ChatGroup.case_id == case.id)
                             .order_by(ChatGroup.id)).scalars().all()
    advice: dict[int, dict[str, int]] = {g.id: {} for g in groups}
    for group_id, category, count in session.execute(
            select(ChatMember.group_id, ChatMember.triage, func.count())
            .where(ChatMember.group_id.in_(advice))
            .group_by(ChatMember.group_id, ChatMember.triage)).all():
        advice[group_id][category] = int(count)
    return [group_view(g, case.reference).model_copy(update={"advice": advice[g.id]})
            for g in groups]


def load_group(session: Session, actor: Actor, reference: str, group_id: int,
               permission: Permission = Permission.CASE_READ) -> ChatGroup:
    case = load_case(session, actor, reference, permission)
    group = session.get(ChatGroup, group_id)
    if group is None or group.case_id != case.id:
        raise NotFound(f"no chat group {group_id} in case {case.reference}")
    return group


def _evidence(session: Session, group_id: int, positions: Iterable[int]
              ) -> dict[int, EvidenceRef]:
    found: dict[int, EvidenceRef] = {}
    for chunk in distinct_chunks(positions):
        for model, kind in ((ChatMessage, "message"), (ChatEvent, "event")):
            rows = session.execute(select(model.id, model.position).where(
                model.group_id == group_id, model.position.in_(chunk)))
            for row_id, position in rows:
                found[position] = EvidenceRef(type=kind, id=row_id, position=position)
    return found


def members(session: Session, actor: Actor, reference: str, group_id: int | None = None, *,
            triage: str = "", country: str = "", indicator: str = "", sort: str = "triage",
            audit_read: bool = True, member_id: int | None = None) -> list[MemberView]:
    """Members of one group, or of every group of the case; filtered and sorted server-side."""
    case = load_case(session, actor, reference)
    groups = [group_id] if group_id is not None else list(session.execute(
        select(ChatGroup.id).where(ChatGroup.case_id == case.id)).scalars())
    if group_id is not None:
        load_group(session, actor, reference, group_id)
    query = select(ChatMember).where(ChatMember.group_id.in_(groups))
    if member_id is not None:
        query = query.where(ChatMember.id == member_id)
    if triage:
        query = query.where(ChatMember.triage == triage)
    if country:
        query = query.where(ChatMember.country == country.upper())
    if indicator:
        query = query.where(ChatMember.id.in_(select(ChatIndicator.member_id)
                                              .where(ChatIndicator.code == indicator)))
    rows = list(session.execute(query.order_by(ChatMember.id)).scalars())
    ids = [m.id for m in rows]
    found: dict[int, list[ChatIndicator]] = {}
    decisions: dict[int, ChatTriageDecision] = {}
    for chunk in in_chunks(ids):
        for item in session.execute(select(ChatIndicator).where(
                ChatIndicator.member_id.in_(chunk)).order_by(ChatIndicator.id)).scalars():
            found.setdefault(item.member_id, []).append(item)
        for decision in session.execute(select(ChatTriageDecision).where(
                ChatTriageDecision.member_id.in_(chunk)).order_by(ChatTriageDecision.id)
                ).scalars():
            decisions[decision.member_id] = decision
    by_group: dict[int, list[int]] = {}
    for member in rows:
        for item in found.get(member.id, []):
            by_group.setdefault(member.group_id, []).extend(item.evidence)
    refs = {g: _evidence(session, g, positions) for g, positions in by_group.items()}
    views = [_member_view(m, found.get(m.id, []), refs.get(m.group_id, {}),
                          decisions.get(m.id)) for m in rows]
    views.sort(key=_SORTS.get(sort, _SORTS["triage"]))
    if audit_read:
        audit.record(session, actor, "chat.members.read", "case", case.reference,
                     detail={"group": group_id, "returned": len(views)})
    return views


_SORTS = {
    "triage": lambda m: (ADVICE_ORDER.get(m.triage, 9), -m.pagerank, m.member_id),
    "messages": lambda m: (-m.messages, m.member_id),
    "media": lambda m: (-m.media, m.member_id),
    "pagerank": lambda m: (-m.pagerank, m.member_id),
    "country": lambda m: (m.country or "~", m.member_id),
    "name": lambda m: (m.display_names[0].lower() if m.display_names else "", m.member_id),
}


def _member_view(member: ChatMember, items: list[ChatIndicator], refs: dict[int, EvidenceRef],
                 decision: ChatTriageDecision | None) -> MemberView:
    names = [member.display_name, *[a for a in member.aliases if a != member.display_name]]
    return MemberView(
        member_id=member.id, key=member.key, display_names=names, phone_e164=member.phone_e164,
        country=member.country, telegram_id=member.telegram_id, is_owner=member.is_owner,
        mention_only=member.mention_only, messages=member.messages, media=member.media,
        known_matches=member.known_matches, added_count=member.added_count,
        pagerank=member.pagerank, betweenness=member.betweenness, core=member.core,
        removal_effect=member.removal_effect,
        indicators=[IndicatorView(code=i.code, detail=i.detail,
                                  evidence=[refs[p] for p in i.evidence if p in refs])
                    for i in items],
        triage=member.triage, triage_rule=member.triage_rule,
        decision=None if decision is None else DecisionView.model_validate(
            decision, from_attributes=True))


def countries(views: list[MemberView]) -> list[tuple[str, int]]:
    """Members per country, most first: what a referral to each country would cover."""
    counts = Counter(v.country for v in views if v.country and not v.mention_only)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _member(session: Session, group: ChatGroup, member_id: int) -> ChatMember:
    member = session.get(ChatMember, member_id)
    if member is None or member.group_id != group.id:
        raise NotFound(f"no member {member_id} in chat group {group.id}")
    return member


def decide(session: Session, actor: Actor, reference: str, group_id: int, member_id: int,
           decision: DecisionIn) -> ChatTriageDecision:
    """An analyst's category for a member, with a reason, kept beside the tool's advice."""
    actor.require(Permission.CASE_READ)
    group = load_group(session, actor, reference, group_id)
    member = _member(session, group, member_id)
    row = ChatTriageDecision(member_id=member.id, category=decision.category,
                             reason=decision.reason.strip(), advice=member.triage,
                             advice_rule=member.triage_rule, decided_by=actor.username)
    session.add(row)
    session.flush()
    audit.record(session, actor, "chat.triage.decide", "chat_member", str(member.id), detail={
        "case": reference.upper(), "group": group.id, "category": decision.category,
        "advice": member.triage, "reason": row.reason})
    return row


TIMELINE_PAGE = 500


def timeline(session: Session, actor: Actor, reference: str, group_id: int, member_id: int, *,
             start: int = 0, limit: int = TIMELINE_PAGE) -> tuple[MemberView, Timeline]:
    """Every record the member's indicators cite, every system event of theirs, and a page of
    their own messages (`limit` from the `start`-th), in export order.

    Cited records are never cut by the page: an indicator's evidence must always be there to
    read, and a suspect's evidence is often late in a long chat."""
    group = load_group(session, actor, reference, group_id)
    member = _member(session, group, member_id)
    (view,) = members(session, actor, reference, group.id, audit_read=False,
                      member_id=member.id)
    cited: dict[int, list[str]] = {}
    cited_ids: dict[str, set[int]] = {"message": set(), "event": set()}
    for item in view.indicators:
        for ref in item.evidence:
            cited.setdefault(ref.position, []).append(item.code)
            cited_ids[ref.type].add(ref.id)
    own = list(session.execute(select(ChatMessage).where(
        ChatMessage.group_id == group.id, ChatMessage.member_id == member.id)
        .order_by(ChatMessage.position).offset(start).limit(limit)).scalars())
    messages = {m.position: m for m in [*own, *_by_id(session, ChatMessage, cited_ids["message"])]}
    events = {e.position: e for e in [*session.execute(select(ChatEvent).where(
        ChatEvent.group_id == group.id, ChatEvent.member_id == member.id)).scalars(),
        *_by_id(session, ChatEvent, cited_ids["event"])]}
    media = known.media_views(session, group.case_id, group.id,
                              [p for p, m in messages.items() if m.has_media])
    entries = [TimelineEntry(type="message", id=m.id, position=m.position, at=m.at,
                             text=m.text, raw=m.raw, kind="media" if m.has_media else "message",
                             cited_by=cited.get(m.position, []), media=media.get(m.position))
               for m in messages.values()]
    entries += [TimelineEntry(type="event", id=e.id, position=e.position, at=e.at, text=e.text,
                              raw=e.raw, kind=e.kind, cited_by=cited.get(e.position, []))
                for e in events.values()]
    entries.sort(key=lambda entry: (entry.position, entry.type))
    audit.record(session, actor, "chat.member.timeline", "chat_member", str(member.id),
                 detail={"case": reference.upper(), "group": group.id, "start": start})
    return view, Timeline(entries, start, len(own), view.messages)


def _by_id(session: Session, model: type[ChatMessage] | type[ChatEvent],
           ids: Iterable[int]) -> list[Any]:
    """The records an indicator cites, by the ids `members` already found for them."""
    found: list[Any] = []
    for chunk in distinct_chunks(ids):
        found += session.execute(select(model).where(model.id.in_(chunk))).scalars()
    return found
