"""Chat group members counted by triage role and by country: the tool's advice and the
analysts' decisions kept apart, since advice is not a finding. Members only mentioned (never
seen in the group) are not counted, as the import's own member count does not count them."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from nigehbaan.cases.models import Case
from nigehbaan.chats.models import ChatGroup, ChatMember, ChatTriageDecision
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
        members = session.execute(
            select(ChatMember.id, ChatMember.triage, ChatMember.country)
            .where(ChatMember.group_id.in_(groups), ChatMember.mention_only.is_(False))).all()
        if not members:
            return []
        decided: dict[int, str] = {}
        for member_id, category in session.execute(
                select(ChatTriageDecision.member_id, ChatTriageDecision.category)
                .where(ChatTriageDecision.member_id.in_([m for m, _, _ in members]))
                .order_by(ChatTriageDecision.decided_at, ChatTriageDecision.id)):
            decided[member_id] = category
        advice = Counter(triage for _, triage, _ in members)
        decisions = Counter(decided.get(m, UNDECIDED) for m, _, _ in members)
        agreeing = Counter(decided[m] for m, triage, _ in members if decided.get(m) == triage)
        countries = Counter(country_label(code) for _, _, code in members)
        return [
            StatTable("chat_members_by_advice", "Chat group members by triage advice",
                      ["advice", "members"], [[k, n] for k, n in advice.most_common()],
                      note="The tool's advice, not a finding."),
            StatTable("chat_members_by_decision", "Chat group members by analyst decision",
                      ["decision", "members", "confirming the advice"],
                      [[k, n, agreeing.get(k, 0)] for k, n in decisions.most_common()],
                      note="The latest decision per member."),
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
