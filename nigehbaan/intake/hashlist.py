"""Reported hashes as a hash list, for the matching engine.

Each portal report with hash-only entries is, in effect, a small hash list tied to that report
and its case. When the matching capability has its list and match tables, it reads these
through `reported_entries` (they are not copied into its tables, so a report stays the one
source) and, when seized evidence matches one, calls `mark_found`: the assigned officers see it
on the reporter page and the reporter's status page says the material was found (no details).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.clock import utcnow
from nigehbaan.core.errors import NotFound
from nigehbaan.core.roles import Permission
from nigehbaan.intake.models import PortalReport, ReportedHash


@dataclass(frozen=True, slots=True)
class ReportedEntry:
    """One reported file: `entry_id` is what `mark_found` takes; `case_reference` says whose."""

    entry_id: int
    case_reference: str
    sha256: str
    md5: str
    pdq: str | None
    pdq_displayed: str | None
    quality: int | None


def reported_entries(session: Session, *, since_id: int = 0,
                     batch: int = 1000) -> Iterator[ReportedEntry]:
    """Every reported hash with an id above `since_id`, oldest first (so an index can be
    brought up to date incrementally), streamed in batches."""
    query = (select(ReportedHash, PortalReport).join(PortalReport)
             .where(ReportedHash.id > since_id).order_by(ReportedHash.id)
             .execution_options(yield_per=batch))
    for row, report in session.execute(query):
        yield ReportedEntry(row.id, report.case.reference, row.sha256, row.md5, row.pdq,
                            row.pdq_displayed, row.quality)


def mark_found(session: Session, actor: Actor, entry_id: int, *, source: str,
               now: datetime | None = None) -> ReportedHash:
    """Record that seized evidence (`source`, e.g. an evidence reference) matched an entry.

    Needs `case.write`; done once (a second match keeps the first time and source).
    """
    actor.require(Permission.CASE_WRITE)
    row = session.get(ReportedHash, entry_id)
    if row is None:
        raise NotFound(f"no reported hash {entry_id}")
    if row.found_at is None:
        row.found_at, row.found_by = now or utcnow(), source[:120]
        report = session.get(PortalReport, row.report_id)
        assert report is not None
        audit.record(session, actor, "portal.hash.found", "case", report.case.reference,
                     detail={"entry": entry_id, "source": row.found_by})
    return row
