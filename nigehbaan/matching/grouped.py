"""A case's matches grouped by item, for the console: an item matched by MD5 and by PDQ (or by
several lists) is one picture, so it is one row with one decision, not one per match.

Unconfirmed items come first: those a victim reported (their own picture, a child to reach),
then the gravest suggested category (by the scheme's severity, when it has one), then where
the item was found, so the analyst starts with what matters most.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from nigehbaan.cases.access import load_case
from nigehbaan.core.actors import Actor
from nigehbaan.evidence.models import CaseItem, EvidenceItem
from nigehbaan.matching.categories import load_scheme
from nigehbaan.matching.indexes import EXACT_TYPES
from nigehbaan.matching.models import HashList, HashMatch
from nigehbaan.matching.review import case_matches, confirm_items, item_matches
from nigehbaan.matching.views import ItemMatches, MatchView


def _severities(scheme: str) -> dict[str, int | None]:
    """Code (upper case) → severity; empty for no scheme or one this install does not have."""
    try:
        return {c.code.upper(): c.severity for c in load_scheme(scheme).categories}
    except ValueError:
        return {}


def matched_items(session: Session, actor: Actor, reference: str) -> list[ItemMatches]:
    case = load_case(session, actor, reference)
    by_item: dict[str, list[MatchView]] = defaultdict(list)
    for match in case_matches(session, actor, case.reference):
        by_item[match.sha256].append(match)
    if not by_item:
        return []
    grades = _grades(session, {m.list for ms in by_item.values() for m in ms})
    kinds: dict[str, str] = {}
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for sha256, kind, source, path in session.execute(
            select(EvidenceItem.sha256, EvidenceItem.kind, CaseItem.source, CaseItem.path)
            .join(CaseItem, CaseItem.item_id == EvidenceItem.id)
            .where(CaseItem.case_id == case.id, CaseItem.item_id.in_(select(HashMatch.item_id)))
            .order_by(CaseItem.source, CaseItem.path)).all():
        kinds[sha256] = kind
        found[sha256].append((source, path))
    items = [_item(sha256, kinds.get(sha256, ""), found[sha256], matches, grades)
             for sha256, matches in by_item.items()]
    items.sort(key=lambda i: (i.confirmed is not None, not i.reported,
                              i.severity if i.severity is not None else 1 << 30,
                              i.found, i.sha256))
    return items


EXACT_METHODS = frozenset(f"exact-{hash_type.value}" for hash_type in EXACT_TYPES)
"""The methods `search.exact` names its matches by."""


def settled_by_lists(item: ItemMatches) -> bool:
    """Whether the lists alone settle an item's category: not yet confirmed, an exact hash
    match (the file is the listed one), no match of an entry since withdrawn, and one category
    suggested by every match. An item matched only as a near-duplicate (PDQ, video) may be a
    different picture, lists that disagree need a choice, and a picture a victim reported of
    themselves is a child to reach: those stay for an analyst."""
    return (item.confirmed is None and not item.reported and len(item.suggestions) == 1
            and any(m.method in EXACT_METHODS for m in item.matches)
            and not any(m.entry_withdrawn for m in item.matches))


def confirm_settled(session: Session, actor: Actor, reference: str) -> list[str]:
    """Confirms every item `settled_by_lists` with the lists' category, each its own decision
    (custody and audit events), without anyone opening it: a seized phone's thousands of
    files already known to hotlines. Returns their SHA-256s."""
    settled = [i.sha256 for i in matched_items(session, actor, reference)
               if settled_by_lists(i)]
    confirm_items(session, actor, reference, settled)
    return settled


def item_decisions(session: Session, actor: Actor, sha256: str, kind: str
                   ) -> dict[str, ItemMatches]:
    """An item's page: its matches per case the reader may see, each case one decision."""
    by_case = item_matches(session, actor, sha256)
    grades = _grades(session, {m.list for ms in by_case.values() for m in ms})
    return {reference: _item(sha256, kind, [], matches, grades)
            for reference, matches in by_case.items()}


def _grades(session: Session, lists: set[str]) -> dict[str, dict[str, int | None]]:
    """List name → its category codes' severities (in the unit's scheme when it maps one)."""
    schemes = {name: target or scheme for name, target, scheme in session.execute(
        select(HashList.name, HashList.target_scheme, HashList.scheme).where(
            HashList.name.in_(lists))).all()}
    return {name: _severities(scheme) for name, scheme in schemes.items()}


def _item(sha256: str, kind: str, places: list[tuple[str, str]], matches: list[MatchView],
          grades: dict[str, dict[str, int | None]]) -> ItemMatches:
    offered = sorted({m.suggested for m in matches} - {""})
    severities = [s for m in matches
                  if (s := grades.get(m.list, {}).get(m.suggested.upper())) is not None]
    chosen = sorted({m.confirmed for m in matches if m.confirmed is not None})
    by = sorted({m.confirmed_by for m in matches if m.confirmed is not None})
    return ItemMatches(
        sha256=sha256, kind=kind, found=[f"{source}: {path}" for source, path in places],
        matches=matches, suggestions=offered, suggested=offered[0] if len(offered) == 1 else "",
        severity=min(severities) if severities else None,
        reported=any(m.list_kind == "victims" for m in matches),
        confirmed=", ".join(chosen) if chosen else None, confirmed_by=", ".join(by))
