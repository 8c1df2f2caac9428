"""The portal's privacy and safety promises, each checked: nothing about the reporter's request
is kept, nothing is cached or fetched from elsewhere, no cookie, no history, only its tables."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from nigehbaan.cli.main import app as cli_app
from nigehbaan.core.db import transaction
from nigehbaan.core.settings import Settings
from nigehbaan.intake.portal.app import ALLOWED_TABLES
from nigehbaan.intake.portal.rendering import TEMPLATES
from nigehbaan.models import Base
from tests.intake.portal_support import come_back, receipt_of, report

UA = "Canary-Agent/7.3 (unique-ua-marker)"
FORWARDED = "203.0.113.77"
CANARIES = [UA, "unique-ua-marker", FORWARDED, "testclient", "portal.test"]
PAGES = ["/", "/ur/", "/en/", "/ur/report", "/en/report", "/en/return", "/ur/return",
         "/en/help/added-to-a-group", "/ur/help/leave-and-report", "/en/help/keep-evidence",
         "/ur/help/get-help", "/health", "/static/js/pdq.js", "/static/css/portal.css",
         "/nowhere", "/xx/report", "/en/help/nowhere", "/favicon.ico"]


def full_visit(client: TestClient, lang: str = "en") -> None:
    receipt = receipt_of(report(client, lang, description="they shared a photo",
                                people="+92 300 1234567", contact="0300 7654321",
                                reporter_role="child"))
    client.post(f"/{lang}/report", data={"step": "confirm", "saved": "yes",
                                         "receipt": receipt.replace(" ", "")})
    visit = come_back(client, receipt, lang)
    visit.send("hello")
    client.post(f"/{lang}/return", data={"action": "open", "receipt": "0" * 16})


def dump(factory: sessionmaker[Session]) -> str:
    parts: list[str] = []
    with transaction(factory) as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(select(table)):
                parts.append(repr(tuple(row)))
    return "\n".join(parts)


def test_no_address_or_user_agent_in_the_database_or_the_logs(
        portal: TestClient, factory: sessionmaker[Session],
        caplog: pytest.LogCaptureFixture) -> None:
    portal.headers.update({"User-Agent": UA, "X-Forwarded-For": FORWARDED,
                           "X-Real-IP": FORWARDED, "Forwarded": f"for={FORWARDED}"})
    with caplog.at_level(logging.DEBUG):
        full_visit(portal)
    stored = dump(factory)
    assert "they shared a photo" in stored  # the dump does see the report
    assert [c for c in CANARIES if c in stored] == []
    server_side = [r for r in caplog.records if not r.name.startswith("httpx")]  # the client's
    logged = "\n".join(r.getMessage() + str(r.args) for r in server_side)
    assert [c for c in CANARIES if c in logged] == []
    assert "they shared a photo" not in logged


def test_the_app_never_sees_the_client_address(portal_app: FastAPI) -> None:
    seen: list[Any] = []

    @portal_app.get("/probe/the/request/now")
    def probe(request: Request) -> dict[str, str]:
        seen.append((request.client, request.headers.get("x-forwarded-for")))
        return {}

    with TestClient(portal_app) as client:
        assert client.get("/probe/the/request/now",
                          headers={"X-Forwarded-For": FORWARDED}).status_code == 200
    assert seen == [(None, None)]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_is_uncached_strict_and_cookieless(portal: TestClient,
                                                          path: str) -> None:
    response = portal.get(path)
    assert response.headers["cache-control"] == "no-store"
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "form-action 'self'" in csp
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "set-cookie" not in response.headers and "server" not in response.headers
    assert "Traceback" not in response.text


def test_posts_set_no_cookie_either(portal: TestClient) -> None:
    sent = report(portal, description="x")
    assert "set-cookie" not in sent.headers and sent.headers["cache-control"] == "no-store"
    assert len(portal.cookies) == 0


def test_templates_fetch_nothing_from_elsewhere_and_run_no_inline_code() -> None:
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text("utf-8")
        assert "http://" not in text and "https://" not in text and "//" not in text.replace(
            "<!--", ""), path.name
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path.name
        assert not re.search(r"\son[a-z]+\s*=", text), path.name
        assert " style=" not in text and "<style" not in text, path.name


def test_forms_post_to_the_page_they_are_on(portal: TestClient) -> None:
    """A submission never changes the address bar: nothing new lands in the history."""
    for lang in ("en", "ur"):
        for path in (f"/{lang}/report", f"/{lang}/return"):
            actions = re.findall(r'<form[^>]*action="([^"]+)"', portal.get(path).text)
            assert actions == [path]
        sent = report(portal, lang, description="x")
        assert re.findall(r'<form[^>]*action="([^"]+)"', sent.text) == [f"/{lang}/report"]
        visit = come_back(portal, receipt_of(sent), lang)
        assert set(re.findall(r'<form[^>]*action="([^"]+)"', visit.page.text)) == {
            f"/{lang}/return"}
        assert 'method="get"' not in visit.page.text.lower()


def test_the_portal_touches_only_its_tables(portal_app: FastAPI, portal: TestClient,
                                            accounts: Any) -> None:
    statements: list[str] = []

    def capture(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement.lower())

    event.listen(portal_app.state.engine, "before_cursor_execute", capture)
    try:
        full_visit(portal, "ur")
    finally:
        event.remove(portal_app.state.engine, "before_cursor_execute", capture)
    touched = {name for name in Base.metadata.tables
               if any(re.search(rf'\b"?{name}"?\b', s) for s in statements)}
    assert "portal_reports" in touched and "cases" in touched
    assert touched <= ALLOWED_TABLES, touched - ALLOWED_TABLES
    assert not touched & {"users", "web_sessions", "api_tokens"}


def test_portal_command_serves_without_an_access_log(
        monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    served: dict[str, Any] = {}
    monkeypatch.setattr("nigehbaan.cli.portal.uvicorn.run",
                        lambda app, **options: served.update(app=app, **options))
    monkeypatch.setenv("NIGEHBAAN_HOME", str(settings.home))
    monkeypatch.setenv("NIGEHBAAN_DATABASE_URL", settings.effective_database_url)
    result = CliRunner().invoke(cli_app, ["portal", "--port", "8099"])
    assert result.exit_code == 0, result.output
    assert served["access_log"] is False and served["proxy_headers"] is False
    assert served["server_header"] is False and served["port"] == 8099
    assert served["app"].title == "Nigehbaan portal"
    assert (settings.home / "keys" / "portal.key").stat().st_mode & 0o077 == 0


def test_portal_command_refuses_a_key_others_can_read(
        monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    key = settings.home / "loose.key"
    key.write_bytes(b"k" * 32)
    key.chmod(0o644)
    monkeypatch.setattr("nigehbaan.cli.portal.uvicorn.run", lambda app, **options: None)
    monkeypatch.setenv("NIGEHBAAN_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("NIGEHBAAN_PORTAL_KEY_FILE", str(key))
    result = CliRunner().invoke(cli_app, ["portal"])
    assert result.exit_code == 1 and "0600" in result.output
