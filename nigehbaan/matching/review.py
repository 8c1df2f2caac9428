"""What an analyst does with matches: see them with the list's category as a suggestion,
confirm it (custody and audit), and work the unmatched rest in order of likely new material.

Confirming never shows the item: a matched item is categorised from the list's word, which is
the point of matching. The review queue puts first what most likely is new material: items
near matched ones (close PDQ, or in a folder where known material was found) and items that
repeat within the case; plain unmatched items come after, "not comparable" ones are marked.
"""

from __future__ import annotations

import posixpath
from collections import Counter, defaultdict
from collections.abc import Collection

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from nigehbaan.cases.access import load_case
from nigehbaan.cases.models import Case
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.audit import AuditEvent
from nigehbaan.core.chain import append, append_many
from nigehbaan.core.clock import utcnow
from nigehbaan.core.db import in_chunks
from nigehbaan.core.errors import Invalid, NotFound
from nigehbaan.core.roles import Permission
from nigehbaan.evidence import handling
from nigehbaan.evidence.models import CaseItem, EvidenceItem
from nigehbaan.evidence.queries import held_by, load_item
from nigehbaan.matching.changes import MATCHES_CHANGED
from nigehbaan.matching.links import near_pairs
from nigehbaan.matching.models import (
    HashEntry,
    HashList,
    HashListVersion,
    HashMatch,
    MatchConfirmation,
    NotComparable,
)
from nigehbaan.matching.video import MIN_QUALITY
from nigehbaan.matching.views import ItemBadge, MatchView, QueueEntry


def match_views(session: Session, case_id: int, items: Select[int]) -> list[MatchView]:
    """The matches of `items`, each with its confirmation in this case (if any)."""
    rows = session.execute(
        select(HashMatch, EvidenceItem.sha256, HashList.name, HashList.kind,
               HashListVersion.label, HashEntry, MatchConfirmation)
        .join(EvidenceItem, EvidenceItem.id == HashMatch.item_id)
        .join(HashList, HashList.id == HashMatch.list_id)
        .join(HashListVersion, HashListVersion.id == HashMatch.version_id)
        .join(HashEntry, HashEntry.id == HashMatch.entry_id)
        .outerjoin(MatchConfirmation, (MatchConfirmation.match_id == HashMatch.id)
                   & (MatchConfirmation.case_id == case_id))
        .where(HashMatch.item_id.in_(items))
        .order_by(EvidenceItem.sha256, HashMatch.id)).all()
    return [MatchView(
        id=m.id, sha256=sha, list=name, list_kind=kind, version=label, entry=entry.id,
        method=m.method, distance=m.distance, query_quality=m.query_quality,
        list_quality=m.list_quality, query_share=m.query_share,
        candidate_share=m.candidate_share, variant=m.variant, matched_at=m.matched_at,
        suggested=suggestion(entry), series=entry.series or "",
        entry_withdrawn=entry.withdrawn, confirmed=conf.category if conf else None,
        confirmed_by=conf.confirmed_by if conf else "", confirmed_at=conf.confirmed_at
        if conf else None) for m, sha, name, kind, label, entry, conf in rows]


def case_matches(session: Session, actor: Actor, reference: str) -> list[MatchView]:
    case = load_case(session, actor, reference)
    views = match_views(session, case.id, held_by(case.id))
    audit.record(session, actor, "matching.read", "case", case.reference,
                 detail={"matches": len(views)})
    return views


def item_matches(session: Session, actor: Actor, sha256: str) -> dict[str, list[MatchView]]:
    """One item's matches for its page, per case the reader may see that holds it: the
    suggestion is the list's, the confirmation is each case's own."""
    item, view = load_item(session, actor, sha256)
    references = sorted({f.case for f in view.findings})
    cases = dict(session.execute(select(Case.reference, Case.id)
                                 .where(Case.reference.in_(references))).all())
    found = {ref: match_views(session, cases[ref], select(EvidenceItem.id).where(
        EvidenceItem.id == item.id)) for ref in references}
    audit.record(session, actor, "matching.read", "item", item.sha256,
                 detail={"matches": sum(len(v) for v in found.values())})
    return {ref: views for ref, views in found.items() if views}


def badges(session: Session, actor: Actor, reference: str,
           shown: Collection[str] | None = None) -> dict[str, ItemBadge]:
    """What the case's item list says of each item (SHA-256 → badge), nothing for the rest:
    confirmed in this case beats a list's suggestion, which beats "not comparable". `shown`
    limits it to the items a page lists."""
    case = load_case(session, actor, reference)
    held = held_by(case.id)
    if shown is not None:
        held = held.where(CaseItem.item_id.in_(
            select(EvidenceItem.id).where(EvidenceItem.sha256.in_(list(shown)))))
    suggested: dict[str, set[str]] = defaultdict(set)
    confirmed: dict[str, set[str]] = defaultdict(set)
    for sha256, category, raw, chosen in session.execute(
            select(EvidenceItem.sha256, HashEntry.category, HashEntry.category_raw,
                   MatchConfirmation.category)
            .join(HashMatch, HashMatch.item_id == EvidenceItem.id)
            .join(HashEntry, HashEntry.id == HashMatch.entry_id)
            .outerjoin(MatchConfirmation, (MatchConfirmation.match_id == HashMatch.id)
                       & (MatchConfirmation.case_id == case.id))
            .where(EvidenceItem.id.in_(held))).all():
        suggested[sha256].add(category or raw or "")
        if chosen is not None:
            confirmed[sha256].add(chosen)
    weak = set(session.execute(
        select(EvidenceItem.sha256).where(EvidenceItem.id.in_(held)).where(
            EvidenceItem.id.in_(select(NotComparable.item_id))
            | (EvidenceItem.kind.in_(("image", "video"))
               & (EvidenceItem.pdq_quality < MIN_QUALITY)))).scalars())
    out: dict[str, ItemBadge] = {}
    for sha256 in weak:
        out[sha256] = ItemBadge(kind="not-comparable", text="not comparable")
    for sha256, words in suggested.items():
        shown = ", ".join(sorted(w for w in words if w)) or "no category"
        out[sha256] = ItemBadge(kind="matched", text=f"matched: {shown}")
    for sha256, words in confirmed.items():
        out[sha256] = ItemBadge(kind="confirmed", text=f"confirmed: {', '.join(sorted(words))}")
    return out


def confirm(session: Session, actor: Actor, reference: str, match_id: int,
            category: str | None = None) -> MatchConfirmation:
    """Accept the suggestion (or record another category) for one match, as the API does: the
    item is marked reviewed with it in this case, a custody event, and the confirmation keeps
    what was suggested. The console confirms whole items (`confirm_item`)."""
    case = load_case(session, actor, reference, Permission.CASE_READ)
    rows = _case_match_rows(session, case, HashMatch.id == match_id)
    if not rows:
        raise NotFound(f"no match {match_id} in case {case.reference}")
    done = _confirm_rows(session, actor, case, rows, category)
    return next(c for c in done if c.match_id == match_id)


def confirm_items(session: Session, actor: Actor, reference: str, sha256s: list[str]) -> None:
    """Confirms each item with its lists' one suggestion, each its own decision with its own
    custody and audit event. Read once for all of them: the case, the matches, the item links
    and earlier confirmations; the events are linked into their chains in one step each, and
    the case's other readers told once."""
    case = load_case(session, actor, reference, Permission.CASE_READ)
    rows: dict[str, list[tuple[HashMatch, HashEntry, str]]] = {}
    links: dict[str, list[CaseItem]] = {}
    for chunk in in_chunks(sha256s):
        for row in _case_match_rows(session, case, EvidenceItem.sha256.in_(chunk)):
            rows.setdefault(row[2], []).append(row)
        for link, sha256 in session.execute(
                select(CaseItem, EvidenceItem.sha256).join(EvidenceItem)
                .where(CaseItem.case_id == case.id, EvidenceItem.sha256.in_(chunk))):
            links.setdefault(sha256, []).append(link)
    decided = {sha256: _chosen(rows[sha256], None) for sha256 in sha256s}
    existing = _existing(session, case, [m.id for sha in sha256s for m, _e, _s in rows[sha]])
    custody_events, audit_events = [], []
    for sha256 in sha256s:
        offered, chosen = decided[sha256]
        custody_events.append(handling.mark_reviewed(actor, case.reference, links[sha256],
                                                     sha256, chosen))
        audit_events.append(_confirm(session, actor, case, rows[sha256], offered, chosen,
                                     existing)[1])
    append_many(session, custody_events)
    append_many(session, audit_events)
    if sha256s:
        MATCHES_CHANGED(session, actor, case.reference)


def confirm_item(session: Session, actor: Actor, reference: str, sha256: str,
                 category: str | None = None) -> list[MatchConfirmation]:
    """Confirm an item once, whatever the number of its matches (MD5 and PDQ, several lists):
    every match gets its confirmation, so each reader of matches sees the item as confirmed.
    Without a category the lists must agree: when they disagree the analyst chooses."""
    case = load_case(session, actor, reference, Permission.CASE_READ)
    rows = _case_match_rows(session, case, EvidenceItem.sha256 == sha256.strip().lower())
    if not rows:
        raise NotFound(f"item {sha256[:12]}… has no match in case {case.reference}")
    return _confirm_rows(session, actor, case, rows, category)


def _case_match_rows(session: Session, case: Case, where: ColumnElement[bool],
                     ) -> list[tuple[HashMatch, HashEntry, str]]:
    """Matches of items this case holds, with their entry and item SHA-256."""
    found = session.execute(
        select(HashMatch, HashEntry, EvidenceItem.sha256)
        .join(HashEntry, HashEntry.id == HashMatch.entry_id)
        .join(EvidenceItem, EvidenceItem.id == HashMatch.item_id)
        .where(HashMatch.item_id.in_(held_by(case.id)), where)
        .order_by(HashMatch.id)).all()
    return [(match, entry, sha) for match, entry, sha in found]


def _confirm_rows(session: Session, actor: Actor, case: Case,
                  rows: list[tuple[HashMatch, HashEntry, str]],
                  category: str | None) -> list[MatchConfirmation]:
    """One decision for one item's matches: one custody event, one audit event."""
    offered, chosen = _chosen(rows, category)
    handling.review(session, actor, case.reference, rows[0][2], chosen)
    existing = _existing(session, case, [m.id for m, _e, _s in rows])
    done, event = _confirm(session, actor, case, rows, offered, chosen, existing)
    append(session, event)
    MATCHES_CHANGED(session, actor, case.reference)
    return done


def _chosen(rows: list[tuple[HashMatch, HashEntry, str]], category: str | None
            ) -> tuple[set[str], str]:
    """What the lists offer for one item, and the category it gets: the one given, else the
    lists' one suggestion."""
    offered = {suggestion(entry) for _match, entry, _sha in rows} - {""}
    if category is None and len(offered) > 1:
        raise Invalid(f"category: the lists disagree ({', '.join(sorted(offered))}), "
                      "so choose one")
    chosen = (category if category is not None else next(iter(offered), "")).strip()
    if not chosen:
        raise Invalid("category: the list gives none for this match, so name one")
    return offered, chosen


def _existing(session: Session, case: Case, match_ids: list[int]
              ) -> dict[int, MatchConfirmation]:
    found: dict[int, MatchConfirmation] = {}
    for chunk in in_chunks(match_ids):
        found.update((c.match_id, c) for c in session.execute(select(MatchConfirmation).where(
            MatchConfirmation.match_id.in_(chunk),
            MatchConfirmation.case_id == case.id)).scalars())
    return found


def _confirm(session: Session, actor: Actor, case: Case,
             rows: list[tuple[HashMatch, HashEntry, str]], offered: set[str], chosen: str,
             existing: dict[int, MatchConfirmation]) -> tuple[list[MatchConfirmation], AuditEvent]:
    """Each of the item's matches confirmed as `chosen`; the audit event, not yet linked."""
    done = []
    for match, entry, _sha in rows:
        confirmation = existing.get(match.id)
        if confirmation is None:
            confirmation = MatchConfirmation(match_id=match.id, case_id=case.id)
            session.add(confirmation)
        confirmation.suggested, confirmation.category = suggestion(entry), chosen
        confirmation.confirmed_by, confirmation.confirmed_at = actor.username, utcnow()
        done.append(confirmation)
    event = audit.event(actor, "matching.confirm", "case", case.reference, detail={
        "match": rows[0][0].id, "matches": [m.id for m, _e, _s in rows], "item": rows[0][2],
        "suggested": ", ".join(sorted(offered)), "category": chosen})
    return done, event


def suggestion(entry: HashEntry) -> str:
    """What a list entry suggests: its category in the unit's scheme, else the list's word."""
    return entry.category or entry.category_raw or ""


def review_queue(session: Session, actor: Actor, reference: str) -> list[QueueEntry]:
    """Unmatched, unreviewed pictures and videos, likeliest first, each with why.

    Read as plain columns, with the case's items as a subquery: a seized phone's 20,000 items
    took 2.1 s as ORM objects (0.8 s now), and a list of their ids as query parameters would pass
    PostgreSQL's limit of 65,535 on a larger one."""
    case = load_case(session, actor, reference)
    links = session.execute(
        select(CaseItem.source, CaseItem.path, CaseItem.reviewed, EvidenceItem.sha256,
               EvidenceItem.kind, EvidenceItem.id)
        .join(EvidenceItem, EvidenceItem.id == CaseItem.item_id)
        .where(CaseItem.case_id == case.id, EvidenceItem.kind.in_(("image", "video")))
        .order_by(CaseItem.source, CaseItem.path)).all()
    ids = {row.id for row in links}
    held = held_by(case.id)
    matched = set(session.execute(select(HashMatch.item_id).where(
        HashMatch.item_id.in_(held))).scalars()) & ids
    weak = set(session.execute(select(NotComparable.item_id).where(
        NotComparable.item_id.in_(held))).scalars())
    folder = [(row.source, posixpath.dirname(posixpath.normpath(row.path))) for row in links]
    known_in = Counter(where for where, row in zip(folder, links, strict=True)
                       if row.id in matched)
    near_matched: dict[int, int] = {}
    repeats: dict[int, int] = defaultdict(int)
    for mine, other, dist in near_pairs(session, case.id):
        if other in matched and mine not in matched:
            near_matched[mine] = min(dist, near_matched.get(mine, 99))
        elif other in ids and other not in matched:
            repeats[mine] += 1
    queue = []
    for (source, path, reviewed, sha256, kind, item_id), where in zip(links, folder,
                                                                       strict=True):
        if item_id in matched or reviewed:
            continue
        score, reasons = 0.0, []
        if item_id in near_matched:
            score += 4
            reasons.append(f"PDQ distance {near_matched[item_id]} from a matched item")
        if known_in[where]:
            score += 3
            reasons.append(f"{known_in[where]} known item(s) in the same folder")
        if repeats[item_id]:
            score += 2
            reasons.append(f"{repeats[item_id]} near-duplicate(s) in this case")
        if item_id in weak:
            reasons.append("not comparable: PDQ says too little")
        queue.append(QueueEntry.model_construct(sha256=sha256, kind=kind, source=source,
                                                path=path, score=score, reasons=reasons))
    queue.sort(key=lambda q: (-q.score, q.source, q.path))
    audit.record(session, actor, "matching.queue", "case", case.reference,
                 detail={"items": len(queue)})
    return queue


def not_comparable(session: Session, actor: Actor, reference: str) -> list[dict[str, object]]:
    """Items matching could not judge: they still need a person, and are never "no match"."""
    case = load_case(session, actor, reference)
    rows = session.execute(
        select(EvidenceItem.sha256, NotComparable.quality, NotComparable.reason)
        .join(NotComparable, NotComparable.item_id == EvidenceItem.id)
        .where(EvidenceItem.id.in_(select(CaseItem.item_id).where(CaseItem.case_id == case.id)))
        .order_by(EvidenceItem.sha256)).all()
    return [{"sha256": sha, "quality": quality, "reason": reason} for sha, quality, reason in rows]
