"""The audit log: who did what to which record, when, from which session, and with what outcome."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar, Concatenate, ParamSpec

from sqlalchemy import JSON, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from nigehbaan.core.actors import Actor
from nigehbaan.core.chain import Chained, append
from nigehbaan.core.clock import utcnow
from nigehbaan.core.db import Base, UTCDateTime

_P = ParamSpec("_P")


class AuditEvent(Chained, Base):
    __tablename__ = "audit_events"
    chain_name: ClassVar[str] = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor: Mapped[str] = mapped_column(String(120))
    session_ref: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_ref: Mapped[str] = mapped_column(String(120), default="", index=True)
    outcome: Mapped[str] = mapped_column(String(20), default="ok")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    def chain_payload(self) -> dict[str, Any]:
        return {
            "at": self.at, "actor_id": self.actor_id, "actor": self.actor,
            "session_ref": self.session_ref, "action": self.action,
            "object_type": self.object_type, "object_ref": self.object_ref,
            "outcome": self.outcome, "detail": self.detail,
        }


def event(
    actor: Actor | None,
    action: str,
    object_type: str = "",
    object_ref: str = "",
    *,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """An event not yet in the chain: `chain.append_many` links a batch of them at once."""
    return AuditEvent(
        at=utcnow(),
        actor_id=actor.user_id if actor else None,
        actor=actor.username if actor else "anonymous",
        session_ref=actor.session_ref if actor else "none",
        action=action,
        object_type=object_type,
        object_ref=object_ref,
        outcome=outcome,
        detail=json.loads(json.dumps(detail or {}, default=str)),
    )


def _linked(make: Callable[_P, AuditEvent]) -> Callable[Concatenate[Session, _P], AuditEvent]:
    def linked(session: Session, /, *args: _P.args, **kwargs: _P.kwargs) -> AuditEvent:
        made = make(*args, **kwargs)
        append(session, made)
        return made

    return linked


record = _linked(event)
"""`event`, linked into the audit chain at once: `record(session, actor, action, …)`."""


def recent(session: Session, *, limit: int = 200, object_ref: str = "") -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(limit)
    if object_ref:
        query = query.where(AuditEvent.object_ref == object_ref)
    return list(session.execute(query).scalars())
