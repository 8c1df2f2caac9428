"""A match run over one case: sync the victims' list, bring the indexes up to date, search,
record matches and "not comparable" items, notify, audit.

A match is recorded once per (item, entry, method): running again finds nothing new unless a
list or the case changed, so the run is safe to repeat (after every ingest, for instance).
"""

from __future__ import annotations

import io
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image
from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from nigehbaan.cases.access import load_case, visible_clause
from nigehbaan.cases.models import Case
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.clock import utcnow
from nigehbaan.core.db import distinct_chunks
from nigehbaan.core.roles import Permission
from nigehbaan.evidence.models import CaseItem, EvidenceFrame, EvidenceItem
from nigehbaan.evidence.queries import held_by
from nigehbaan.evidence.vault import Vault
from nigehbaan.matching import victims
from nigehbaan.matching.changes import MATCHES_CHANGED
from nigehbaan.matching.dihedral import dihedral_pdq
from nigehbaan.matching.indexes import cache_for
from nigehbaan.matching.models import HashEntry, HashMatch, NotComparable
from nigehbaan.matching.pdq_codes import Codes
from nigehbaan.matching.search import DihedralSource, Found, Options, Query, search_all

PERCEPTUAL_KINDS = ("image", "video")


@dataclass
class RunReport:
    case: str
    items: int = 0
    matched_items: int = 0
    new_matches: int = 0
    by_method: dict[str, int] = field(default_factory=dict)
    not_comparable: int = 0
    unmatched: int = 0
    notifications: int = 0
    victims_synced: int = 0
    index: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def case_queries(session: Session, case_id: int) -> list[Query]:
    items = session.execute(
        select(EvidenceItem.id, EvidenceItem.kind, EvidenceItem.md5, EvidenceItem.sha1,
               EvidenceItem.sha256, EvidenceItem.pdq, EvidenceItem.pdq_quality)
        .where(EvidenceItem.id.in_(held_by(case_id))).order_by(EvidenceItem.id)).all()
    frames: dict[int, list[tuple[str, int]]] = {}  # only videos have frames
    for item_id, pdq, quality in session.execute(
            select(EvidenceFrame.item_id, EvidenceFrame.pdq, EvidenceFrame.quality)
            .where(EvidenceFrame.item_id.in_(held_by(case_id))).order_by(EvidenceFrame.id)):
        frames.setdefault(item_id, []).append((pdq, quality))
    return [Query(row[0], row[1], row[2], row[3], row[4], row[5], row[6],
                  tuple(frames.get(row[0], ()))) for row in items]


def vault_dihedral(vault: Vault) -> DihedralSource:
    """The deeper pass needs pixels: decoded from the vault (verified against the SHA-256 as
    it is read) by the machine only; nobody is shown anything, so it is not a viewing."""

    def variants(query: Query) -> Codes | None:
        try:
            content = b"".join(vault.read_chunks(query.sha256))
            with Image.open(io.BytesIO(content)) as image:
                pixels = np.asarray(image.convert("RGB"))
        except Exception:  # an undecodable image simply has no variants to compare
            return None
        return dihedral_pdq(pixels).codes

    return variants


def _insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(module.insert(table).on_conflict_do_nothing(), rows)


def _not_comparable(queries: list[Query], options: Options) -> dict[int, tuple[int | None, str]]:
    """Images and videos whose perceptual hashes say too little to decide either way."""
    found: dict[int, tuple[int | None, str]] = {}
    for query in queries:
        if query.kind not in PERCEPTUAL_KINDS:
            continue
        if query.kind == "video":
            if query.frames and not query.usable_frames(options.min_quality):
                best = max(q for _p, q in query.frames)
                found[query.item_id] = (best, f"no frame of PDQ quality ≥ {options.min_quality}")
            elif not query.frames:
                found[query.item_id] = (None, "no frame could be hashed")
        elif query.pdq is None:
            found[query.item_id] = (None, "no PDQ could be computed")
        elif not query.comparable:
            found[query.item_id] = (query.quality, f"PDQ quality {query.quality} is below "
                                    f"{options.min_quality}")
    return found


def _record(session: Session, actor: Actor, found: list[Found]) -> list[int]:
    """Insert the matches not recorded before; return the ids of every match found."""
    entries = {row[0]: row for chunk in distinct_chunks(f.entry_id for f in found)
               for row in session.execute(
                   select(HashEntry.id, HashEntry.last_version_id, HashEntry.quality)
                   .where(HashEntry.id.in_(chunk)))}
    now = utcnow()
    _insert(session, HashMatch.__table__, [  # type: ignore[arg-type]
        {"item_id": f.item_id, "list_id": f.list_id, "version_id": entries[f.entry_id][1],
         "entry_id": f.entry_id, "method": f.method, "distance": f.distance,
         "query_quality": f.query_quality, "list_quality": entries[f.entry_id][2],
         "query_share": f.query_share, "candidate_share": f.candidate_share,
         "variant": f.variant, "matched_at": now, "matched_by": actor.username}
        for f in found])
    if not found:
        return []
    keys = {(f.item_id, f.entry_id, f.method) for f in found}
    rows = [row for chunk in distinct_chunks(f.item_id for f in found)
            for row in session.execute(select(HashMatch.id, HashMatch.item_id,
                                              HashMatch.entry_id, HashMatch.method)
                                       .where(HashMatch.item_id.in_(chunk)))]
    return sorted(r[0] for r in rows if (r[1], r[2], r[3]) in keys)


def cases_with_evidence(session: Session, actor: Actor) -> list[str]:
    """The cases this actor may see that hold evidence: what a new list version is run over."""
    return list(session.execute(
        select(Case.reference).where(visible_clause(actor), Case.id.in_(
            select(CaseItem.case_id))).order_by(Case.reference)).scalars())


def match_case(session: Session, actor: Actor, reference: str, options: Options | None = None,
               provider: victims.Provider = victims.portal_rows) -> RunReport:
    """Match every item of the case against every list (needs `case.write`: it records)."""
    options = options or Options()
    started = time.perf_counter()
    case = load_case(session, actor, reference, Permission.CASE_WRITE)
    report = RunReport(case.reference)
    report.victims_synced = victims.sync(session, actor, provider)
    before = set(session.execute(select(HashMatch.id).where(
        HashMatch.item_id.in_(held_by(case.id)))).scalars())
    cache = cache_for(session)
    queries = case_queries(session, case.id)
    with cache.lock:
        indexes = list(cache.refresh(session).values())
        found = search_all(session, queries, indexes, options)
    stats = cache.last
    report.index = {"lists": len(indexes), "built": stats.built, "updated": stats.updated,
                    "seconds": round(stats.seconds, 3)}
    match_ids = _record(session, actor, found)
    fresh = [m for m in match_ids if m not in before]
    report.items, report.new_matches = len(queries), len(fresh)
    matched = {f.item_id for f in found}
    report.matched_items = len(matched)
    report.by_method = dict(sorted(Counter(f.method for f in found).items()))
    weak = {k: v for k, v in _not_comparable(queries, options).items() if k not in matched}
    _insert(session, NotComparable.__table__, [  # type: ignore[arg-type]
        {"item_id": item_id, "quality": quality, "reason": reason, "at": utcnow()}
        for item_id, (quality, reason) in weak.items()])
    report.not_comparable = len(weak)
    report.unmatched = sum(1 for q in queries if q.item_id not in matched
                           and q.item_id not in weak)
    report.notifications = victims.notify(session, actor, case, match_ids)
    if fresh:
        MATCHES_CHANGED(session, actor, case.reference)
    report.seconds = round(time.perf_counter() - started, 3)
    audit.record(session, actor, "matching.run", "case", case.reference, detail={
        "items": report.items, "matched_items": report.matched_items,
        "new_matches": report.new_matches, "by_method": report.by_method,
        "not_comparable": report.not_comparable, "notifications": report.notifications})
    return report
