"""Database plumbing: the declarative base, engines, sessions and one-transaction units of work.

SQLite and PostgreSQL run the same models and the same Alembic history. On SQLite every
transaction starts with `BEGIN IMMEDIATE`: nearly every request writes (the audit log), and taking
the write lock up front turns would-be deadlocks between readers-turned-writers into short waits.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from nigehbaan.core.clock import as_utc

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in, timezone-aware UTC out, whatever the backend keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


@contextmanager
def scratch_schema(server_url: str, prefix: str) -> Iterator[str]:
    """A PostgreSQL schema that lives only for the block: the URL of a database whose tables
    go into it. Tests and benchmarks share one real server without touching each other's data
    or leaving any behind."""
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = make_engine(server_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{server_url}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


IN_CHUNK = 500
"""Values per `IN (...)` list: SQLite allows 32,766 bound parameters, PostgreSQL 65,535, and a
case can cite far more rows than either."""
_T = TypeVar("_T")


def in_chunks(values: Sequence[_T], size: int = IN_CHUNK) -> Iterator[Sequence[_T]]:
    """`values` a slice at a time, for queries filtering on `column.in_(chunk)`."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


_Key = TypeVar("_Key", int, str)


def distinct_chunks(values: Iterable[_Key]) -> Iterator[Sequence[_Key]]:
    """`in_chunks` of the distinct `values` in order: ids or hashes gathered from many rows,
    each looked up once, and a chunked query ordered by them stays in order when merged."""
    return in_chunks(sorted(set(values)))


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: committed as a whole or not at all."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
