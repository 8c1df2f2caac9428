"""API routes of chat groups: import, members with triage, timelines, decisions, exports.

An export is uploaded as the raw request body (`?filename=` names it, so `.zip`, `.txt` and
`.json` are told apart); it is spooled to a temporary file and never held in memory whole.
Its attached media go to the case's evidence vault too, unless `?media=false`.
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from nigehbaan.chats import exports, queries, vaulting
from nigehbaan.chats.views import (
    DecisionIn,
    DecisionView,
    GroupView,
    ImportView,
    MemberView,
    TimelineEntry,
)
from nigehbaan.core.actors import Actor
from nigehbaan.core.errors import Invalid
from nigehbaan.core.settings import Settings
from nigehbaan.web.deps import AppSettings, CurrentActor, Db, PageStart, RowId

router = APIRouter(tags=["chats"])

MAX_UPLOAD = 2 << 30
MAX_NAME_BYTES = 255
"""The longest file name the spool folder's file system takes (in bytes, not characters)."""


def spool_name(filename: str) -> str:
    """The export's own name, as a file name the spool folder takes: the last path part, not
    `.` or `..`, shortened (keeping its suffix, which tells the format) to fit."""
    name = Path(filename or "export.txt").name
    if name in ("", ".", ".."):
        return "export.txt"
    if len(name.encode()) <= MAX_NAME_BYTES:
        return name
    suffix = Path(name).suffix
    if len(suffix.encode()) > 16:
        suffix = ""
    room = MAX_NAME_BYTES - len(suffix.encode())
    stem = name[:len(name) - len(suffix)].encode()[:room].decode("utf-8", "ignore")
    return stem + suffix


async def spool(request: Request, folder: str, filename: str) -> Path:
    target = Path(folder) / spool_name(filename)
    size = 0
    with target.open("wb") as sink:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_UPLOAD:
                raise Invalid("the export is larger than 2 GiB")
            sink.write(chunk)
    return target


@router.get("/cases/{reference}/chats", response_model=list[GroupView])
def group_list(reference: str, actor: CurrentActor, db: Db) -> list[GroupView]:
    return queries.list_groups(db, actor, reference)


def import_spooled(request: Request, actor: Actor, settings: Settings, reference: str,
                   path: Path, **options: Any) -> ImportView:
    """An uploaded export, chat and media, in units of work of its own (`chats.vaulting`):
    the request holds no transaction open while the media are analysed."""
    factory = request.app.state.session_factory
    try:
        with ThreadPoolExecutor(1) as pool:
            done = vaulting.import_chat(factory, actor, reference, path, settings,
                                        executor=pool, **options)
    except Invalid as error:  # name the upload, not where the server spooled it
        raise Invalid(error.detail.replace(f"{path.parent}{os.sep}", "")) from None
    return vaulting.import_view(factory, actor, reference, done)


@router.post("/cases/{reference}/chats", response_model=ImportView, status_code=201)
async def group_import(reference: str, request: Request, response: Response, actor: CurrentActor,
                       settings: AppSettings, filename: str = "export.txt",
                       date_order: Literal["dmy", "mdy"] | None = None,
                       owner: str | None = None, media: bool = True) -> ImportView:
    """`media=false` imports the chat only; by default its attached media go to the vault."""
    with tempfile.TemporaryDirectory(prefix="nigehbaan-chat-") as folder:
        path = await spool(request, folder, filename)
        view = await run_in_threadpool(
            import_spooled, request, actor, settings, reference, path, media=media,
            date_order=date_order, owner=owner, source_name=filename)
    if not view.created:
        response.status_code = 200
    return view


@router.get("/cases/{reference}/chats/{group_id}", response_model=GroupView)
def group_show(reference: str, group_id: RowId, actor: CurrentActor, db: Db) -> GroupView:
    return queries.group_view(queries.load_group(db, actor, reference, group_id),
                              reference.upper())


@router.get("/cases/{reference}/chats/{group_id}/members", response_model=list[MemberView])
def member_list(reference: str, group_id: RowId, actor: CurrentActor, db: Db, triage: str = "",
                country: str = "", indicator: str = "",
                sort: str = Query(default="triage")) -> list[MemberView]:
    return queries.members(db, actor, reference, group_id, triage=triage, country=country,
                           indicator=indicator, sort=sort)


@router.get("/cases/{reference}/chats/{group_id}/members/{member_id}/timeline",
            response_model=list[TimelineEntry])
def member_timeline(reference: str, group_id: RowId, member_id: RowId, actor: CurrentActor,
                    db: Db, start: PageStart = 0,
                    limit: int = Query(default=queries.TIMELINE_PAGE, ge=1, le=5000)
                    ) -> list[TimelineEntry]:
    """Every record the member's indicators cite and all their system events, with `limit` of
    their messages from the `start`-th (their count is the member's `messages`)."""
    return queries.timeline(db, actor, reference, group_id, member_id, start=start,
                            limit=limit)[1].entries


@router.post("/cases/{reference}/chats/{group_id}/members/{member_id}/decisions",
             response_model=DecisionView, status_code=201)
def member_decide(reference: str, group_id: RowId, member_id: RowId, body: DecisionIn,
                  actor: CurrentActor, db: Db) -> DecisionView:
    row = queries.decide(db, actor, reference, group_id, member_id, body)
    return DecisionView.model_validate(row, from_attributes=True)


@router.get("/cases/{reference}/chats/{group_id}/export/{kind}", response_class=Response,
            responses={200: {"content": {"text/csv": {}, "application/xml": {}}}})
def group_export(reference: str, group_id: RowId, kind: Literal["csv", "graphml", "gexf"],
                 actor: CurrentActor, db: Db) -> Response:
    return export_response(db, actor, reference, group_id, kind)


def export_response(db: Db, actor: CurrentActor, reference: str, group_id: int,
                    kind: str) -> Response:
    views = queries.members(db, actor, reference, group_id, sort="name")
    if kind == "csv":
        body, media = exports.members_csv(views), "text/csv"
    else:
        g = exports.graph(db, group_id, views)
        body = exports.graphml(g) if kind == "graphml" else exports.gexf(g)
        media = "application/xml"
    name = f"{reference.upper()}-chat-{group_id}-{'members' if kind == 'csv' else 'network'}"
    return Response(body, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{name}.{kind}"'})
