"""`nigehbaan user …`: accounts for people and tokens for scripts."""

from __future__ import annotations

import typer

from nigehbaan.cli.common import (
    AsUser,
    Json,
    acting,
    database,
    emit,
    handles_errors,
    read_secret,
    settings,
)
from nigehbaan.core import auth
from nigehbaan.core.credentials import totp_uri

app = typer.Typer(help="Users and API tokens.", no_args_is_help=True)


@app.command("add")
@handles_errors
def add(name: str, role: str = typer.Option(..., "--role", help="analyst, investigator, "
                                            "supervisor, auditor or admin"),
        unit: str = typer.Option("", "--unit"), as_user: str = AsUser,
        as_json: bool = Json) -> None:
    """Create a user; the password comes from stdin or a prompt."""
    config = settings()
    auth.parse_role(role)
    password = read_secret("Password")
    with database(config) as session:
        created = auth.create_user(session, acting(session, as_user), name, role, password,
                                   unit=unit)
        secret = created.totp_secret
        uri = totp_uri(secret, name, config.unit_name) if secret else ""
    data = {"username": name, "role": role, "unit": unit, "totp_secret": secret, "totp_uri": uri}
    emit(data, as_json, lambda: f"created {name} ({role})" + (
        f"\nsecond factor secret (enter it in an authenticator app): {secret}\n{uri}"
        if secret else ""))


@app.command("token")
@handles_errors
def token(name: str, label: str = typer.Option("script", "--label"), as_json: bool = Json) -> None:
    """Issue an API token for a user (shown once)."""
    with database(settings()) as session:
        user = auth.get_user(session, name)
        value = auth.issue_api_token(session, user, label, acting(session, ""))
    emit({"username": name, "token": value}, as_json, lambda: value)
