"""Console pages of chat groups: upload, the group page, a member's timeline, decisions.

Pictures are drawn in the browser by the installed plotly (`plotly.min.js` served by
`web.assets` from the package, never a CDN); the figure JSON travels in a
`<script type="application/json">` block, which the CSP allows because it is data, and our own
`chats.js` renders it.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from nigehbaan.chats import exports, known, queries
from nigehbaan.chats.api import export_response, import_spooled
from nigehbaan.chats.models import ChatGroup
from nigehbaan.chats.triage.rules import CATEGORIES
from nigehbaan.chats.views import DecisionIn
from nigehbaan.core.actors import Actor
from nigehbaan.core.auth import actor_for, session_ref
from nigehbaan.core.errors import NotFound
from nigehbaan.core.users import WebSession
from nigehbaan.web.deps import AppSettings, ConsoleSession, Db, PageStart, check_csrf
from nigehbaan.web.pages import paged, parse, redirect, render

router = APIRouter(include_in_schema=False)
Field = Annotated[str, Form()]
MEDIA_SHOWN = 48
"""Media cards on the group page, known material first; each is a blurred preview."""
MEMBERS_PAGE = 250
"""Rows of the group page's member table: all 1,792 of a seized group made a 1.3 MB page of
68,000 nodes; filters, sorting, counts and the pictures still take in every member."""


def _actor(web: WebSession) -> Actor:
    return actor_for(web.user, session_ref(web))


@router.get("/cases/{reference}/chats", response_class=HTMLResponse)
def groups_page(request: Request, reference: str, web: ConsoleSession, db: Db) -> Response:
    groups = queries.list_groups(db, _actor(web), reference)
    return render(request, "chats/groups.html", web, reference=reference.upper(), groups=groups)


@router.post("/cases/{reference}/chats")
async def upload(request: Request, reference: str, web: ConsoleSession,
                 settings: AppSettings, export: UploadFile, csrf: Field,
                 date_order: Annotated[str, Form()] = "",
                 owner: Annotated[str, Form()] = "",
                 media: Annotated[str, Form()] = "") -> Response:
    """Without the `media` box ticked the chat is imported alone (a quick look)."""
    check_csrf(web, csrf)
    actor = _actor(web)
    with tempfile.TemporaryDirectory(prefix="nigehbaan-chat-") as folder:
        path = Path(folder) / (Path(export.filename or "export.txt").name or "export.txt")
        with path.open("wb") as sink:
            await run_in_threadpool(shutil.copyfileobj, export.file, sink)
        view = await run_in_threadpool(
            import_spooled, request, actor, settings, reference, path, media=bool(media),
            date_order=date_order if date_order in ("dmy", "mdy") else None,
            owner=owner.strip() or None, source_name=export.filename)
    return redirect(f"/cases/{reference.upper()}/chats/{view.group.id}")


def position_unit(group: ChatGroup) -> str:
    """What a record's position counts: the export's lines, or Telegram's messages array."""
    return {"whatsapp": "line", "telegram": "message #"}.get(group.format, "position")


@router.get("/cases/{reference}/chats/{group_id}", response_class=HTMLResponse)
def group_page(request: Request, reference: str, group_id: int, web: ConsoleSession, db: Db,
               settings: AppSettings, triage: str = "", country: str = "",
               indicator: str = "", sort: str = "triage", start: PageStart = 0) -> Response:
    actor = _actor(web)
    group = queries.load_group(db, actor, reference, group_id)
    shown = queries.members(db, actor, reference, group_id, triage=triage, country=country,
                            indicator=indicator, sort=sort)
    whole = not (triage or country or indicator) and sort == "triage"
    everyone = shown if whole else queries.members(db, actor, reference, group_id,
                                                   audit_read=False)
    # `everyone` in its default order, which the seeded layout of the picture depends on
    counts = {c: sum(1 for m in everyone if m.triage == c) for c in CATEGORIES}
    codes = sorted({i.code for m in everyone for i in m.indicators})
    figures = exports.figures(exports.graph(db, group.id, everyone))
    shared = sorted(known.media_views(db, group.case_id, group.id).values(),
                    key=lambda m: (m.status != "matched", m.evidence_sha256 is None, m.position))
    return render(request, "chats/group.html", web, reference=reference.upper(),
                  group=queries.group_view(group, reference.upper()),
                  **paged("members", shown, start, MEMBERS_PAGE, "page"),
                  page_size=MEMBERS_PAGE, total=len(everyone), counts=counts,
                  countries=queries.countries(everyone),
                  codes=codes, categories=CATEGORIES, home=settings.default_region,
                  unit=position_unit(group),
                  media=known.summary(db, group.case_id, group.id),
                  shown_media=shared[:MEDIA_SHOWN],
                  filters={"triage": triage, "country": country, "indicator": indicator,
                           "sort": sort},
                  figures=figures)


@router.get("/cases/{reference}/chats/{group_id}/members/{member_id}", response_class=HTMLResponse)
def member_page(request: Request, reference: str, group_id: int, member_id: int,
                web: ConsoleSession, db: Db, start: PageStart = 0) -> Response:
    actor = _actor(web)
    view, page = queries.timeline(db, actor, reference, group_id, member_id,
                                  start=start)
    group = queries.load_group(db, actor, reference, group_id)
    return render(request, "chats/member.html", web, reference=reference.upper(),
                  group_id=group_id, member=view, entries=page.entries, page=page,
                  page_size=queries.TIMELINE_PAGE, categories=CATEGORIES,
                  unit=position_unit(group), group_title=group.title)


@router.post("/cases/{reference}/chats/{group_id}/members/{member_id}/decision")
def member_decide(reference: str, group_id: int, member_id: int, web: ConsoleSession, db: Db,
                  csrf: Field, category: Field, reason: Field) -> Response:
    check_csrf(web, csrf)
    decision = parse(DecisionIn, {"category": category, "reason": reason})
    queries.decide(db, _actor(web), reference, group_id, member_id, decision)
    return redirect(f"/cases/{reference.upper()}/chats/{group_id}/members/{member_id}")


@router.get("/cases/{reference}/chats/{group_id}/export/{kind}")
def export(reference: str, group_id: int, kind: str, web: ConsoleSession, db: Db) -> Response:
    if kind not in ("csv", "graphml", "gexf"):
        raise NotFound(f"no export '{kind}'")
    return export_response(db, _actor(web), reference, group_id, kind)
