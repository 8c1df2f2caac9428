"""Fingerprints a returning reporter adds from their status page, joined to their report's list.

They arrive exactly as a first report's do (hashreport.js in the browser, checked by
`hashentries.parse_entries`) and become more `ReportedHash` rows of the same report, so the
report stays one hash list: `hashlist.reported_entries` serves them by row id, and
`matching.victims.sync`, which copies rows above the last id it saw, picks them up on its next
run without any call from here. A file the report already holds (same SHA-256) is skipped,
which also makes a replayed form harmless: it adds nothing, so no nonce needs storing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from nigehbaan.core import audit
from nigehbaan.intake.actor import portal_actor
from nigehbaan.intake.hashentries import HashEntryIn
from nigehbaan.intake.models import PortalReport, ReportedHash


@dataclass(frozen=True)
class Added:
    added: int
    already: int
    """Sent again: the report held them already, so they were left out."""


def reported_hash(entry: HashEntryIn) -> ReportedHash:
    """The row one checked entry becomes (a first report's and a later addition's alike)."""
    return ReportedHash(sha256=entry.sha256, md5=entry.md5, pdq=entry.pdq,
                        quality=entry.quality, size=entry.size,
                        pdq_displayed=entry.pdq_displayed)


def add_hashes(session: Session, report: PortalReport, entries: list[HashEntryIn], *,
               unit: str) -> Added:
    """Add the entries the report does not hold yet; audited like other reporter additions
    (counts only: a hash of a reporter's own picture is not for the audit log's readers)."""
    # Lock the report's row (PostgreSQL) so two copies of one form cannot both add a file.
    session.execute(select(PortalReport.id).where(PortalReport.id == report.id)
                    .with_for_update())
    held = set(session.execute(select(ReportedHash.sha256)
                               .where(ReportedHash.report_id == report.id)).scalars())
    new = [entry for entry in entries if entry.sha256 not in held]
    report.hashes.extend(reported_hash(entry) for entry in new)
    session.flush()
    result = Added(len(new), len(entries) - len(new))
    audit.record(session, portal_actor(unit), "portal.hashes", "case", report.case.reference,
                 detail={"added": result.added, "already": result.already,
                         "total": len(report.hashes)})
    return result
