"""Writing and reading the custody log."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from nigehbaan.core.actors import Actor
from nigehbaan.core.chain import append
from nigehbaan.core.clock import utcnow
from nigehbaan.evidence.models import CustodyEvent


class CustodyAction(StrEnum):
    ACQUIRED = "acquired"
    VIEWED = "viewed"
    EXPORTED = "exported"
    VERIFIED = "verified"
    REVIEWED = "reviewed"


def event(actor: Actor, action: CustodyAction, sha256: str, case_ref: str = "",
          reason: str = "", detail: dict[str, Any] | None = None) -> CustodyEvent:
    """An event not yet in the chain: `append_many` links a batch of them at once."""
    return CustodyEvent(at=utcnow(), actor=actor.username, session_ref=actor.session_ref,
                        action=action.value, sha256=sha256, case_ref=case_ref, reason=reason,
                        detail=json.loads(json.dumps(detail or {}, default=str)))


def record(session: Session, actor: Actor, action: CustodyAction, sha256: str,
           case_ref: str = "", reason: str = "", detail: dict[str, Any] | None = None,
           ) -> CustodyEvent:
    made = event(actor, action, sha256, case_ref, reason, detail)
    append(session, made)
    return made


def history(session: Session, *, sha256: str = "", case_ref: str = "",
            items: Select[str] | None = None) -> list[CustodyEvent]:
    """Events for one item, or for a case (its own events and those of the items it holds).
    A case's `items` come as a query: a seizure's hashes as a list would pass PostgreSQL's
    65,535 parameters."""
    query = select(CustodyEvent).order_by(CustodyEvent.seq)
    if sha256:
        query = query.where(CustodyEvent.sha256 == sha256)
    if case_ref:
        own = CustodyEvent.case_ref == case_ref
        query = query.where(own if items is None else own | CustodyEvent.sha256.in_(items))
    return list(session.execute(query).scalars())
