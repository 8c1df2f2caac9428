"""Creating, serving and demonstrating an instance."""

from __future__ import annotations

import getpass
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

import typer
import uvicorn

from nigehbaan.cases import statutes
from nigehbaan.cli.common import database, fail, handles_errors, settings
from nigehbaan.core import auth
from nigehbaan.core.actors import local_operator
from nigehbaan.core.credentials import totp_uri
from nigehbaan.core.db import make_engine, make_session_factory
from nigehbaan.core.schema import migrate
from nigehbaan.core.settings import Settings
from nigehbaan.intake.receipts import grouped
from nigehbaan.synth import load, scenario
from nigehbaan.synth.showcase import Showcase, build_showcase
from nigehbaan.web.app import create_app

statutes_app = typer.Typer(help="The statute catalogue.", no_args_is_help=True)
DEMO_MARKER = ".nigehbaan-demo"
DEMO_UNIT = "Cybercrime Wing Lahore"


def initialise(config: Settings) -> None:
    config.home.mkdir(parents=True, exist_ok=True)
    engine = make_engine(config.effective_database_url)
    try:
        migrate(engine)
    finally:
        engine.dispose()
    with database(config) as session:
        statutes.load_catalogue(session, local_operator(getpass.getuser()),
                                statutes.shipped_catalogue())


@handles_errors
def init() -> None:
    """Create or migrate the database and the data folder; load the shipped statutes."""
    config = settings()
    initialise(config)
    typer.echo(f"ready: {config.effective_database_url.split('@')[-1]} (home {config.home})")


@statutes_app.command("load")
@handles_errors
def statutes_load(path: Path) -> None:
    """Load a unit's own statute catalogue (JSON, same shape as the shipped one)."""
    catalogue = statutes.read_catalogue(path)
    with database(settings()) as session:
        count = statutes.load_catalogue(session, local_operator(getpass.getuser()), catalogue)
    typer.echo(f"loaded {count} statutes")


@handles_errors
def serve(host: str = typer.Option("127.0.0.1", "--host"),
          port: int = typer.Option(8000, "--port")) -> None:
    """Serve the investigator console and the API."""
    config = settings()
    with database(config):
        pass
    uvicorn.run(create_app(config), host=host, port=port, log_level="info")


def _fresh_demo_home(home: Path) -> Path:
    folder = home / "demo"
    if folder.exists():
        if not (folder / DEMO_MARKER).exists():
            fail(f"{folder} exists and is not a demo folder: move it away or set NIGEHBAAN_HOME")
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / DEMO_MARKER).write_text("created by 'nigehbaan demo'; deleted by the next one\n")
    return folder


DEMO_USERS = [("demo.investigator", "investigator"), ("demo.analyst", "analyst"),
              ("demo.supervisor", "supervisor"), ("demo.auditor", "auditor"),
              ("demo.admin", "admin")]


@dataclass(frozen=True, slots=True)
class Demo:
    config: Settings
    logins: dict[str, tuple[str, str | None]]
    """Username: (password, TOTP secret or None)."""
    showcase: Showcase


def build_demo(base: Settings, seed: int) -> Demo:
    """A fresh embedded instance with demo users, a synthetic register and a worked example."""
    config = base.model_copy(update={"home": _fresh_demo_home(base.home), "database_url": ""})
    initialise(config)
    logins: dict[str, tuple[str, str | None]] = {}
    with database(config) as session:
        operator = local_operator(getpass.getuser())
        actors = {}
        for username, role in DEMO_USERS:
            password = secrets.token_urlsafe(9)
            created = auth.create_user(session, operator, username, role, password,
                                       unit=DEMO_UNIT)
            logins[username] = (password, created.totp_secret)
            actors[role] = auth.actor_for(created.user, "cli:demo")
        load.load_cases(session, scenario.build(seed), config, actors["investigator"],
                        actors["supervisor"])
    engine = make_engine(config.effective_database_url)
    try:
        example = build_showcase(make_session_factory(engine), config, config.home / "showcase",
                                 seed, investigator=actors["investigator"],
                                 admin=actors["admin"], unit=DEMO_UNIT)
    finally:
        engine.dispose()
    return Demo(config, logins, example)


@handles_errors
def demo(host: str = typer.Option("127.0.0.1", "--host"),
         port: int = typer.Option(8000, "--port"), seed: int = typer.Option(7, "--seed"),
         no_serve: bool = typer.Option(False, "--no-serve", help="Build it, do not serve it.")
         ) -> None:
    """A fresh embedded instance with a synthetic scenario, served on http://HOST:PORT."""
    built = build_demo(settings(), seed)
    config, logins, example = built.config, built.logins, built.showcase
    typer.echo(f"demo instance: {config.home}")
    typer.echo(f"console: http://{host}:{port}/   API docs: http://{host}:{port}/api/docs")
    for username, (password, secret) in logins.items():
        line = f"  login {username:<18} password {password}"
        if secret:
            line += f"   one-time-code secret {secret} ({totp_uri(secret, username, 'Nigehbaan')})"
        typer.echo(line)
    typer.echo(
        f"worked example: {example.reference}, a seized phone: its {example.files} files in "
        f"the vault (and its chat export), matched against a {example.listed}-entry hotline "
        f"list; its WhatsApp group of "
        f"{example.members} members triaged; pictures shared with {example.linked} (a referral "
        f"from Spain); a child's own picture, reported by its fingerprints in "
        f"{example.reported}, found on it.\n"
        f"  the child's receipt code: {grouped(example.receipt)} (status page: run "
        f"'NIGEHBAAN_HOME={config.home} nigehbaan portal', open http://127.0.0.1:8080/)")
    typer.echo("start with demo.investigator (no one-time code needed).")
    if not no_serve:
        uvicorn.run(create_app(config), host=host, port=port, log_level="warning")
