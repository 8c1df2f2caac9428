"""API routes of chat groups: import, members with triage, timelines, decisions, exports.

An export is uploaded as the raw request body (`?filename=` names it, so `.zip`, `.txt` and
`.json` are told apart); it is spooled to a temporary file and never held in memory whole.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from nigehbaan.chats import exports, importer, queries
from nigehbaan.chats.views import (
    DecisionIn,
    DecisionView,
    GroupView,
    ImportView,
    MemberView,
    TimelineEntry,
)
from nigehbaan.core.errors import Invalid
from nigehbaan.web.deps import AppSettings, CurrentActor, Db

router = APIRouter(tags=["chats"])
MAX_UPLOAD = 2 << 30


async def spool(request: Request, folder: str, filename: str) -> Path:
    name = Path(filename or "export.txt").name or "export.txt"
    target = Path(folder) / name
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


@router.post("/cases/{reference}/chats", response_model=ImportView, status_code=201)
async def group_import(reference: str, request: Request, response: Response, actor: CurrentActor,
                       db: Db, settings: AppSettings, filename: str = "export.txt",
                       date_order: Literal["dmy", "mdy"] | None = None,
                       owner: str | None = None) -> ImportView:
    with tempfile.TemporaryDirectory(prefix="nigehbaan-chat-") as folder:
        path = await spool(request, folder, filename)
        outcome = await run_in_threadpool(
            importer.import_export, db, actor, reference, path, date_order=date_order,
            owner=owner, default_region=settings.default_region, source_name=filename)
    if not outcome.created:
        response.status_code = 200
    return ImportView(created=outcome.created,
                      group=queries.group_view(outcome.group, reference.upper()))


@router.get("/cases/{reference}/chats/{group_id}", response_model=GroupView)
def group_show(reference: str, group_id: int, actor: CurrentActor, db: Db) -> GroupView:
    return queries.group_view(queries.load_group(db, actor, reference, group_id),
                              reference.upper())


@router.get("/cases/{reference}/chats/{group_id}/members", response_model=list[MemberView])
def member_list(reference: str, group_id: int, actor: CurrentActor, db: Db, triage: str = "",
                country: str = "", indicator: str = "",
                sort: str = Query(default="triage")) -> list[MemberView]:
    return queries.members(db, actor, reference, group_id, triage=triage, country=country,
                           indicator=indicator, sort=sort)


@router.get("/cases/{reference}/chats/{group_id}/members/{member_id}/timeline",
            response_model=list[TimelineEntry])
def member_timeline(reference: str, group_id: int, member_id: int, actor: CurrentActor,
                    db: Db) -> list[TimelineEntry]:
    return queries.timeline(db, actor, reference, group_id, member_id)[1]


@router.post("/cases/{reference}/chats/{group_id}/members/{member_id}/decisions",
             response_model=DecisionView, status_code=201)
def member_decide(reference: str, group_id: int, member_id: int, body: DecisionIn,
                  actor: CurrentActor, db: Db) -> DecisionView:
    row = queries.decide(db, actor, reference, group_id, member_id, body)
    return DecisionView.model_validate(row, from_attributes=True)


@router.get("/cases/{reference}/chats/{group_id}/export/{kind}")
def group_export(reference: str, group_id: int, kind: Literal["csv", "graphml", "gexf"],
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
