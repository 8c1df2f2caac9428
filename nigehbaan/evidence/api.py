"""API routes of the evidence vault."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response, StreamingResponse
from pydantic import AfterValidator, BaseModel, Field, WithJsonSchema

from nigehbaan.core.actors import Actor
from nigehbaan.core.errors import Invalid
from nigehbaan.core.inputs import TextIn, refuse_nul
from nigehbaan.core.settings import Settings
from nigehbaan.evidence import acquisition, handling, queries
from nigehbaan.evidence.acquisition import IngestSummary
from nigehbaan.evidence.store import open_vault
from nigehbaan.evidence.views import CustodyView, FindingView, ItemView, VerifyView
from nigehbaan.web.deps import MAX_ROW_ID, AppSettings, CurrentActor, Db, PageStart

router = APIRouter(tags=["evidence"])
UPLOAD_CHUNK = 1 << 20


class ViewIn(TextIn):
    reason: str = Field(min_length=5, max_length=2000)


class ReviewIn(TextIn):
    category: str = Field(default="", max_length=40)
    reviewed: bool = True


Refusal = Annotated[tuple[str, str], WithJsonSchema({
    "type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2,
    "description": "[file name, why it was refused]"})]
"""Described by hand: FastAPI writes a tuple as an `items` list, which OpenAPI 3.1 refuses."""


class UploadOut(BaseModel):
    files: int
    new_content: int
    refused: list[Refusal]


@router.get("/cases/{reference}/evidence", response_model=list[ItemView])
def case_evidence(reference: str, actor: CurrentActor, db: Db, start: PageStart = 0,
                  limit: int | None = Query(default=None, ge=1, le=MAX_ROW_ID)
                  ) -> list[ItemView]:
    """The case's items by SHA-256: all of them, or `limit` from the `start`-th."""
    return queries.case_items(db, actor, reference, start=start, limit=limit)


def save_uploads(files: list[UploadFile], folder: Path) -> Path:
    """Uploads land in a private spool folder, named safely, before the ordinary ingest."""
    if not files:
        raise Invalid("files: choose at least one file")
    target = folder / "upload"
    target.mkdir()
    for index, upload in enumerate(files):
        name = Path(upload.filename or f"file-{index}").name or f"file-{index}"
        with (target / f"{index:04d}-{name}").open("wb") as out:
            while chunk := upload.file.read(UPLOAD_CHUNK):
                out.write(chunk)
    return target


def ingest_uploads(request: Request, actor: Actor, settings: Settings, reference: str,
                   source: str, files: list[UploadFile]) -> IngestSummary:
    """Each upload batch is its own unit of work, like a CLI ingest: the request's
    transaction is not held open while media are analysed."""
    spool = settings.home / "spool"
    spool.mkdir(parents=True, exist_ok=True)
    with TemporaryDirectory(dir=spool) as folder, ThreadPoolExecutor(1) as pool:
        root = save_uploads(files, Path(folder))
        return acquisition.ingest(request.app.state.session_factory, actor, reference, root,
                                  source, settings, executor=pool)


@router.post("/cases/{reference}/evidence", response_model=UploadOut, status_code=201)
def upload(reference: str, request: Request, actor: CurrentActor, settings: AppSettings,
           source: Annotated[str, Form(min_length=1, max_length=300),
                             AfterValidator(refuse_nul)],
           files: Annotated[list[UploadFile], File()]) -> UploadOut:
    summary = ingest_uploads(request, actor, settings, reference, source, files)
    return UploadOut(files=summary.files, new_content=summary.new_content,
                     refused=summary.refused)


@router.get("/evidence/{sha256}", response_model=ItemView)
def item(sha256: str, actor: CurrentActor, db: Db) -> ItemView:
    return queries.item_detail(db, actor, sha256)


@router.get("/evidence/{sha256}/preview", response_class=Response,
            responses={200: {"content": {"image/jpeg": {}}},
                       204: {"description": "The item has no preview"}})
def preview(sha256: str, actor: CurrentActor, db: Db) -> Response:
    jpeg = queries.preview(db, actor, sha256)
    if jpeg is None:
        return Response(status_code=204)
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


def stream_content(chunks: Iterator[bytes], mime: str, sha256: str,
                   inline: bool) -> StreamingResponse:
    disposition = "inline" if inline else f'attachment; filename="{sha256}"'
    return StreamingResponse(chunks, media_type=mime, headers={
        "Content-Disposition": disposition, "Cache-Control": "no-store",
        "Content-Security-Policy": "default-src 'none'; img-src 'self'; media-src 'self'"})


@router.post("/evidence/{sha256}/view", response_class=StreamingResponse)
def view(sha256: str, body: ViewIn, actor: CurrentActor, db: Db,
         settings: AppSettings) -> StreamingResponse:
    found, chunks = handling.open_content(db, actor, open_vault(settings), sha256, body.reason)
    return stream_content(chunks, found.mime, found.sha256, inline=False)


@router.post("/cases/{reference}/evidence/{sha256}/review", response_model=FindingView)
def review(reference: str, sha256: str, body: ReviewIn, actor: CurrentActor,
           db: Db) -> FindingView:
    handling.review(db, actor, reference, sha256, body.category, body.reviewed)
    view_ = queries.item_detail(db, actor, sha256)
    return next(f for f in view_.findings if f.case == reference.upper())


@router.get("/evidence/{sha256}/custody", response_model=list[CustodyView])
def item_custody(sha256: str, actor: CurrentActor, db: Db) -> list[CustodyView]:
    return queries.custody_report(db, actor, sha256=sha256)


@router.get("/cases/{reference}/custody", response_model=list[CustodyView])
def case_custody(reference: str, actor: CurrentActor, db: Db) -> list[CustodyView]:
    return queries.custody_report(db, actor, reference=reference)


@router.post("/cases/{reference}/evidence/verify", response_model=VerifyView)
def verify(reference: str, actor: CurrentActor, db: Db, settings: AppSettings) -> VerifyView:
    return handling.verify_vault(db, actor, open_vault(settings), reference)
