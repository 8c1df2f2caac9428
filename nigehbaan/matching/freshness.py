"""Which list versions a case's evidence has not yet been matched against.

A hotline sends a new version of its list every few weeks; material seized months ago may be in
it. New evidence is matched as it is ingested, but evidence already in the vault is matched
again only when someone runs the match (it records matches and notifies officers, so it needs
the case's own team, not the administrator who imported the list). So the case says when lists
changed after its last run, and the import says how many cases wait for one.

A run is the audited `matching.run` of the case that succeeded; the audit log is the one
record of runs, and it is append-only.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nigehbaan.cases.models import Case
from nigehbaan.core.audit import AuditEvent
from nigehbaan.core.clock import as_utc
from nigehbaan.evidence.models import CaseItem
from nigehbaan.matching.models import HashList, HashListVersion

RUN_ACTION = "matching.run"
_RUNS = (AuditEvent.action == RUN_ACTION, AuditEvent.object_type == "case",
         AuditEvent.outcome == "ok")


class NewerVersion(BaseModel):
    list: str
    version: str
    imported_at: datetime
    added: int
    changed: int
    withdrawn: int


def last_run(session: Session, reference: str) -> datetime | None:
    found = session.scalar(select(func.max(AuditEvent.at))
                           .where(*_RUNS, AuditEvent.object_ref == reference))
    return None if found is None else as_utc(found)


def newer_versions(session: Session, reference: str, since: datetime | None
                   ) -> list[NewerVersion]:
    """List versions imported after `since`, the case's `last_run` (every version, if it never
    ran); none for a case without evidence. The caller has checked the reader may see it."""
    holds = session.scalar(select(CaseItem.case_id).join(Case, Case.id == CaseItem.case_id)
                           .where(Case.reference == reference).limit(1))
    if holds is None:
        return []
    query = (select(HashList.name, HashListVersion)
             .join(HashList, HashList.id == HashListVersion.list_id)
             .where(HashList.kind == "list")
             .order_by(HashListVersion.imported_at, HashListVersion.id))
    if since is not None:
        query = query.where(HashListVersion.imported_at > since)
    return [NewerVersion(list=name, version=v.label, imported_at=as_utc(v.imported_at),
                         added=v.added, changed=v.changed, withdrawn=v.withdrawn)
            for name, v in session.execute(query).all()]


def cases_behind(session: Session, since: datetime) -> int:
    """Cases holding evidence whose last run is older than `since` (or that never ran): the
    cases a list version imported at `since` has not reached yet. A count, not references:
    the administrator who imports a list may not see the cases."""
    runs = (select(AuditEvent.object_ref.label("reference"),
                   func.max(AuditEvent.at).label("last"))
            .where(*_RUNS).group_by(AuditEvent.object_ref).subquery())
    query = (select(func.count()).select_from(Case)
             .outerjoin(runs, runs.c.reference == Case.reference)
             .where(Case.id.in_(select(CaseItem.case_id)),
                    (runs.c.last.is_(None)) | (runs.c.last < since)))
    return int(session.scalar(query) or 0)
