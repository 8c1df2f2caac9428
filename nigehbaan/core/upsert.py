"""The two portable upserts the schema needs, spelled per dialect by SQLAlchemy's own builders."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def _insert_for(session: Session, table: Table) -> Any:
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table)


def insert_ignore(session: Session, table: Table, values: dict[str, Any]) -> None:
    """Insert a row unless its key exists; safe under concurrent writers."""
    session.execute(_insert_for(session, table).values(**values).on_conflict_do_nothing())


def increment(session: Session, table: Table, key: dict[str, Any], column: str) -> int:
    """Atomically add one to `column` of the row at `key` (created at 1) and return the new value.

    A single INSERT .. ON CONFLICT DO UPDATE .. RETURNING holds the row lock until commit, so two
    transactions can never receive the same number.
    """
    stmt = _insert_for(session, table).values(**key, **{column: 1})
    stmt = stmt.on_conflict_do_update(
        index_elements=list(key), set_={column: table.c[column] + 1}
    ).returning(table.c[column])
    return int(session.execute(stmt).scalar_one())
