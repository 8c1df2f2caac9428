"""The audit chain must reveal any changed, deleted or reordered event."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.audit import AuditEvent
from nigehbaan.core.chain import verify
from nigehbaan.core.db import transaction


def _write(factory: sessionmaker[Session], actor: Actor, count: int) -> None:
    with transaction(factory) as session:
        for index in range(count):
            audit.record(session, actor, "test.event", "thing", f"T-{index}",
                         detail={"n": index, "text": "ünïcode"})


def _report(factory: sessionmaker[Session]) -> tuple[bool, int | None, str]:
    with transaction(factory) as session:
        report = verify(session, AuditEvent)
    return report.ok, report.first_broken, report.reason


def test_intact_chain_verifies(factory: sessionmaker[Session], operator: Actor) -> None:
    _write(factory, operator, 5)
    with transaction(factory) as session:
        report = verify(session, AuditEvent)
    assert report.ok
    assert report.checked >= 5


def test_changed_event_is_named(factory: sessionmaker[Session], operator: Actor) -> None:
    _write(factory, operator, 6)
    with transaction(factory) as session:
        target = session.query(AuditEvent).filter(AuditEvent.object_ref == "T-3").one().seq
        session.execute(update(AuditEvent).where(AuditEvent.seq == target)
                        .values(actor="someone else"))
    assert _report(factory) == (False, target, "content was changed")


def test_deleted_event_is_named(factory: sessionmaker[Session], operator: Actor) -> None:
    _write(factory, operator, 6)
    with transaction(factory) as session:
        target = session.query(AuditEvent).filter(AuditEvent.object_ref == "T-2").one().seq
        session.execute(delete(AuditEvent).where(AuditEvent.seq == target))
    ok, first, reason = _report(factory)
    assert (ok, first) == (False, target)
    assert "missing" in reason


def test_deleted_tail_is_detected(factory: sessionmaker[Session], operator: Actor) -> None:
    _write(factory, operator, 4)
    with transaction(factory) as session:
        last = max(session.query(AuditEvent.seq).all())[0]
        session.execute(delete(AuditEvent).where(AuditEvent.seq == last))
    ok, first, reason = _report(factory)
    assert not ok
    assert first == last
    assert "head says" in reason


def test_rehashed_forgery_breaks_the_next_link(factory: sessionmaker[Session],
                                               operator: Actor) -> None:
    """Someone who edits a row and recomputes its hash still breaks the following event."""
    from nigehbaan.core.chain import digest

    _write(factory, operator, 5)
    with transaction(factory) as session:
        event = session.query(AuditEvent).filter(AuditEvent.object_ref == "T-1").one()
        event.actor = "forger"
        event.hash = digest(event.prev_hash, event.seq, event.chain_payload())
        forged = event.seq
    ok, first, reason = _report(factory)
    assert (ok, first) == (False, forged + 1)
    assert "link" in reason
