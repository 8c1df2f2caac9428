"""Console pages of the evidence vault: a case's items, one item, custody reports.

Previews are blurred and greyscale; the content itself is shown only after a reason is given,
and never autoplays: videos and other files are downloaded, images open on their own. Items that
match known material say so (a badge in the list, the matches on the item page, from
`matching.review`), so they are categorised from the list's word without being opened.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from nigehbaan.core.actors import Actor
from nigehbaan.core.auth import actor_for, session_ref
from nigehbaan.core.db import transaction
from nigehbaan.core.users import WebSession
from nigehbaan.evidence import handling, queries
from nigehbaan.evidence.acquisition import IngestSummary
from nigehbaan.evidence.api import ingest_uploads, stream_content
from nigehbaan.evidence.store import open_vault
from nigehbaan.matching import grouped
from nigehbaan.matching import review as matching_review
from nigehbaan.web.deps import AppSettings, ConsoleSession, Db, PageStart, check_csrf
from nigehbaan.web.pages import redirect, render

router = APIRouter(include_in_schema=False)
Field = Annotated[str, Form()]


ITEMS_PAGE = 200
"""Items listed per page: a seized phone holds tens of thousands."""


@router.get("/cases/{reference}/evidence", response_class=HTMLResponse)
def case_evidence(request: Request, reference: str, web: ConsoleSession, db: Db,
                  start: PageStart = 0) -> Response:
    actor = actor_for(web.user, session_ref(web))
    return _items_page(request, web, db, actor, reference, start, None)


@router.post("/cases/{reference}/evidence", response_class=HTMLResponse)
def upload(request: Request, reference: str, web: ConsoleSession, settings: AppSettings,
           csrf: Field, source: Field, files: Annotated[list[UploadFile], File()]) -> Response:
    check_csrf(web, csrf)
    actor = actor_for(web.user, session_ref(web))
    summary = ingest_uploads(request, actor, settings, reference, source, files)
    with transaction(request.app.state.session_factory) as session:
        return _items_page(request, web, session, actor, reference, 0, summary)


def _items_page(request: Request, web: WebSession, session: Session, actor: Actor,
                reference: str, start: int, summary: IngestSummary | None) -> Response:
    items, total = queries.case_items_page(session, actor, reference, start, ITEMS_PAGE)
    page = {"start": start, "shown": len(items), "total": total}
    badges = matching_review.badges(session, actor, reference, [i.sha256 for i in items])
    return render(request, "evidence/case_items.html", web, reference=reference.upper(),
                  items=items, page=page, page_size=ITEMS_PAGE, badges=badges,
                  summary=summary)


@router.get("/evidence/{sha256}", response_class=HTMLResponse)
def item_page(request: Request, sha256: str, web: ConsoleSession, db: Db) -> Response:
    actor = actor_for(web.user, session_ref(web))
    item = queries.item_detail(db, actor, sha256)
    events = queries.custody_report(db, actor, sha256=sha256)
    return render(request, "evidence/item.html", web, item=item, events=events,
                  matches=grouped.item_decisions(db, actor, sha256, item.kind))


@router.get("/evidence/{sha256}/preview.jpg")
def preview(sha256: str, web: ConsoleSession, db: Db) -> Response:
    jpeg = queries.preview(db, actor_for(web.user, session_ref(web)), sha256)
    if jpeg is None:
        return Response(status_code=204)
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@router.post("/evidence/{sha256}/view")
def view(sha256: str, web: ConsoleSession, db: Db, settings: AppSettings, csrf: Field,
         reason: Field) -> Response:
    check_csrf(web, csrf)
    found, chunks = handling.open_content(db, actor_for(web.user, session_ref(web)),
                                          open_vault(settings), sha256, reason)
    return stream_content(chunks, found.mime, found.sha256, inline=found.kind == "image")


@router.post("/cases/{reference}/evidence/{sha256}/review")
def review(reference: str, sha256: str, web: ConsoleSession, db: Db, csrf: Field,
           category: Annotated[str, Form()] = "") -> Response:
    check_csrf(web, csrf)
    handling.review(db, actor_for(web.user, session_ref(web)), reference, sha256, category)
    return redirect(f"/evidence/{sha256}")


@router.get("/cases/{reference}/custody", response_class=HTMLResponse)
def custody_page(request: Request, reference: str, web: ConsoleSession, db: Db) -> Response:
    events = queries.custody_report(db, actor_for(web.user, session_ref(web)),
                                    reference=reference)
    return render(request, "evidence/custody.html", web, reference=reference.upper(),
                  events=events)
