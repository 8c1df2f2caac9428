"""FastAPI dependencies: a transaction per request and the acting user.

The transaction dependency closes before the response is sent (`scope="function"`), so a client
never sees success for work that was not committed.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.core.actors import Actor
from nigehbaan.core.auth import actor_for, actor_for_api_token, session_for_token, session_ref
from nigehbaan.core.db import transaction
from nigehbaan.core.errors import Forbidden, Unauthenticated
from nigehbaan.core.settings import Settings
from nigehbaan.core.users import WebSession

SESSION_COOKIE = "nigehbaan_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_ROW_ID = 2**31 - 1
"""The largest id an `Integer` key holds (PostgreSQL refuses a larger one outright)."""

RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="a record's id")]
"""A record id in the path: out of range is a 422 naming the parameter, not a database error."""
PageStart = Annotated[int, Query(ge=0, le=MAX_ROW_ID,
                                 description="how many entries of a long list to skip")]
"""Where a page of a long list starts: negative or huge is a 422 naming `start`."""


def _db(request: Request) -> Iterator[Session]:
    with transaction(request.app.state.session_factory) as session:
        yield session


Db = Annotated[Session, Depends(_db, scope="function")]


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(get_settings)]


def _factory(request: Request) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    return factory


def web_session(request: Request) -> WebSession:
    """Who is calling is settled in a short transaction of its own, so a route that runs its own
    units of work (an ingest) never waits behind the request's."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise Unauthenticated("log in first")
    with transaction(_factory(request)) as session:
        web = session_for_token(session, token)
    request.state.actor = actor_for(web.user, session_ref(web))
    return web


def check_csrf(web: WebSession, presented: str | None) -> None:
    if not presented or not secrets.compare_digest(presented, web.csrf_token):
        raise Forbidden("the form or request lacks a valid CSRF token: reload the page")


def _api_actor(request: Request) -> Actor:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        with transaction(_factory(request)) as session:
            actor = actor_for_api_token(session, header[7:].strip())
    elif request.cookies.get(SESSION_COOKIE):
        web = web_session(request)
        if request.method not in SAFE_METHODS:
            check_csrf(web, request.headers.get(CSRF_HEADER))
        actor = actor_for(web.user, session_ref(web))
    else:
        raise Unauthenticated("send 'Authorization: Bearer <token>' or log in")
    request.state.actor = actor
    return actor


CurrentActor = Annotated[Actor, Depends(_api_actor)]
ConsoleSession = Annotated[WebSession, Depends(web_session)]
