"""Fixtures over a real database: a SQLite file, or a PostgreSQL schema made for this run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import settings as hypothesis_settings
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.cases import statutes
from nigehbaan.core import auth
from nigehbaan.core.actors import Actor, local_operator
from nigehbaan.core.credentials import configure_password_hashing
from nigehbaan.core.db import make_engine, make_session_factory, scratch_schema, transaction
from nigehbaan.core.schema import migrate
from nigehbaan.core.settings import Settings
from nigehbaan.models import Base
from nigehbaan.web.app import create_app
from tests.support import POSTGRES_URL, Account, backend

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
UNIT = "Unit A"
OTHER_UNIT = "Unit B"
PEOPLE = [
    ("admin", "admin", UNIT), ("supervisor", "supervisor", UNIT),
    ("investigator", "investigator", UNIT), ("analyst", "analyst", UNIT),
    ("auditor", "auditor", UNIT), ("outsider", "investigator", OTHER_UNIT),
    ("colleague", "investigator", UNIT),
]


hypothesis_settings.register_profile("nigehbaan", derandomize=True, database=None,
                                    deadline=None)
hypothesis_settings.load_profile("nigehbaan")
"""Property tests explore the same examples on every run: the suite stays deterministic."""

FAST_HASHING = {"NIGEHBAAN_PASSWORD_TIME_COST": "1", "NIGEHBAAN_PASSWORD_MEMORY_KIB": "1024"}
"""Argon2 at production cost would spend most of the suite's time hashing test passwords."""


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing() -> None:
    os.environ.update(FAST_HASHING)
    configure_password_hashing(1, 1024)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if backend() == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'nigehbaan.db'}"
        return
    with scratch_schema(POSTGRES_URL, f"nh_test_{os.getpid()}") as url:
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


def _empty(engine: Engine) -> None:
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{name}"' for name in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                connection.execute(text(f'DELETE FROM "{name}"'))


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    _empty(engine)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        statutes.load_catalogue(session, local_operator("test"), statutes.shipped_catalogue())
    return factory


@pytest.fixture
def settings(database_url: str, tmp_path: Path, factory: sessionmaker[Session]) -> Settings:
    return Settings(home=tmp_path, database_url=database_url, password_time_cost=1,
                    password_memory_kib=1024)


@pytest.fixture
def operator() -> Actor:
    return local_operator("test")


@pytest.fixture
def accounts(factory: sessionmaker[Session], operator: Actor) -> dict[str, Account]:
    made: dict[str, Account] = {}
    with transaction(factory) as session:
        for username, role, unit in PEOPLE:
            password = f"{username}-password-1"
            created = auth.create_user(session, operator, username, role, password, unit=unit)
            token = auth.issue_api_token(session, created.user, "tests", operator)
            made[username] = Account(username, password, role, unit, created.totp_secret,
                                     auth.actor_for(created.user, "test"), token)
    return made


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="https://testserver") as test_client:
        yield test_client


@pytest.fixture
def session(factory: sessionmaker[Session]) -> Iterator[Session]:
    with transaction(factory) as session:
        yield session


CHROMIUM = "/usr/bin/chromium"
BROWSER_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium, one per run: Playwright's sync API allows one instance at a time.
    Missing chromium is a failure, never a skip."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_FLAGS)
        yield launched
        launched.close()
