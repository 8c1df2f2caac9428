"""`nigehbaan portal`: the public reporting portal, as its own process.

Served with uvicorn's access log off and proxy headers ignored: an access log is exactly the
record of who reported (address, time, user agent) that the portal promises not to keep.
"""

from __future__ import annotations

from typing import Any

import typer
import uvicorn
from pydantic import ValidationError

from nigehbaan.cli.common import database, fail, handles_errors, settings
from nigehbaan.core.db import make_engine
from nigehbaan.intake import grants
from nigehbaan.intake.config import PortalConfig
from nigehbaan.intake.keys import PortalKeyError
from nigehbaan.intake.portal import create_portal_app

SERVER_OPTIONS: dict[str, Any] = {"access_log": False, "proxy_headers": False,
                                  "server_header": False, "log_level": "warning"}


def _config() -> PortalConfig:
    try:
        return PortalConfig()
    except ValidationError as error:
        first = error.errors()[0]
        fail(f"configuration NIGEHBAAN_PORTAL_{str(first['loc'][0]).upper()}: {first['msg']}")


@handles_errors
def portal(host: str = typer.Option("127.0.0.1", "--host"),
           port: int = typer.Option(8080, "--port")) -> None:
    """Serve the public reporting portal (separately deployable from the console)."""
    config = settings()
    with database(config):
        pass
    try:
        app = create_portal_app(config, _config())
    except PortalKeyError as error:
        fail(str(error))
    uvicorn.run(app, host=host, port=port, **SERVER_OPTIONS)


@handles_errors
def portal_grants(role: str = typer.Option(..., "--role", help="The portal's database role."),
                  apply: bool = typer.Option(False, "--apply",
                                             help="Run them (as the tables' owner).")) -> None:
    """Print (or apply) the PostgreSQL GRANTs that keep the portal's role to intake tables."""
    config = settings()
    with database(config):
        pass
    engine = make_engine(config.effective_database_url)
    try:
        statements = (grants.apply_grants if apply else grants.grant_statements)(engine, role)
    finally:
        engine.dispose()
    typer.echo("\n".join(statements))
