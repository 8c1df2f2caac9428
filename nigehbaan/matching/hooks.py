"""Matching as the vault's built-in after-ingest hook: new evidence is matched at once.

It runs in its own transaction after the ingest committed, so a matching failure never undoes
an acquisition; a refusal (say, the lists could not be read) is audited, not raised. When the
unit holds no list and no reporter sent hashes there is nothing to match and nothing is written.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.db import transaction
from nigehbaan.core.errors import DomainError
from nigehbaan.evidence.acquisition import IngestSummary
from nigehbaan.matching import engine, victims
from nigehbaan.matching.models import HashList


def anything_to_match(session: Session) -> bool:
    if session.execute(select(HashList.id).where(HashList.kind == "list").limit(1)).first():
        return True
    synced = victims.synced_to(session)
    return next(iter(victims.portal_rows(session, synced)), None) is not None or bool(synced)


def match_after_ingest(factory: sessionmaker[Session], actor: Actor,
                       summary: IngestSummary) -> None:
    if summary.files == 0:
        return
    try:
        with transaction(factory) as session:
            if anything_to_match(session):
                engine.match_case(session, actor, summary.case)
    except DomainError as error:
        with transaction(factory) as session:
            audit.record(session, actor, "matching.run", "case", summary.case,
                         outcome="failed", detail={"reason": error.detail})
