"""Every API route, called by every role: the status each must get.

A route added without an entry here fails this test, so authorization is decided, not forgotten.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.cases import register
from nigehbaan.cases.schemas import CaseIn
from nigehbaan.core import auth
from nigehbaan.core.audit import AuditEvent
from nigehbaan.core.clock import utcnow
from nigehbaan.core.db import transaction
from nigehbaan.core.settings import Settings
from nigehbaan.evidence import acquisition, queries
from nigehbaan.intake import reports as intake_reports
from nigehbaan.intake.forms import ReportDraft
from tests.support import Account

ROLES = ["anonymous", "analyst", "investigator", "supervisor", "auditor", "admin", "outsider"]
EVERYONE = {"analyst", "investigator", "supervisor", "auditor", "admin", "outsider"}
READERS = {"analyst", "investigator", "supervisor"}
WRITERS = {"investigator", "supervisor"}
_counter = itertools.count(1)
UPLOAD = "__upload_source__"
"""A body holding this key is sent as a multipart upload with that source."""


class World:
    """Fresh objects for each call, so one role's call never changes what the next one meets."""

    def __init__(self, factory: sessionmaker[Session], settings: Settings,
                 accounts: dict[str, Account]) -> None:
        self.factory, self.settings, self.accounts = factory, settings, accounts

    def case(self, channel: str = "walk_in") -> tuple[str, int]:
        with transaction(self.factory) as session:
            case = register.open_case(session, self.accounts["investigator"].actor, CaseIn(
                title="Walk case", channel=channel,
                persons=[{"role": "victim", "full_name": "V"}]), self.settings)
            return case.reference, case.persons[0].id

    def item(self) -> tuple[str, str]:
        """A case holding one generated picture, ingested the ordinary way."""
        reference, _person = self.case()
        folder = self.settings.home / f"media-{next(_counter)}"
        folder.mkdir()
        Image.new("RGB", (64, 48), (next(_counter) % 250, 90, 160)).save(folder / "a.png")
        with ThreadPoolExecutor(1) as pool:
            acquisition.ingest(self.factory, self.accounts["investigator"].actor, reference,
                               folder, "walk", self.settings, executor=pool)
        with transaction(self.factory) as session:
            sha = queries.case_items(session, self.accounts["investigator"].actor, reference)
        return reference, sha[0].sha256

    def token(self, role: str) -> str:
        with transaction(self.factory) as session:
            user = auth.get_user(session, role)
            return auth.issue_api_token(session, user, "walk", self.accounts[role].actor)


Call = tuple[str, dict[str, Any] | None, int]
"""Path, JSON body, and the status an allowed role gets."""


def _login(world: World, role: str) -> Call:
    account = world.accounts.get(role)
    body = {"username": role, "password": account.password if account else "x",
            "totp": account.code(utcnow()) if account and account.totp_secret else ""}
    return "/api/v1/auth/token", body, 201


def _case_call(suffix: str, body: dict[str, Any] | None, status: int,
               channel: str = "walk_in") -> Callable[[World, str], Call]:
    def build(world: World, role: str) -> Call:
        ref, person = world.case(channel)
        return f"/api/v1/cases/{ref}{suffix.format(person=person)}", body, status
    return build


def _item_call(suffix: str, body: dict[str, Any] | None, status: int,
               in_case: bool = False) -> Callable[[World, str], Call]:
    def build(world: World, role: str) -> Call:
        ref, sha = world.item()
        if in_case:
            return f"/api/v1/cases/{ref}{suffix.format(sha=sha)}", body, status
        return f"/api/v1/evidence/{sha}{suffix}", body, status
    return build


def _upload(world: World, role: str) -> Call:
    ref, _person = world.case()
    return f"/api/v1/cases/{ref}/evidence", {UPLOAD: "walk"}, 201


WALK_CHAT = ("13/03/2023, 09:12 - You created group \"Walk group\"\n"
             "13/03/2023, 09:13 - You added +92 300 1234567\n"
             "13/03/2023, 09:14 - +92 300 1234567: hello everyone\n")
WALK_TELEGRAM = {"name": "Walk", "type": "private_group", "id": 1, "messages": [
    {"id": 1, "type": "message", "date": "2023-03-13T09:14:00", "date_unixtime": "1678698840",
     "from": "Ali", "from_id": "user1", "text": "hello everyone"}]}


def _chat_call(suffix: str, body: dict[str, Any] | None, status: int
               ) -> Callable[[World, str], Call]:
    """A fresh case holding one imported chat; `{group}` and `{member}` name its first rows."""
    def build(world: World, role: str) -> Call:
        from nigehbaan.chats import importer
        from nigehbaan.chats.models import ChatMember

        ref, _person = world.case()
        export = world.settings.home / f"walk-{next(_counter)}.txt"
        export.write_text(WALK_CHAT, encoding="utf-8")
        with transaction(world.factory) as session:
            group = importer.import_export(session, world.accounts["investigator"].actor, ref,
                                           export).group
            member = session.query(ChatMember).filter_by(group_id=group.id).first()
            assert member is not None
            ids = {"group": group.id, "member": member.id}
        return f"/api/v1/cases/{ref}/chats{suffix.format(**ids)}", body, status
    return build


def _referral_call(suffix: str, body: dict[str, Any] | None, status: int,
                   built: bool = True) -> Callable[[World, str], Call]:
    """A fresh case with a Spanish suspect and a draft referral for Spain (package built)."""
    def build(world: World, role: str) -> Call:
        from nigehbaan.referrals import outgoing, package

        with transaction(world.factory) as session:
            investigator = world.accounts["investigator"].actor
            case = register.open_case(session, investigator, CaseIn.model_validate({
                "title": "Walk referral", "channel": "walk_in", "persons": [
                    {"role": "suspect", "identifiers": [
                        {"kind": "phone", "value": f"+3461234{next(_counter) % 10000:04d}"}]}]}),
                world.settings)
            if built:
                referral = package.build(session, investigator, case.reference, "ES",
                                         world.settings).referral
            else:
                referral = outgoing.create(session, investigator, case.reference, "ES")
            ids = {"case": case.reference, "referral": referral.id,
                   "person": case.persons[0].id}
        filled = {k: (v.format(**ids) if isinstance(v, str) else v)
                  for k, v in (body or {}).items()}
        return f"/api/v1{suffix.format(**ids)}", filled if body is not None else None, status
    return build


def _platform_report(world: World, role: str) -> Call:
    report = {"reportId": f"walk-{next(_counter)}", "dateReceived": "2024-03-02T08:15:00Z",
              "reportedInformation": {"reportingEsp": {"espName": "WalkChat"}}}
    return "/api/v1/platform-reports?format=ncmec-json", report, 201


def _fixed(path: str, body: dict[str, Any] | None, status: int) -> Callable[[World, str], Call]:
    return lambda world, role: (path, body, status)


def _new_user(world: World, role: str) -> Call:
    return "/api/v1/users", {"username": f"new.{next(_counter)}", "role": "analyst",
                             "password": "long-enough-pw"}, 201


def _portal_call(suffix: str, body: dict[str, Any] | None,
                 status: int) -> Callable[[World, str], Call]:
    """A case that came through the portal (intake), so it has a reporter page."""
    def build(world: World, role: str) -> Call:
        with transaction(world.factory) as session:
            made = intake_reports.submit(session, world.settings, "Unit A", bytes(32),
                                  ReportDraft(description="walk"),
                                  nonce=f"walk-{next(_counter)}", language="en")
            return f"/api/v1/cases/{made.report.case.reference}{suffix}", body, status
    return build



def _matched(world: World) -> tuple[str, str]:
    """A case whose one item is on a fresh list and was matched: (case, item SHA-256)."""
    from nigehbaan.matching import engine, lists

    ref, sha = world.item()
    path = world.settings.home / f"walk-list-{next(_counter)}.txt"
    with transaction(world.factory) as session:
        path.write_text(queries.get_item(session, sha).md5 + "\n", "utf-8")
        lists.import_list(session, world.accounts["admin"].actor, path, lists.ListOptions(
            name=f"walk-{next(_counter)}", format="plain"))
        engine.match_case(session, world.accounts["investigator"].actor, ref)
    return ref, sha


def _match_call(world: World, role: str) -> Call:
    from nigehbaan.matching import review

    ref, _sha = _matched(world)
    with transaction(world.factory) as session:
        match = review.case_matches(session, world.accounts["investigator"].actor, ref)[0]
    return f"/api/v1/cases/{ref}/matches/{match.id}/confirmation", {"category": "B1"}, 200


def _hashlist_call(world: World, role: str) -> Call:
    body = {"value": [{"MediaID": 1, "MD5": f"{next(_counter):032x}"}]}
    return f"/api/v1/hashlists/walk-{next(_counter)}/versions?format=vics", body, 201


def _notice_call(world: World, role: str) -> Call:
    """A portal report whose reported hash was then found in a seized item."""
    from nigehbaan.intake.hashentries import HashEntryIn
    from nigehbaan.matching import engine, notices

    ref, sha = world.item()
    investigator = world.accounts["investigator"].actor
    with transaction(world.factory) as session:
        md5 = queries.get_item(session, sha).md5
        made = intake_reports.submit(session, world.settings, "Unit A", bytes(32), ReportDraft(
            description="walk", hashes=[HashEntryIn(sha256=sha, md5=md5)]),
            nonce=f"walk-{next(_counter)}", language="en")
        reported = made.report.case.reference
    with transaction(world.factory) as session:
        engine.match_case(session, investigator, ref)
        notice = notices.notifications(session, investigator, reported)[0]
    return f"/api/v1/matching/notifications/{notice.id}/read", None, 200

EXPECTED: dict[tuple[str, str], tuple[set[str], Callable[[World, str], Call]]] = {
    ("GET", "/api/v1/health"): (EVERYONE | {"anonymous"}, _fixed("/api/v1/health", None, 200)),
    ("POST", "/api/v1/auth/token"): (EVERYONE, _login),
    ("DELETE", "/api/v1/auth/token"): (EVERYONE, _fixed("/api/v1/auth/token", None, 204)),
    ("GET", "/api/v1/me"): (EVERYONE, _fixed("/api/v1/me", None, 200)),
    ("GET", "/api/v1/users"): ({"admin"}, _fixed("/api/v1/users", None, 200)),
    ("POST", "/api/v1/users"): ({"admin"}, _new_user),
    ("GET", "/api/v1/audit"): ({"auditor"}, _fixed("/api/v1/audit", None, 200)),
    ("GET", "/api/v1/audit/verify"): ({"auditor"}, _fixed("/api/v1/audit/verify", None, 200)),
    ("GET", "/api/v1/channels"): (EVERYONE, _fixed("/api/v1/channels", None, 200)),
    ("GET", "/api/v1/statuses"): (EVERYONE, _fixed("/api/v1/statuses", None, 200)),
    ("GET", "/api/v1/statutes"): (EVERYONE, _fixed("/api/v1/statutes", None, 200)),
    ("POST", "/api/v1/statutes"): ({"admin"}, _fixed("/api/v1/statutes", {"statutes": [
        {"code": "LOCAL-1", "law": "Local law", "title": "A local offence"}]}, 201)),
    ("GET", "/api/v1/cases"): (READERS | {"outsider"}, _fixed("/api/v1/cases", None, 200)),
    ("POST", "/api/v1/cases"): (WRITERS | {"outsider"}, _fixed("/api/v1/cases", {
        "title": "Opened in the walk", "channel": "walk_in"}, 201)),
    ("GET", "/api/v1/cases/{reference}"): (READERS, _case_call("", None, 200)),
    ("POST", "/api/v1/cases/{reference}/moves"): (WRITERS, _case_call(
        "/moves", {"to": "inquiry", "reason": "walk"}, 200)),
    ("POST", "/api/v1/cases/{reference}/approval"): ({"supervisor"}, _case_call(
        "/approval", {"reason": "walk"}, 200, "proactive_monitoring")),
    ("POST", "/api/v1/cases/{reference}/team"): ({"supervisor"}, _case_call(
        "/team", {"username": "colleague"}, 200)),
    ("GET", "/api/v1/cases/{reference}/persons"): (READERS, _case_call("/persons", None, 200)),
    ("POST", "/api/v1/cases/{reference}/persons"): (WRITERS, _case_call(
        "/persons", {"role": "witness", "full_name": "W"}, 201)),
    ("POST", "/api/v1/cases/{reference}/persons/{person_id}/identifiers"): (WRITERS, _case_call(
        "/persons/{person}/identifiers", {"kind": "email", "value": "w@example.org"}, 201)),
    ("GET", "/api/v1/cases/{reference}/links"): (READERS, _case_call("/links", None, 200)),
    ("GET", "/api/v1/cases/{reference}/evidence"): (READERS, _case_call("/evidence", None, 200)),
    ("POST", "/api/v1/cases/{reference}/evidence"): (WRITERS, _upload),
    ("GET", "/api/v1/evidence/{sha256}"): (READERS, _item_call("", None, 200)),
    ("GET", "/api/v1/evidence/{sha256}/preview"): (READERS, _item_call("/preview", None, 200)),
    ("POST", "/api/v1/evidence/{sha256}/view"): (READERS, _item_call(
        "/view", {"reason": "compare with the complaint"}, 200)),
    ("GET", "/api/v1/evidence/{sha256}/custody"): (READERS, _item_call("/custody", None, 200)),
    ("POST", "/api/v1/cases/{reference}/evidence/{sha256}/review"): (READERS, _item_call(
        "/evidence/{sha}/review", {"category": "B1"}, 200, in_case=True)),
    ("GET", "/api/v1/cases/{reference}/custody"): (READERS, _case_call("/custody", None, 200)),
    ("POST", "/api/v1/cases/{reference}/evidence/verify"): (READERS, _case_call(
        "/evidence/verify", None, 200)),
    ("GET", "/api/v1/cases/{reference}/chats"): (READERS, _case_call("/chats", None, 200)),
    ("POST", "/api/v1/cases/{reference}/chats"): (WRITERS, _case_call(
        "/chats?filename=result.json", WALK_TELEGRAM, 201)),
    ("GET", "/api/v1/cases/{reference}/chats/{group_id}"): (READERS, _chat_call(
        "/{group}", None, 200)),
    ("GET", "/api/v1/cases/{reference}/chats/{group_id}/members"): (READERS, _chat_call(
        "/{group}/members", None, 200)),
    ("GET", "/api/v1/cases/{reference}/chats/{group_id}/members/{member_id}/timeline"): (
        READERS, _chat_call("/{group}/members/{member}/timeline", None, 200)),
    ("POST", "/api/v1/cases/{reference}/chats/{group_id}/members/{member_id}/decisions"): (
        READERS, _chat_call("/{group}/members/{member}/decisions",
                            {"category": "passive", "reason": "walk check"}, 201)),
    ("GET", "/api/v1/cases/{reference}/chats/{group_id}/export/{kind}"): (READERS, _chat_call(
        "/{group}/export/csv", None, 200)),
    ("POST", "/api/v1/referrals/incoming"): (WRITERS | {"outsider"}, _fixed(
        "/api/v1/referrals/incoming", {"agency": "Walk embassy", "country": "ES"}, 201)),
    ("POST", "/api/v1/platform-reports"): (WRITERS | {"outsider"}, _platform_report),
    ("GET", "/api/v1/cases/{reference}/hits"): (READERS, _case_call("/hits", None, 200)),
    ("POST", "/api/v1/cases/{reference}/attributions"): (WRITERS, _referral_call(
        "/cases/{case}/attributions", {"person_id": "{person}", "country": "GB",
                                       "reason": "walk"}, 201, built=False)),
    ("GET", "/api/v1/referrals"): (READERS | {"outsider"}, _fixed("/api/v1/referrals", None,
                                                                  200)),
    ("POST", "/api/v1/cases/{reference}/referrals"): (WRITERS, _case_call(
        "/referrals", {"country": "ES"}, 201)),
    ("POST", "/api/v1/referrals/{referral_id}/moves"): ({"supervisor"}, _referral_call(
        "/referrals/{referral}/moves", {"to": "approved", "reason": "walk"}, 200)),
    ("POST", "/api/v1/referrals/{referral_id}/media-approval"): ({"supervisor"}, _referral_call(
        "/referrals/{referral}/media-approval", {"reason": "walk"}, 200, built=False)),
    ("POST", "/api/v1/cases/{reference}/packages"): (WRITERS, _referral_call(
        "/cases/{case}/packages", {"country": "ES"}, 201, built=False)),
    ("GET", "/api/v1/referrals/signing-key"): (READERS | {"outsider"}, _fixed(
        "/api/v1/referrals/signing-key", None, 200)),
    ("GET", "/api/v1/stats"): (READERS | {"outsider"}, _fixed("/api/v1/stats", None, 200)),
    ("GET", "/api/v1/stats/{key}.csv"): (READERS | {"outsider"}, _fixed(
        "/api/v1/stats/cases_by_channel.csv", None, 200)),
    ("GET", "/api/v1/cases/{reference}/reporter"): (READERS, _portal_call("/reporter", None,
                                                                          200)),
    ("POST", "/api/v1/cases/{reference}/reporter/messages"): (WRITERS, _portal_call(
        "/reporter/messages", {"body": "walk"}, 201)),
    ("GET", "/api/v1/queue"): ({"supervisor"}, _fixed("/api/v1/queue", None, 200)),
    ("GET", "/api/v1/hashlists"): (READERS | {"outsider", "admin"}, _fixed(
        "/api/v1/hashlists", None, 200)),
    ("POST", "/api/v1/hashlists/{name}/versions"): ({"admin"}, _hashlist_call),
    ("POST", "/api/v1/cases/{reference}/matching/runs"): (WRITERS, _case_call(
        "/matching/runs", {"dihedral": True}, 200)),
    ("GET", "/api/v1/cases/{reference}/matches"): (READERS, _case_call("/matches", None, 200)),
    ("POST", "/api/v1/cases/{reference}/matches/{match_id}/confirmation"): (READERS,
                                                                           _match_call),
    ("GET", "/api/v1/cases/{reference}/review-queue"): (READERS, _case_call(
        "/review-queue", None, 200)),
    ("POST", "/api/v1/cases/{reference}/matching/settled-confirmations"): (READERS, _case_call(
        "/matching/settled-confirmations", None, 200)),
    ("GET", "/api/v1/cases/{reference}/shared-material"): (READERS, _case_call(
        "/shared-material", None, 200)),
    ("GET", "/api/v1/matching/notifications"): (READERS | {"outsider"}, _fixed(
        "/api/v1/matching/notifications", None, 200)),
    ("POST", "/api/v1/matching/notifications/{notification_id}/read"): (READERS,
                                                                        _notice_call),
    ("GET", "/api/v1/matching/new-material"): (READERS | {"outsider"}, _fixed(
        "/api/v1/matching/new-material?format=vics", None, 200)),
}


def _api_routes(client: TestClient) -> set[tuple[str, str]]:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    return {(method.upper(), path) for path, item in paths.items() for method in item}


def test_every_route_has_an_expectation(client: TestClient) -> None:
    assert _api_routes(client) == set(EXPECTED)


@pytest.mark.parametrize("role", ROLES)
def test_every_route_with_every_role(client: TestClient, factory: sessionmaker[Session],
                                     settings: Settings, accounts: dict[str, Account],
                                     role: str) -> None:
    world = World(factory, settings, accounts)
    failures = []
    for (method, _template), (allowed, build) in sorted(EXPECTED.items()):
        path, body, ok_status = build(world, role)
        anonymous = role == "anonymous" or (method, path) == ("POST", "/api/v1/auth/token")
        headers = {} if anonymous else {"Authorization": f"Bearer {world.token(role)}"}
        if body is not None and UPLOAD in body:
            response = client.post(path, data={"source": body[UPLOAD]}, headers=headers,
                                   files=[("files", ("a.txt", b"benign text", "text/plain"))])
        else:
            response = client.request(method, path, json=body, headers=headers)
        if role in allowed:
            expected = ok_status
        elif method == "POST" and path == "/api/v1/auth/token":
            expected = 401
        else:
            expected = 401 if role == "anonymous" and path != "/api/v1/health" else 403
        if response.status_code != expected:
            failures.append(f"{method} {path}: {response.status_code} != {expected} "
                            f"({response.text[:120]})")
    assert failures == []
    with transaction(factory) as session:
        refused = session.query(AuditEvent).filter(AuditEvent.action == "access.refused").count()
    denied_calls = sum(1 for allowed, _ in EXPECTED.values() if role not in allowed)
    login_refusals = 1 if role == "anonymous" else 0
    assert refused == denied_calls - login_refusals
