"""API routes of known-material matching."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from nigehbaan.core.actors import Actor
from nigehbaan.core.db import transaction
from nigehbaan.core.inputs import TextIn
from nigehbaan.core.settings import Settings
from nigehbaan.evidence.store import open_vault
from nigehbaan.matching import (
    catalogue,
    engine,
    export,
    grouped,
    links,
    lists,
    notices,
    review,
)
from nigehbaan.matching.lists import ImportReport, ListOptions
from nigehbaan.matching.search import Options
from nigehbaan.matching.views import HashListView, MatchView, NotificationView, QueueEntry
from nigehbaan.web.deps import AppSettings, CurrentActor, Db, RowId

router = APIRouter(tags=["matching"])
MEDIA_TYPES = {"csv": "text/csv", "vics": "application/json"}


class RunIn(TextIn):
    dihedral: bool = False
    video_threshold: float = Field(default=0.8, gt=0, le=1)


class ConfirmIn(TextIn):
    category: str | None = Field(default=None, max_length=40)


def run_options(settings: Settings, dihedral: bool, video_threshold: float = 0.8) -> Options:
    source = engine.vault_dihedral(open_vault(settings)) if dihedral else None
    return Options(dihedral=source, video_threshold=video_threshold)


@router.get("/hashlists", response_model=list[HashListView])
def hash_lists(actor: CurrentActor, db: Db) -> list[HashListView]:
    return catalogue.hash_lists(db, actor)


def _import(request: Request, actor: Actor, path: Path, options: ListOptions) -> ImportReport:
    with transaction(request.app.state.session_factory) as session:
        return lists.import_list(session, actor, path, options)


@router.post("/hashlists/{name}/versions", response_model=ImportReport, status_code=201)
async def import_version(name: str, request: Request, actor: CurrentActor,
                         settings: AppSettings, format: str = Query(...),
                         version: str = "", scheme: str = "", source: str = "",
                         threshold: int | None = None) -> ImportReport:
    """The request body is the list file itself, spooled to disk as it arrives (lists can be
    gigabytes), then imported in one transaction of its own."""
    spool = settings.home / "spool"
    spool.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=spool) as folder:
        path = Path(folder) / "list"
        with path.open("wb") as out:
            async for chunk in request.stream():
                out.write(chunk)
        options = ListOptions(name=name, format=format, version=version, scheme=scheme,
                              source=source, threshold=threshold)
        return await run_in_threadpool(_import, request, actor, path, options)


@router.post("/cases/{reference}/matching/runs", response_model=engine.RunReport)
def run(reference: str, body: RunIn, actor: CurrentActor, db: Db,
        settings: AppSettings) -> engine.RunReport:
    return engine.match_case(db, actor, reference,
                             run_options(settings, body.dihedral, body.video_threshold))


@router.get("/cases/{reference}/matches", response_model=list[MatchView])
def matches(reference: str, actor: CurrentActor, db: Db) -> list[MatchView]:
    return review.case_matches(db, actor, reference)


@router.post("/cases/{reference}/matches/{match_id}/confirmation", response_model=MatchView)
def confirm(reference: str, match_id: RowId, body: ConfirmIn, actor: CurrentActor,
            db: Db) -> MatchView:
    review.confirm(db, actor, reference, match_id, body.category)
    return next(m for m in review.case_matches(db, actor, reference) if m.id == match_id)


class SettledOut(BaseModel):
    confirmed: list[str]
    """The SHA-256s of the items confirmed with their lists' category."""


@router.post("/cases/{reference}/matching/settled-confirmations", response_model=SettledOut)
def confirm_settled(reference: str, actor: CurrentActor, db: Db) -> SettledOut:
    """Confirms every item an exact hash match settles, its lists agreeing on one category
    (`grouped.settled_by_lists`); near-duplicates only, disagreements, withdrawn entries and
    pictures a victim reported stay for an analyst."""
    return SettledOut(confirmed=grouped.confirm_settled(db, actor, reference))


@router.get("/cases/{reference}/review-queue", response_model=list[QueueEntry])
def queue(reference: str, actor: CurrentActor, db: Db) -> list[QueueEntry]:
    return review.review_queue(db, actor, reference)


@router.get("/cases/{reference}/shared-material", response_model=list[links.SharedCase])
def shared(reference: str, actor: CurrentActor, db: Db) -> list[links.SharedCase]:
    return links.shared_cases(db, actor, reference)


@router.get("/matching/notifications", response_model=list[NotificationView])
def notifications(actor: CurrentActor, db: Db, case: str = "",
                  unread: bool = False) -> list[NotificationView]:
    return notices.notifications(db, actor, case, unread)


@router.post("/matching/notifications/{notification_id}/read",
             response_model=NotificationView)
def read(notification_id: RowId, actor: CurrentActor, db: Db) -> NotificationView:
    return notices.mark_read(db, actor, notification_id)


@router.get("/matching/new-material", response_class=Response,
            responses={200: {"content": {"text/csv": {}, "application/json": {}}}})
def new_material(actor: CurrentActor, db: Db, format: str = "csv",
                 case: str = "") -> Response:
    out = io.StringIO()
    export.export_new_material(db, actor, format, out, case)
    suffix = "json" if format == "vics" else "csv"
    return Response(out.getvalue(), media_type=MEDIA_TYPES.get(format, "text/plain"),
                    headers={"Content-Disposition":
                             f'attachment; filename="new-material.{suffix}"'})
