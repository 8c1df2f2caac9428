"""The portal's own database role can file a report and nothing more (PostgreSQL enforces it).

On the SQLite pass the command must refuse clearly: SQLite has no roles to grant to."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, create_engine, make_url, text
from sqlalchemy.exc import ProgrammingError
from typer.testing import CliRunner

from nigehbaan.core.settings import Settings
from nigehbaan.intake.config import PortalConfig
from nigehbaan.intake.portal import create_portal_app
from tests.cli.runner import run
from tests.intake.portal_support import UNIT, come_back, receipt_of, report

ROLE = "nigehbaan_portal_test"


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("NIGEHBAAN_HOME", str(settings.home))
    monkeypatch.setenv("NIGEHBAAN_DATABASE_URL", settings.database_url)
    return CliRunner()


def test_the_portal_role_files_reports_and_reads_nothing_else(
        cli: CliRunner, settings: Settings) -> None:
    url = make_url(settings.effective_database_url)
    if url.get_backend_name() != "postgresql":
        line = run(cli, "portal-grants", "--role", ROLE, code=1)
        assert "PostgreSQL" in line
        return
    assert "not a plain PostgreSQL role name" in run(cli, "portal-grants", "--role",
                                                      "x; DROP TABLE cases", code=1)
    owner = create_engine(url)
    with owner.begin() as connection:
        connection.execute(text(f"DROP OWNED BY {ROLE}") if connection.execute(text(
            "SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": ROLE}).scalar()
            else text(f"CREATE ROLE {ROLE} LOGIN"))
    printed = run(cli, "portal-grants", "--role", ROLE, "--apply")
    assert f"GRANT SELECT ON TABLE statutes TO {ROLE};" in printed
    assert "DELETE" not in printed and "evidence" not in printed

    as_portal = settings.model_copy(update={
        "database_url": url.set(username=ROLE).render_as_string(hide_password=False)})
    with TestClient(create_portal_app(as_portal, PortalConfig(unit=UNIT)),
                    base_url="https://portal.test") as client:
        receipt = receipt_of(report(client, description="Someone added me to a group"))
        assert come_back(client, receipt).send("one more thing").status_code == 200

    limited = create_engine(url.set(username=ROLE))
    try:
        for forbidden in ("SELECT count(*) FROM users", "SELECT count(*) FROM evidence_items",
                          "DELETE FROM portal_reports", "SELECT count(*) FROM chat_members"):
            with limited.connect() as connection, pytest.raises(ProgrammingError,
                                                                match="permission denied"):
                connection.execute(text(forbidden))
    finally:
        limited.dispose()
        with owner.begin() as connection:
            connection.execute(text(f"DROP OWNED BY {ROLE}"))
        owner.dispose()


def test_granting_without_the_owners_rights_is_one_clear_line(
        cli: CliRunner, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    url = make_url(settings.effective_database_url)
    if url.get_backend_name() != "postgresql":
        assert "PostgreSQL" in run(cli, "portal-grants", "--role", ROLE, "--apply", code=1)
        return
    owner = create_engine(url)
    with owner.begin() as connection:
        if not connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"),
                                  {"r": ROLE}).scalar():
            connection.execute(text(f"CREATE ROLE {ROLE} LOGIN"))
        connection.execute(text(f"GRANT USAGE ON SCHEMA {_schema(connection)} TO {ROLE}"))
    try:
        monkeypatch.setenv("NIGEHBAAN_DATABASE_URL", url.set(username=ROLE).render_as_string(
            hide_password=False))
        # a login that cannot even read the schema version: one line, not a traceback
        assert "database refused: permission denied" in run(cli, "portal-grants", "--role",
                                                            ROLE, "--apply", code=1)
        with owner.begin() as connection:
            connection.execute(text(f"GRANT SELECT ON alembic_version TO {ROLE}"))
        line = run(cli, "portal-grants", "--role", ROLE, "--apply", code=1)
        assert "refused" in line and "owner" in line
    finally:
        with owner.begin() as connection:
            connection.execute(text(f"DROP OWNED BY {ROLE}"))
        owner.dispose()


def _schema(connection: Connection) -> str:
    return f'"{connection.execute(text("SELECT current_schema()")).scalar_one()}"'
