"""`nigehbaan demo` builds a fresh embedded instance whose printed logins work."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from fastapi.testclient import TestClient

from nigehbaan.cli.instance import build_demo
from nigehbaan.core.settings import Settings
from nigehbaan.intake.config import PortalConfig
from nigehbaan.intake.portal import create_portal_app
from nigehbaan.web.app import create_app
from tests.intake.portal_support import come_back


def test_demo_instance_is_fresh_and_usable(tmp_path: Path) -> None:
    base = Settings(home=tmp_path, password_time_cost=1, password_memory_kib=1024)
    first = build_demo(base, seed=3)
    built = build_demo(base, seed=3)
    config, logins, example = built.config, built.logins, built.showcase
    assert config.home == first.config.home
    assert (example.reference, example.linked) == (first.showcase.reference,
                                                   first.showcase.linked)
    assert config.effective_database_url == f"sqlite:///{tmp_path / 'demo' / 'nigehbaan.db'}"
    with TestClient(create_app(config), base_url="https://testserver") as client:
        password, secret = logins["demo.investigator"]
        assert secret is None
        token = client.post("/api/v1/auth/token", json={
            "username": "demo.investigator", "password": password}).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        cases = client.get("/api/v1/cases", headers=auth).json()
        items = client.get(f"/api/v1/cases/{example.reference}/evidence", headers=auth).json()
        matches = client.get(f"/api/v1/cases/{example.reference}/matches", headers=auth).json()
        queue = client.get(f"/api/v1/cases/{example.reference}/review-queue", headers=auth).json()
        shared = client.get(f"/api/v1/cases/{example.reference}/shared-material",
                            headers=auth).json()
        groups = client.get(f"/api/v1/cases/{example.reference}/chats", headers=auth).json()
        notices = client.get("/api/v1/matching/notifications", headers=auth).json()
    # the worked example: the phone in the vault, most of it categorised by the hotline list
    # (exact copies and re-shared variants), the rest queued for review, and the referral
    # from Spain linked through the pictures both hold
    media = [item for item in items if item["kind"] in ("image", "video")]
    assert len(media) == example.files == 43
    assert len(items) == 45  # and the chat export: the zip as seized, and its text
    assert {m["method"] for m in matches} >= {"exact-md5", "pdq"}
    queued = {entry["sha256"] for entry in queue}
    assert queued and len({m["sha256"] for m in matches}) + len(queued) <= len(media)
    assert sorted(case["reference"] for case in shared) == sorted(
        [example.linked, example.reported])
    # the phone's chat group, its media the phone's pictures, every member triaged
    assert [g["title"] for g in groups] == ["Cricket Club Lahore 2023"]
    assert example.members == 60
    # the child's picture, reported by fingerprints only, was found and her officers told
    assert notices and {n["case"] for n in notices} == {example.reported}
    with TestClient(create_portal_app(config, PortalConfig()),
                    base_url="https://portal.test") as portal:
        assert "found" in come_back(portal, example.receipt).page.text.lower()
    assert len(cases) >= 50
    assert cases[0]["overdue"]
    assert {case["channel"] for case in cases} >= {"walk_in", "international_referral"}
    assert logins["demo.supervisor"][1] is not None


def test_demo_refuses_to_delete_a_foreign_folder(tmp_path: Path) -> None:
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "precious.txt").write_text("keep me")
    with pytest.raises(typer.Exit):
        build_demo(Settings(home=tmp_path), seed=1)
    assert (tmp_path / "demo" / "precious.txt").read_text() == "keep me"
