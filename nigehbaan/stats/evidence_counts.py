"""Evidence items per year and known-material matches by category, over the visible cases.

Items are counted once per year they were acquired in (an item seized in two cases in one year
is one item and two links). A match's category is the list entry's, mapped to the unit's scheme;
the analysts' confirmed categories are counted apart, since only those are findings."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from nigehbaan.cases.models import Case
from nigehbaan.core.actors import Actor
from nigehbaan.evidence.models import CaseItem
from nigehbaan.matching.models import HashEntry, HashMatch, MatchConfirmation
from nigehbaan.stats.model import StatTable
from nigehbaan.stats.providers import count_providers
from nigehbaan.stats.queries import in_scope

NONE = "(no category)"


class EvidenceCounts:
    name = "evidence.items"

    def tables(self, session: Session, actor: Actor, year: int | None) -> list[StatTable]:
        cases = in_scope(select(Case.id), actor, year)
        links = session.execute(select(CaseItem.item_id, CaseItem.acquired_at)
                                .where(CaseItem.case_id.in_(cases))).all()
        if not links:
            return []
        items: dict[str, set[int]] = {}
        for item_id, at in links:
            items.setdefault(str(at.year), set()).add(item_id)
        per_link = Counter(str(at.year) for _, at in links)
        tables = [StatTable("evidence_items_by_year", "Evidence items acquired per year",
                            ["year", "items", "case links"],
                            [[y, len(items[y]), per_link[y]] for y in sorted(items)])]
        held = select(CaseItem.item_id).where(CaseItem.case_id.in_(cases))
        matches = session.execute(
            select(HashMatch.id, HashMatch.item_id, HashEntry.category)
            .join(HashEntry, HashEntry.id == HashMatch.entry_id)
            .where(HashMatch.item_id.in_(held))).all()
        if not matches:
            return tables
        seen = {match_id for match_id, _, _ in matches}
        confirmed = {match_id: category for match_id, category in session.execute(
            select(MatchConfirmation.match_id, MatchConfirmation.category)
            .where(MatchConfirmation.case_id.in_(cases),
                   MatchConfirmation.match_id.in_(
                       select(HashMatch.id).where(HashMatch.item_id.in_(held)))))
            if match_id in seen}  # a subquery, not a list: a unit holds more than 65,535
        by_category: dict[str, list[tuple[int, int]]] = {}
        for match_id, item_id, category in matches:
            by_category.setdefault(category or NONE, []).append((match_id, item_id))
        tables.append(StatTable(
            "matches_by_category", "Known-material matches by category",
            ["category", "matches", "items", "confirmed by an analyst"],
            [[c, len(pairs), len({i for _, i in pairs}),
              sum(1 for m, _ in pairs if m in confirmed)]
             for c, pairs in sorted(by_category.items(), key=lambda kv: (-len(kv[1]), kv[0]))],
            note="The list's category in the unit's scheme: a suggestion until confirmed."))
        decided = Counter(confirmed.values())
        if decided:
            tables.append(StatTable("matches_by_confirmed_category",
                                    "Known-material matches by confirmed category",
                                    ["confirmed category", "matches"],
                                    [[c, n] for c, n in decided.most_common()]))
        return tables


count_providers.register(EvidenceCounts())
