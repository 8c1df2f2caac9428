"""Chat group members counted by triage role and by country: the tool's advice and the
analysts' decisions kept apart, since advice is not a finding. Members only mentioned (never
seen in the group) are not counted, as the import's own member count does not count them.

A seized export is often imported into more than one case (the case of the phone, and a
referral about one of its members): its members count once, as the same export (by SHA-256)
and the same member key. Advice can differ between the copies (known-list matches are a case's
own), so the strongest counts; the latest decision on any copy is the member's decision. A
person in two different groups is two memberships and counts in each."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from nigehbaan.cases.models import Case
from nigehbaan.chats.models import ChatGroup, ChatMember, ChatTriageDecision
from nigehbaan.chats.triage.rules import ADVICE_ORDER
from nigehbaan.core.actors import Actor
from nigehbaan.stats.model import Cell, StatTable
from nigehbaan.stats.providers import count_providers
from nigehbaan.stats.queries import in_scope
from nigehbaan.stats.register_counts import country_label

UNDECIDED = "(no decision)"


def _ranked(counter: Counter[tuple[str, str]]) -> list[list[Cell]]:
    return [[a, b, count] for (a, b), count in
            sorted(counter.items(), key=lambda item: (-item[1], item[0]))]


class ChatMemberCounts:
    name = "chats.members"

    def tables(self, session: Session, actor: Actor, year: int | None) -> list[StatTable]:
        groups = select(ChatGroup.id).where(
            ChatGroup.case_id.in_(in_scope(select(Case.id), actor, year)))
        counting = (ChatMember.group_id.in_(groups), ChatMember.mention_only.is_(False))
        counted = select(ChatMember.id).where(*counting)
        rows = session.execute(
            select(ChatMember.id, ChatGroup.source_sha256, ChatMember.key, ChatMember.triage,
                   ChatMember.country)
            .join(ChatGroup, ChatGroup.id == ChatMember.group_id)
            .where(*counting)
            .order_by(ChatMember.id)).all()
        if not rows:
            return []
        person_of: dict[int, tuple[str, str]] = {}
        advised: dict[tuple[str, str], str] = {}
        located: dict[tuple[str, str], str] = {}
        for member_id, export, key, triage, country in rows:
            person = person_of[member_id] = (export, key)
            held = advised.get(person)
            if held is None or ADVICE_ORDER.get(triage, 9) < ADVICE_ORDER.get(held, 9):
                advised[person] = triage
            located.setdefault(person, country)
        decided: dict[tuple[str, str], str] = {}
        for member_id, category in session.execute(
                select(ChatTriageDecision.member_id, ChatTriageDecision.category)
                .where(ChatTriageDecision.member_id.in_(counted))
                .order_by(ChatTriageDecision.decided_at, ChatTriageDecision.id)):
            found = person_of.get(member_id)  # None: imported since the members were read
            if found is not None:
                decided[found] = category
        members = [(person, triage, located[person]) for person, triage in advised.items()]
        advice = Counter(triage for _, triage, _ in members)
        decisions = Counter(decided.get(m, UNDECIDED) for m, _, _ in members)
        agreeing = Counter(decided[m] for m, triage, _ in members if decided.get(m) == triage)
        countries = Counter(country_label(code) for _, _, code in members)
        return [
            StatTable("chat_members_by_advice", "Chat group members by triage advice",
                      ["advice", "members"], [[k, n] for k, n in advice.most_common()],
                      note="The tool's advice, not a finding. An export imported into several "
                           "cases counts once; a person in two groups counts in each."),
            StatTable("chat_members_by_decision", "Chat group members by analyst decision",
                      ["decision", "members", "confirming the advice"],
                      [[k, n, agreeing.get(k, 0)] for k, n in decisions.most_common()],
                      note="The latest decision per member, on any copy of its export."),
            StatTable("chat_members_by_country", "Chat group members by country",
                      ["country", "members"], [[k, n] for k, n in countries.most_common()],
                      note="The country of the member's phone number."),
            StatTable("chat_members_by_advice_country",
                      "Chat group members by triage advice and country",
                      ["advice", "country", "members"],
                      _ranked(Counter((t, country_label(c)) for _, t, c in members)),
                      chart="stacked"),
            StatTable("chat_members_by_decision_country",
                      "Chat group members by analyst decision and country",
                      ["decision", "country", "members"],
                      _ranked(Counter((decided[m], country_label(c)) for m, _, c in members
                                      if m in decided)), chart="stacked"),
        ]


count_providers.register(ChatMemberCounts())
