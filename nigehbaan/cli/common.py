"""What every command shares: settings, the database, the acting user, errors and output."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import IO, Any, NoReturn, ParamSpec, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from nigehbaan.core.actors import Actor, local_operator
from nigehbaan.core.auth import actor_for, get_user
from nigehbaan.core.credentials import configure_password_hashing
from nigehbaan.core.db import make_engine, make_session_factory, transaction
from nigehbaan.core.errors import DomainError, validation_detail
from nigehbaan.core.schema import is_current
from nigehbaan.core.settings import Settings

P = ParamSpec("P")
R = TypeVar("R")

AsUser = typer.Option("", "--as", envvar="NIGEHBAAN_USER",
                      help="Act as this user (their role and unit apply).")
Json = typer.Option(False, "--json", help="Print JSON instead of text.")


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def settings() -> Settings:
    try:
        config = Settings()
    except ValidationError as error:
        first = error.errors()[0]
        fail(f"configuration NIGEHBAAN_{str(first['loc'][0]).upper()}: {first['msg']}")
    configure_password_hashing(config.password_time_cost, config.password_memory_kib)
    return config


def _first_line(error: DBAPIError) -> str:
    return str(error.orig).strip().splitlines()[0]


def handles_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Bad input ends as one line on stderr and exit code 1, never as a traceback."""

    @wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except DomainError as error:
            fail(error.detail)
        except ValidationError as error:
            fail(validation_detail(error.errors()))
        except OperationalError as error:
            fail(f"database unavailable: {_first_line(error)}")
        except DBAPIError as error:  # e.g. a login without the rights the command needs
            fail(f"database refused: {_first_line(error)}")

    return wrapper


@contextmanager
def database(config: Settings) -> Iterator[Session]:
    """One transaction on an initialised database."""
    engine = make_engine(config.effective_database_url)
    try:
        if not is_current(engine):
            fail("the database is not initialised or is out of date: run 'nigehbaan init'")
        with transaction(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


@contextmanager
def whole_file(out: Path, binary: bool = False) -> Iterator[IO[Any]]:
    """A file that appears at `out` only once everything is written: a command that fails
    halfway leaves no half-written export behind."""
    partial = out.with_name(f".{out.name}.{getpass.getuser()}.part")
    try:
        with (partial.open("wb") if binary
              else partial.open("w", encoding="utf-8", newline="")) as handle:
            yield handle
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)


def acting(session: Session, username: str) -> Actor:
    if not username:
        return local_operator(getpass.getuser())
    return actor_for(get_user(session, username), f"cli:{getpass.getuser()}")


def emit(data: Any, as_json: bool, text: Callable[[], str]) -> None:
    if as_json:
        typer.echo(json.dumps(_plain(data), indent=2, ensure_ascii=False, default=str))
    else:
        typer.echo(text())


def _plain(data: Any) -> Any:
    if isinstance(data, BaseModel):
        return data.model_dump(mode="json")
    if isinstance(data, list):
        return [_plain(item) for item in data]
    return data


def read_secret(prompt: str) -> str:
    """A password from stdin when piped, else from a hidden prompt asked twice."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    value: str = typer.prompt(prompt, hide_input=True, confirmation_prompt=True)
    return value
