"""The portal's own PostgreSQL role: the database itself keeps the portal to the intake tables.

The portal faces the internet; if it is ever compromised, its database login should open
nothing but what a report needs. `ALLOWED_TABLES` (checked against the SQL the portal really
runs, tests/intake/test_portal_privacy.py) becomes GRANTs for a role of the deployment's
choosing: read and write on those tables, read-only on the statute catalogue, never DELETE,
nothing else (no evidence, no chats, no users). SQLite has no roles, so this is PostgreSQL only.
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from nigehbaan.core.errors import Invalid
from nigehbaan.intake.portal.app import ALLOWED_TABLES

READ_ONLY = frozenset({"statutes"})
OWNED_SEQUENCES = text(
    "SELECT s.oid::regclass::text FROM pg_class s "
    "JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') "
    "JOIN pg_class t ON t.oid = d.refobjid "
    "WHERE s.relkind = 'S' AND t.relname = :table ORDER BY 1")
"""Sequences behind serial and identity columns of a table."""
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _role(role: str) -> str:
    if not ROLE_NAME.match(role):
        raise Invalid(f"--role: {role!r} is not a plain PostgreSQL role name "
                      "(lower-case letters, digits, _)")
    return role


def grant_statements(engine: Engine, role: str) -> list[str]:
    """The GRANTs, including the id sequences of the tables the portal inserts into."""
    role = _role(role)
    if engine.dialect.name != "postgresql":
        raise Invalid("portal grants apply to PostgreSQL; SQLite has no database roles")
    statements = []
    with engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
        quoted = engine.dialect.identifier_preparer.quote(schema)
        statements.append(f"GRANT USAGE ON SCHEMA {quoted} TO {role};")
        for table in sorted(ALLOWED_TABLES):
            rights = "SELECT" if table in READ_ONLY else "SELECT, INSERT, UPDATE"
            statements.append(f"GRANT {rights} ON TABLE {table} TO {role};")
            if table not in READ_ONLY:
                statements.extend(f"GRANT USAGE ON SEQUENCE {sequence} TO {role};"
                                  for sequence in connection.execute(OWNED_SEQUENCES,
                                                                     {"table": table}).scalars())
    return statements


def apply_grants(engine: Engine, role: str) -> list[str]:
    """Run the GRANTs in one transaction (as the tables' owner); the role must exist."""
    statements = grant_statements(engine, role)
    with engine.begin() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :role"),
                                    {"role": role}).scalar()
        if not exists:
            raise Invalid(f"--role: no PostgreSQL role {role!r}; create it first "
                          f"(CREATE ROLE {role} LOGIN PASSWORD '…')")
        for statement in statements:
            try:
                connection.execute(text(statement))
            except DBAPIError as error:  # e.g. not the tables' owner: say which GRANT, not how
                reason = str(error.orig).strip().splitlines()[0]
                raise Invalid(f"{statement} refused: {reason} (run it as the tables' "
                              "owner)") from None
    return statements
