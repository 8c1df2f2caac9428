"""Reported hashes as a list the matching engine reads, and marking one found."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.core.audit import AuditEvent
from nigehbaan.core.db import transaction
from nigehbaan.core.errors import Forbidden, NotFound
from nigehbaan.intake import hashlist
from tests.intake.portal_support import report
from tests.support import Account


def test_entries_stream_in_order_and_incrementally(portal: TestClient,
                                                   factory: sessionmaker[Session]) -> None:
    first = [{"sha256": "a1" * 32, "md5": "b1" * 16, "pdq": "c1" * 32, "quality": 70}]
    second = [{"sha256": "a2" * 32, "md5": "b2" * 16, "pdq_displayed": "d2" * 32,
               "pdq": "c2" * 32, "quality": 55},
              {"sha256": "a3" * 32, "md5": "b3" * 16}]
    report(portal, hashes=json.dumps(first))
    report(portal, hashes=json.dumps(second))
    with transaction(factory) as session:
        entries = list(hashlist.reported_entries(session, batch=1))
        later = list(hashlist.reported_entries(session, since_id=entries[0].entry_id))
    assert [e.sha256 for e in entries] == ["a1" * 32, "a2" * 32, "a3" * 32]
    assert entries[1].pdq_displayed == "d2" * 32 and entries[2].pdq is None
    assert entries[0].case_reference != entries[1].case_reference
    assert entries[1].case_reference == entries[2].case_reference
    assert [e.sha256 for e in later] == ["a2" * 32, "a3" * 32]


def test_mark_found_needs_write_and_happens_once(portal: TestClient,
                                                 factory: sessionmaker[Session],
                                                 accounts: dict[str, Account]) -> None:
    report(portal, hashes=json.dumps([{"sha256": "a1" * 32, "md5": "b1" * 16}]))
    with transaction(factory) as session:
        [entry] = hashlist.reported_entries(session)
        with pytest.raises(Forbidden):
            hashlist.mark_found(session, accounts["analyst"].actor, entry.entry_id, source="x")
        with pytest.raises(NotFound):
            hashlist.mark_found(session, accounts["investigator"].actor, 999, source="x")
        first = hashlist.mark_found(session, accounts["investigator"].actor, entry.entry_id,
                                    source="EV-1")
        again = hashlist.mark_found(session, accounts["investigator"].actor, entry.entry_id,
                                    source="EV-2")
        assert again.found_by == "EV-1" and again.found_at == first.found_at
        events = session.execute(select(AuditEvent).where(
            AuditEvent.action == "portal.hash.found")).scalars().all()
        assert len(events) == 1 and events[0].object_ref == entry.case_reference
