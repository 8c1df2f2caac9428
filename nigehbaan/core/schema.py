"""Creating and migrating the database: always through the one Alembic history.

Each capability owns a branch of that history, rooted in the core's first revision (and
`depends_on` the branches whose tables it references), so capabilities can add tables
independently. Upgrading means upgrading every head.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine, revision: str = "heads") -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_heads(engine: Engine) -> frozenset[str]:
    with engine.connect() as connection:
        return frozenset(MigrationContext.configure(connection).get_current_heads())


def script_heads() -> frozenset[str]:
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def is_current(engine: Engine) -> bool:
    """Every head of the history is applied, as a head itself or as a revision an applied one
    `depends_on` (Alembic then records only the dependent revision as current)."""
    current = current_heads(engine)
    revisions = ScriptDirectory.from_config(alembic_config()).revision_map
    try:
        applied = {r.revision for r in revisions.iterate_revisions(
            tuple(current), "base", implicit_base=True)} if current else set()
    except CommandError:  # a revision this code does not know: the database is newer
        return False
    return script_heads() <= applied
