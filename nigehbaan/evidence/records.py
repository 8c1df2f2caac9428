"""Recording analysed files in the database: one item per content, one link per finding."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nigehbaan.cases.models import Case
from nigehbaan.core.actors import Actor
from nigehbaan.core.chain import append_many
from nigehbaan.core.upsert import insert_ignore
from nigehbaan.evidence import custody
from nigehbaan.evidence.analyse import Facts
from nigehbaan.evidence.models import (
    CaseItem,
    CustodyEvent,
    EvidenceFrame,
    EvidenceItem,
    EvidencePreview,
    IngestRefusal,
)
from nigehbaan.evidence.perceptual import PerceptualResult


def _perceptual(signals: tuple[PerceptualResult, ...]) -> tuple[str, str]:
    """Status and reason: a perceptual hash that could not be made is never silently absent."""
    if not signals:
        return "not_applicable", ""
    reasons = "; ".join(s.reason for s in signals if s.reason)
    if any(s.available for s in signals):
        return ("partial" if reasons else "ok"), reasons
    return "unavailable", reasons or "no frame could be decoded"


def _metadata(facts: Facts) -> dict[str, Any]:
    """The metadata read, and why no preview could be made when none could."""
    data = asdict(facts.metadata) if facts.metadata is not None else {}
    data["preview_problem"] = facts.preview_problem
    return {key: (value.isoformat() if isinstance(value, datetime) else value)
            for key, value in data.items() if value not in (None, ())}


def _new_item(facts: Facts) -> EvidenceItem:
    status, reason = _perceptual(facts.signals)
    image = facts.signal("pdq")
    video = facts.signal("vpdq")
    first = image if image is not None and image.available else video
    item = EvidenceItem(
        sha256=facts.digests.sha256, sha1=facts.digests.sha1, md5=facts.digests.md5,
        size=facts.digests.size, mime=facts.filetype.mime, kind=facts.filetype.kind.value,
        pdq=first.pdq if first else None, pdq_quality=first.quality if first else None,
        perceptual=status, perceptual_reason=reason, duration=facts.duration,
        metadata_=_metadata(facts))
    if video is not None:
        item.frames = [EvidenceFrame(seconds=f.seconds, pdq=f.pdq, quality=f.quality)
                       for f in video.frames]
    return item


def _items_for(session: Session, found: list[Facts]) -> dict[str, EvidenceItem]:
    """The stored item of each content, created on first sight, by SHA-256."""
    wanted = {facts.digests.sha256: facts for facts in found}
    items = {item.sha256: item for item in session.execute(
        select(EvidenceItem).where(EvidenceItem.sha256.in_(wanted))).scalars()}
    fresh = {sha256: _new_item(facts) for sha256, facts in wanted.items() if sha256 not in items}
    if fresh:
        session.add_all(fresh.values())
        session.flush()
        session.add_all(EvidencePreview(item_id=item.id, jpeg=wanted[sha256].preview)
                        for sha256, item in fresh.items()
                        if wanted[sha256].preview is not None)
    return items | fresh


def record_findings(session: Session, actor: Actor, case: Case, source: str,
                    found: list[tuple[Facts, str]], at: datetime) -> int:
    """Tie each analysed file to where it was found (path inside `source`), in one go; each
    new finding is an acquisition in the custody log. Returns how many findings were new."""
    items = _items_for(session, [facts for facts, _path in found])
    paths = [path for _facts, path in found]
    taken = set(session.execute(select(CaseItem.path).where(
        CaseItem.case_id == case.id, CaseItem.source == source,
        CaseItem.path.in_(paths))).scalars())
    events: list[CustodyEvent] = []
    for facts, path in found:
        if path in taken:
            continue
        taken.add(path)
        item = items[facts.digests.sha256]
        session.add(CaseItem(case_id=case.id, item_id=item.id, source=source, path=path,
                             acquired_at=at, acquired_by=actor.username))
        events.append(custody.event(actor, custody.CustodyAction.ACQUIRED, item.sha256,
                                    case.reference, detail={"source": source, "path": path,
                                                            "size": item.size}))
    append_many(session, events)
    return len(events)


def refuse(session: Session, case: Case, source: str, path: str, reason: str,
           at: datetime) -> None:
    insert_ignore(session, IngestRefusal.__table__,  # type: ignore[arg-type]
                  {"case_id": case.id, "source": source, "path": path, "reason": reason,
                   "at": at})


def known_paths(session: Session, case: Case, source: str) -> set[str]:
    """What an earlier, perhaps interrupted, run already recorded: resuming skips it."""
    taken = session.execute(select(CaseItem.path).where(
        CaseItem.case_id == case.id, CaseItem.source == source)).scalars()
    refused = session.execute(select(IngestRefusal.path).where(
        IngestRefusal.case_id == case.id, IngestRefusal.source == source)).scalars()
    return set(taken) | set(refused)
