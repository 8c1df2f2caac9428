"""Console pages of matching: the unit's lists, and a case's matches, queue and links.

Nothing here shows content: matches are confirmed from the list's category, the review queue
links to the evidence item page, whose previews stay blurred.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from nigehbaan.core.actors import Actor
from nigehbaan.core.auth import actor_for, session_ref
from nigehbaan.core.db import transaction
from nigehbaan.core.users import WebSession
from nigehbaan.matching import catalogue, engine, freshness, links, lists, notices, review
from nigehbaan.matching.api import run_options
from nigehbaan.matching.formats import available_formats
from nigehbaan.matching.grouped import confirm_settled, matched_items, settled_by_lists
from nigehbaan.matching.lists import ListOptions
from nigehbaan.web.deps import AppSettings, ConsoleSession, Db, PageStart, check_csrf
from nigehbaan.web.pages import paged, redirect, render

router = APIRouter(include_in_schema=False)
ITEM_PAGE = re.compile(r"/evidence/[0-9a-f]{64}")
Field = Annotated[str, Form()]
Optional = Annotated[str, Form()]


def _actor(web: WebSession) -> Actor:
    return actor_for(web.user, session_ref(web))


@router.get("/hashlists", response_class=HTMLResponse)
def lists_page(request: Request, web: ConsoleSession, db: Db) -> Response:
    return render(request, "matching/lists.html", web,
                  lists=catalogue.hash_lists(db, _actor(web)), report=None,
                  formats=sorted(available_formats()))


@router.post("/hashlists", response_class=HTMLResponse)
def import_page(request: Request, web: ConsoleSession, settings: AppSettings, csrf: Field,
                name: Field, format: Field,
                file: Annotated[UploadFile, File()], version: Optional = "",
                scheme: Optional = "", source: Optional = "") -> Response:
    check_csrf(web, csrf)
    actor = _actor(web)
    spool = settings.home / "spool"
    spool.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=spool) as folder:
        path = Path(folder) / "list"
        with path.open("wb") as out:
            shutil.copyfileobj(file.file, out)
        with transaction(request.app.state.session_factory) as session:
            report = lists.import_list(session, actor, path, ListOptions(
                name=name, format=format, version=version, scheme=scheme, source=source))
    with transaction(request.app.state.session_factory) as session:
        shown = catalogue.hash_lists(session, actor)
    return render(request, "matching/lists.html", web, lists=shown, report=report,
                  formats=sorted(available_formats()))


QUEUE_PAGE = 200
"""Matched items or review-queue entries listed per page: a seized phone holds thousands of
each."""


@router.get("/cases/{reference}/matching", response_class=HTMLResponse)
def case_page(request: Request, reference: str, web: ConsoleSession, db: Db,
              start: PageStart = 0, matched: PageStart = 0,
              settled: int | None = None) -> Response:
    """Matched items (unconfirmed first) and the review queue, each a page at a time:
    `matched` and `start` say where each page starts."""
    actor = _actor(web)
    items = matched_items(db, actor, reference)  # checks the reader may see the case
    since = freshness.last_run(db, reference.upper())
    queue = review.review_queue(db, actor, reference)
    return render(request, "matching/case.html", web, reference=reference.upper(),
                  page_size=QUEUE_PAGE, settled=settled,
                  to_settle=sum(1 for i in items if settled_by_lists(i)),
                  **paged("items", items, matched, QUEUE_PAGE, "matched_page"),
                  **paged("queue", queue, start, QUEUE_PAGE, "page"),
                  weak=review.not_comparable(db, actor, reference),
                  shared=links.shared_cases(db, actor, reference),
                  notices=notices.notifications(db, actor, reference), run=None,
                  newer=freshness.newer_versions(db, reference.upper(), since), last_run=since)


@router.post("/cases/{reference}/matching/run", response_class=HTMLResponse)
def run_page(reference: str, web: ConsoleSession, db: Db, settings: AppSettings, csrf: Field,
             dihedral: Optional = "") -> Response:
    check_csrf(web, csrf)
    engine.match_case(db, _actor(web), reference, run_options(settings, dihedral == "on"))
    return redirect(f"/cases/{reference.upper()}/matching")


@router.post("/cases/{reference}/matching/settle")
def settle_page(reference: str, web: ConsoleSession, db: Db, csrf: Field) -> Response:
    check_csrf(web, csrf)
    done = confirm_settled(db, _actor(web), reference)
    return redirect(f"/cases/{reference.upper()}/matching?settled={len(done)}#matches")


@router.post("/cases/{reference}/items/{sha256}/confirm")
def confirm_item_page(reference: str, sha256: str, web: ConsoleSession, db: Db, csrf: Field,
                      category: Optional = "", back: Optional = "") -> Response:
    """One decision per matched item, from the case's matching page or the item's own page
    (`back`: only an item page is accepted, so the form cannot send anyone elsewhere). Every
    match of the item is confirmed with it (an empty category takes the lists' one suggestion,
    if they agree)."""
    check_csrf(web, csrf)
    review.confirm_item(db, _actor(web), reference, sha256, category.strip() or None)
    if ITEM_PAGE.fullmatch(back):
        return redirect(f"{back}#known-material")
    return redirect(f"/cases/{reference.upper()}/matching#matches")


@router.post("/matching/notifications/{notification_id}/read")
def read_page(notification_id: int, web: ConsoleSession, db: Db, csrf: Field) -> Response:
    check_csrf(web, csrf)
    seen = notices.mark_read(db, _actor(web), notification_id)
    return redirect(f"/cases/{seen.case}/matching")
