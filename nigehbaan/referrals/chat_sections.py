"""Package sections from the chats capability: the attributed members with their identifiers,
triage advice and the analyst's decision; their membership events; and their triage indicators
with the records each one cites (text, time, and the raw line or position as exported).

Members of other countries are not listed: where an event of an attributed member involves one
(who added whom), the package names them as the export's line does, with their country. Outside
the case team, a member advised or decided a possible victim is withheld like a minor: their
row keeps only the advice, and every name or number of theirs in the cited lines is replaced.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from nigehbaan.cases.models import Case
from nigehbaan.chats.model import EventKind
from nigehbaan.chats.models import (
    ChatEdge,
    ChatEvent,
    ChatGroup,
    ChatIndicator,
    ChatMember,
    ChatMessage,
)
from nigehbaan.core.countries import country_name
from nigehbaan.referrals import uco
from nigehbaan.referrals.chat_people import WITHHELD, Member, attributed_members, redact
from nigehbaan.referrals.models import ChatMemberAttribution
from nigehbaan.referrals.sections import (
    PackageContext,
    Section,
    people_providers,
    section_providers,
)

MEMBERSHIP = tuple(kind.value for kind in (
    EventKind.CREATED, EventKind.ADDED, EventKind.REMOVED, EventKind.LEFT,
    EventKind.JOINED_BY_LINK, EventKind.JOINED_BY_REQUEST, EventKind.ADMIN_GRANTED,
    EventKind.ADMIN_REVOKED, EventKind.SETTINGS_CHANGED, EventKind.NUMBER_CHANGED))
"""Event kinds a package lists: a settings change shows its actor was an admin, a number change
the member's other number, each in WhatsApp's own line."""
TARGETED = ("added", "removed", "invited")
CITED_PER_INDICATOR = 50
"""A central member's indicator can cite hundreds of records; the rest stay in the case."""


def _time(moment: datetime | None, basis: str) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S} ({basis})" if moment else ""


def masked(member: Member, team: bool) -> bool:
    """A member advised or decided a possible victim is masked like a minor outside the team."""
    role = member.decision.category if member.decision else member.row.triage
    return not team and role == "possible_victim"


def _name(member: Member, team: bool) -> str:
    return WITHHELD if masked(member, team) else member.label


def _accounts(context: PackageContext, member: Member) -> list[uco.Node]:
    row = member.row
    if masked(member, context.team):
        return []
    found = []
    if row.phone_e164:
        found.append(uco.account(context.ids, "phone", row.phone_e164))
    if row.telegram_id:
        found.append(uco.account(context.ids, "telegram", row.telegram_id))
    if not found:
        found.append(uco.account(context.ids, "chat", row.key))
    return found


def account_id(context: PackageContext, member: Member) -> str:
    """The JSON-LD id other nodes (messages, files) use to point at the member's account."""
    accounts = _accounts(context, member)
    return str(accounts[0]["@id"]) if accounts else context.ids(f"person-chat-{member.row.id}")


def _group_node(context: PackageContext, member: Member) -> uco.Node:
    return {"@id": context.ids(f"observableobject-chatgroup-{member.group.id}"),
            "@type": "uco-observable:ObservableObject",
            "uco-core:name": member.group.title or member.group.source_name,
            "uco-core:description": f"{member.group.format} chat group"}


class ChatMembersSection:
    name = "chats.members"

    def section(self, context: PackageContext) -> Section | None:
        members = attributed_members(context)
        if not members:
            return None
        section = Section("chat_members", "Chat group members attributed to this country",
                          ["group", "member", "phone", "telegram_id", "names", "advice",
                           "decision", "why"],
                          note="Advice is the tool's triage, not a finding; the decision is the "
                               "analyst's.")
        groups: set[int] = set()
        for member in members:
            row, hidden = member.row, masked(member, context.team)
            decision = member.decision
            section.rows.append({
                "group": member.group.title, "member": _name(member, context.team),
                "phone": "" if hidden else row.phone_e164 or "",
                "telegram_id": "" if hidden else row.telegram_id or "",
                "names": "" if hidden else ", ".join(row.aliases or [row.display_name]),
                "advice": f"{row.triage} ({row.triage_rule})" if row.triage_rule else row.triage,
                "decision": (f"{decision.category} by {decision.decided_by} "
                             f"{decision.decided_at:%Y-%m-%d}: {decision.reason}")
                if decision else "",
                "why": redact(context, "; ".join(member.reasons))})
            if member.group.id not in groups:
                groups.add(member.group.id)
                section.uco.append(_group_node(context, member))
            person = uco.person(context.ids, f"chat-{row.id}", _name(member, context.team))
            person["uco-core:description"] = f"chat member, advice {row.triage}" + (
                f", decided {decision.category}" if decision else "")
            section.uco.append(person)
            for account in _accounts(context, member):
                section.uco.append(account)
                section.uco.append(uco.relationship(
                    context.ids, f"chat-owns-{row.id}-{account['@id']}", account["@id"],
                    person["@id"], "Has_Account"))
            section.uco.append(uco.relationship(
                context.ids, f"chat-member-{row.id}", account_id(context, member),
                _group_node(context, member)["@id"], "Member_Of"))
        return section


def _others(context: PackageContext, ids: Iterable[int]) -> dict[int, str]:
    """Labels for members outside the referral who added or removed one inside it: the name
    the export shows (its raw line shows it too) and their country, nothing more."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = context.session.execute(
        select(ChatMember.id, ChatMember.display_name, ChatMember.key, ChatMember.country)
        .where(ChatMember.id.in_(wanted)))
    return {member_id: redact(context, name or key)
            + f" ({country_name(code) if code else 'country unknown'})"
            for member_id, name, key, code in rows}


class MembershipSection:
    name = "chats.membership"

    def section(self, context: PackageContext) -> Section | None:
        members = attributed_members(context)
        if not members:
            return None
        by_id = {m.row.id: m for m in members}
        groups = {m.group.id: m.group for m in members}
        session = context.session
        edges = session.execute(select(ChatEdge).where(
            ChatEdge.group_id.in_(groups), ChatEdge.kind.in_(TARGETED),
            or_(ChatEdge.source_id.in_(by_id), ChatEdge.target_id.in_(by_id)))).scalars().all()
        positions = {(e.group_id, e.position) for e in edges}
        events = session.execute(select(ChatEvent).where(
            ChatEvent.group_id.in_(groups), ChatEvent.kind.in_(MEMBERSHIP),
            or_(ChatEvent.member_id.in_(by_id),
                ChatEvent.position.in_(sorted({p for _, p in positions}))))
            .order_by(ChatEvent.group_id, ChatEvent.position)).scalars().all()
        events = [e for e in events
                  if e.member_id in by_id or (e.group_id, e.position) in positions]
        if not events:
            return None
        targets: dict[tuple[int, int], list[int]] = {}
        for edge in edges:
            targets.setdefault((edge.group_id, edge.position), []).append(edge.target_id)
        outside = _others(context, [i for e in events for i in
                                    [e.member_id or 0, *targets.get((e.group_id, e.position), [])]
                                    if i and i not in by_id])
        section = Section("chat_membership", "Membership events of these members",
                          ["group", "time", "event", "by", "whom", "position", "raw"],
                          note="Times as the export gives them (WhatsApp: the phone's local "
                               "time). Position: line in a WhatsApp export, index in Telegram's.")

        def label(member_id: int | None) -> str:
            if member_id is None:
                return ""
            member = by_id.get(member_id)
            return _name(member, context.team) if member else outside.get(member_id, "")

        for event in events:
            group = groups[event.group_id]
            whom = targets.get((event.group_id, event.position), [])
            section.rows.append({
                "group": group.title, "time": _time(event.at, group.time_basis),
                "event": event.kind.replace("_", " "), "by": label(event.member_id),
                "whom": ", ".join(label(i) for i in whom), "position": str(event.position),
                "raw": redact(context, event.raw)})
            involved = [by_id[i] for i in [event.member_id or 0, *whom] if i in by_id]
            for member in dict.fromkeys(involved):
                done_to = member.row.id in whom and member.row.id != event.member_id
                node = uco.relationship(
                    context.ids, f"chat-event-{event.id}-{member.row.id}",
                    account_id(context, member), _group_node(context, member)["@id"],
                    f"Chat_{event.kind}{'_by_another' if done_to else ''}", event.at)
                node["uco-core:description"] = redact(context, event.raw or event.text)
                section.uco.append(node)
        return section


class IndicatorSection:
    name = "chats.indicators"

    def section(self, context: PackageContext) -> Section | None:
        members = attributed_members(context)
        by_id = {m.row.id: m for m in members}
        if not by_id:
            return None
        session = context.session
        indicators = session.execute(select(ChatIndicator).where(
            ChatIndicator.member_id.in_(by_id))
            .order_by(ChatIndicator.member_id, ChatIndicator.code)).scalars().all()
        if not indicators:
            return None
        section = Section("chat_indicators", "Triage indicators and the records they cite",
                          ["member", "indicator", "detail", "cited", "time", "position",
                           "text", "raw"],
                          note=f"At most {CITED_PER_INDICATOR} cited records per indicator.")
        for indicator in indicators:
            member = by_id[indicator.member_id]
            cited = sorted(set(indicator.evidence))[:CITED_PER_INDICATOR]
            records = _records(context, member.group.id, cited)
            name = _name(member, context.team)
            detail = redact(context, indicator.detail)
            statement = f"{name}: {indicator.code}" + (f" ({detail})" if detail else "")
            objects = [account_id(context, member)]
            if not records:
                section.rows.append({"member": name, "indicator": indicator.code,
                                     "detail": detail, "cited": "", "time": "",
                                     "position": "", "text": "", "raw": ""})
            for position in cited:
                record = records.get(position)
                if record is None:
                    continue
                kind, at, text, raw, ref, sender = record
                text, raw = redact(context, text), redact(context, raw)
                section.rows.append({
                    "member": name, "indicator": indicator.code, "detail": detail,
                    "cited": kind, "time": _time(at, member.group.time_basis),
                    "position": str(position), "text": text, "raw": raw})
                if kind == "message":
                    node = _message(context, member, position, at, text, ref,
                                    by_id.get(sender or 0))
                    section.uco.append(node)
                    objects.append(node["@id"])
            section.uco.append({
                "@id": context.ids(f"annotation-indicator-{indicator.id}"),
                "@type": "uco-core:Annotation", "uco-core:statement": statement,
                "uco-core:object": [uco.ref(i) for i in objects]})
        return section


Record = tuple[str, datetime | None, str, str, str | None, int | None]


def _records(context: PackageContext, group_id: int, positions: list[int]
             ) -> dict[int, Record]:
    found: dict[int, Record] = {}
    if not positions:
        return found
    for row in context.session.execute(select(ChatMessage).where(
            ChatMessage.group_id == group_id, ChatMessage.position.in_(positions))).scalars():
        found[row.position] = ("message", row.at, row.text, row.raw, row.message_ref,
                               row.member_id)
    for event in context.session.execute(select(ChatEvent).where(
            ChatEvent.group_id == group_id, ChatEvent.position.in_(positions))).scalars():
        found[event.position] = ("event", event.at, event.text, event.raw, event.message_ref,
                                 event.member_id)
    return found


def _message(context: PackageContext, member: Member, position: int, at: datetime | None,
             text: str, ref: str | None, sender: Member | None) -> uco.Node:
    key = f"chat-{member.group.id}-{position}"
    facet: uco.Node = {"@id": context.ids(f"messagefacet-{key}"),
                       "@type": "uco-observable:MessageFacet",
                       "uco-observable:messageText": text,
                       "uco-observable:messageID": ref or f"position {position}"}
    if sender is not None and not masked(sender, context.team):
        facet["uco-observable:from"] = uco.ref(account_id(context, sender))
    if at is not None:
        facet["uco-observable:sentTime"] = {"@type": "xsd:dateTime", "@value": at.isoformat()}
    return {"@id": context.ids(f"message-{key}"), "@type": "uco-observable:Message",
            "uco-core:hasFacet": [facet]}


class ChatPeople:
    name = "chats.members"

    def count(self, context: PackageContext) -> int:
        return len(attributed_members(context))

    def countries(self, session: Session, case: Case) -> set[str]:
        groups = select(ChatGroup.id).where(ChatGroup.case_id == case.id)
        codes = set(session.execute(select(ChatMember.country).where(
            ChatMember.group_id.in_(groups), ChatMember.mention_only.is_(False))).scalars())
        codes |= set(session.execute(select(ChatMemberAttribution.country).where(
            ChatMemberAttribution.case_id == case.id)).scalars())
        return codes - {""}


people_providers.register(ChatPeople())
section_providers.register(ChatMembersSection())
section_providers.register(MembershipSection())
section_providers.register(IndicatorSection())
