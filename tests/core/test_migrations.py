"""The one Alembic history builds exactly the models' schema, and unwinds, on both databases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from nigehbaan.core.db import make_engine
from nigehbaan.core.schema import downgrade, is_current, migrate
from nigehbaan.models import Base
from tests.support import POSTGRES_URL, backend


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Engine]:
    if backend() == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'scratch.db'}")
        yield engine
        engine.dispose()
        return
    schema = f"nh_scratch_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(f"{POSTGRES_URL}?options=-csearch_path%3D{schema}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_upgrade_matches_models_and_downgrade_unwinds(scratch: Engine) -> None:
    migrate(scratch)
    assert is_current(scratch)
    with scratch.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
    downgrade(scratch, "base")
    assert set(inspect(scratch).get_table_names()) <= {"alembic_version"}
    migrate(scratch)
    assert "cases" in inspect(scratch).get_table_names()
