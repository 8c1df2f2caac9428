"""Alembic environment: migrations run on the connection that `nigehbaan.core.schema` passes."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext

from nigehbaan.core.db import UTCDateTime
from nigehbaan.models import Base


def _render_item(kind: str, obj: Any, autogen: AutogenContext) -> str | Literal[False]:
    """Migrations spell our column types in plain SQLAlchemy, so they never import app code."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through nigehbaan.core.schema.migrate()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
    render_item=_render_item,
)
with context.begin_transaction():
    context.run_migrations()
