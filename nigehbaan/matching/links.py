"""Cross-case links by shared material: the same SHA-256, a PDQ within the threshold, or a
victim's reported hash found in another case.

Near links need every other item's PDQ; an index of all evidence PDQs is kept per process and
grown by item id (items are never altered or removed, only added), rebuilt only when the
database under it is not the one it was built from.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel
from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from nigehbaan.cases.access import load_case, visible_clause
from nigehbaan.cases.models import Case
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.db import distinct_chunks
from nigehbaan.evidence.models import CaseItem, EvidenceItem
from nigehbaan.evidence.queries import held_by
from nigehbaan.matching.models import HashEntry, HashList, HashMatch
from nigehbaan.matching.pdq_codes import DEFAULT_RADIUS
from nigehbaan.matching.pdq_index import PdqIndex
from nigehbaan.matching.video import MIN_QUALITY


class SharedItem(BaseModel):
    sha256: str
    """This case's item."""
    how: str
    """"same SHA-256", "PDQ distance N" or "reported by a victim in the other case"."""


class SharedCase(BaseModel):
    reference: str
    visible: bool
    title: str
    shared: list[SharedItem]


@dataclass
class EvidenceIndex:
    index: PdqIndex = field(default_factory=PdqIndex)
    last_id: int = 0
    last_sha256: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self, session: Session) -> PdqIndex:
        with self.lock:
            if self.last_id:
                at = session.get(EvidenceItem, self.last_id)
                if at is None or at.sha256 != self.last_sha256:
                    self.index, self.last_id, self.last_sha256 = PdqIndex(), 0, ""
            rows = session.execute(
                select(EvidenceItem.id, EvidenceItem.pdq, EvidenceItem.sha256)
                .where(EvidenceItem.id > self.last_id, EvidenceItem.pdq.is_not(None),
                       EvidenceItem.pdq_quality >= MIN_QUALITY)
                .order_by(EvidenceItem.id)).all()
            if rows:
                self.index.add([str(r[1]) for r in rows], np.asarray([r[0] for r in rows]))
                self.last_id, self.last_sha256 = rows[-1][0], rows[-1][2]
            return self.index


_INDEXES: dict[str, EvidenceIndex] = {}
_GUARD = threading.Lock()


def evidence_index(session: Session) -> PdqIndex:
    key = session.get_bind().engine.url.render_as_string(hide_password=True)
    with _GUARD:
        holder = _INDEXES.setdefault(key, EvidenceIndex())
    return holder.refresh(session)


def near_pairs(session: Session, case_id: int,
               radius: int = DEFAULT_RADIUS) -> list[tuple[int, int, int]]:
    """(this case's item, other item, distance) for every other item within `radius`."""
    mine = session.execute(select(EvidenceItem.id, EvidenceItem.pdq).where(
        EvidenceItem.id.in_(held_by(case_id)), EvidenceItem.pdq.is_not(None),
        EvidenceItem.pdq_quality >= MIN_QUALITY).order_by(EvidenceItem.id)).all()
    if not mine:
        return []
    hits = evidence_index(session).search_hex([str(r[1]) for r in mine], radius)
    return [(mine[q][0], other, dist) for q, other, dist in zip(
        hits.query.tolist(), hits.ids.tolist(), hits.distance.tolist(), strict=True)
        if other != mine[q][0]]


def _victim_links(session: Session, case_id: int) -> list[tuple[int, int, str]]:
    """(other case, our item, how) through victims' list matches, both ways."""
    ours = held_by(case_id)
    found_here = session.execute(
        select(HashEntry.case_id, HashMatch.item_id)
        .join(HashMatch, HashMatch.entry_id == HashEntry.id)
        .join(HashList, and_(HashList.id == HashEntry.list_id, HashList.kind == "victims"))
        .where(HashMatch.item_id.in_(ours), HashEntry.case_id.is_not(None))).all()
    links = [(int(c), item, "reported by a victim in the other case") for c, item in found_here
             if c is not None]
    reported_here = session.execute(
        select(CaseItem.case_id, HashMatch.item_id)
        .join(HashMatch, HashMatch.item_id == CaseItem.item_id)
        .join(HashEntry, HashEntry.id == HashMatch.entry_id)
        .where(HashEntry.case_id == case_id)).all()
    links += [(c, item, "a victim's reported hash, found in the other case")
              for c, item in reported_here]
    return links


def shared_cases(session: Session, actor: Actor, reference: str) -> list[SharedCase]:
    """Other cases sharing material with this one; another unit's case shows its reference
    only (as `cases.queries.linked_cases` does), and only this case's items are named."""
    case = load_case(session, actor, reference)
    shared: dict[int, dict[tuple[int, str], None]] = defaultdict(dict)
    other = aliased(CaseItem)
    for other_case, item in session.execute(
            select(other.case_id, other.item_id).where(
                other.item_id.in_(held_by(case.id)), other.case_id != case.id)).all():
        shared[other_case][(item, "same SHA-256")] = None
    pairs = near_pairs(session, case.id)
    if pairs:
        holders: dict[int, set[int]] = defaultdict(set)
        for chunk in distinct_chunks(p[1] for p in pairs):
            for item_id, case_id in session.execute(select(
                    CaseItem.item_id, CaseItem.case_id).where(CaseItem.item_id.in_(chunk))):
                holders[item_id].add(case_id)
        for mine, theirs, dist in pairs:
            for other_case in holders[theirs] - {case.id}:
                shared[other_case][(mine, f"PDQ distance {dist}")] = None
    for other_case, item, how in _victim_links(session, case.id):
        if other_case != case.id:
            shared[other_case][(item, how)] = None
    if not shared:
        return []
    wanted = distinct_chunks(i for s in shared.values() for i, _h in s)
    hashes: dict[int, str] = {i: sha for chunk in wanted for i, sha in session.execute(
        select(EvidenceItem.id, EvidenceItem.sha256).where(EvidenceItem.id.in_(chunk)))}
    visible = set(session.execute(select(Case.id).where(
        Case.id.in_(shared), visible_clause(actor))).scalars())
    result = []
    for linked in session.execute(select(Case).where(Case.id.in_(shared))
                                  .order_by(Case.reference)).scalars():
        items = [SharedItem(sha256=hashes[i], how=how) for i, how in shared[linked.id]]
        items.sort(key=lambda s: (s.sha256, s.how))
        seen = linked.id in visible
        result.append(SharedCase(reference=linked.reference, visible=seen, shared=items,
                                 title=linked.title if seen else "(another unit's case)"))
    audit.record(session, actor, "matching.links", "case", case.reference,
                 detail={"cases": len(result)})
    return result
