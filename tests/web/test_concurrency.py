"""Concurrent writers against a real server never share a reference or fork the audit chain."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx2
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.core.audit import AuditEvent
from nigehbaan.core.chain import verify
from nigehbaan.core.db import transaction
from nigehbaan.core.settings import Settings
from nigehbaan.web.app import create_app
from tests.support import Account, serving

PARALLEL = 24


def test_parallel_registrations_get_distinct_references(
        settings: Settings, accounts: dict[str, Account],
        factory: sessionmaker[Session]) -> None:
    headers = accounts["investigator"].headers
    body = {"title": "Parallel complaint", "channel": "public_portal",
            "received_at": "2018-06-01T12:00:00Z"}
    with serving(create_app(settings)) as base, \
            httpx2.Client(base_url=base, headers=headers, timeout=60) as http:

        def post(_: int) -> httpx2.Response:
            return http.post("/api/v1/cases", json=body)

        with ThreadPoolExecutor(max_workers=8) as pool:
            responses = list(pool.map(post, range(PARALLEL)))
    assert [r.status_code for r in responses] == [201] * PARALLEL
    references = sorted(r.json()["reference"] for r in responses)
    assert references == [f"CC-2018-{n:04d}" for n in range(1, PARALLEL + 1)]
    with transaction(factory) as session:
        assert verify(session, AuditEvent).ok
