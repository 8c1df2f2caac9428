"""Console pages for officers: a portal report with its conversation, and the intake queue.

These pages live with the intake capability, so they are rendered with their own template
folder (templates/console), layered over the console's so that they extend its `base.html`.
The case page links here for every case that came through the portal.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader

from nigehbaan.core.auth import actor_for, session_ref
from nigehbaan.core.users import WebSession
from nigehbaan.intake import conversation, queue
from nigehbaan.intake.i18n import languages
from nigehbaan.web import filters
from nigehbaan.web.deps import ConsoleSession, Db, check_csrf
from nigehbaan.web.pages import redirect

router = APIRouter(include_in_schema=False)
CONSOLE_TEMPLATES = filters.TEMPLATES.parents[1] / "intake" / "templates" / "console"
Field = Annotated[str, Form()]


@cache
def _templates() -> Jinja2Templates:
    loader = ChoiceLoader([FileSystemLoader(str(CONSOLE_TEMPLATES)),
                           FileSystemLoader(str(filters.TEMPLATES))])
    env = Environment(loader=loader, autoescape=True)
    filters.register(env)
    templates = Jinja2Templates(env=env)
    return templates


def _render(request: Request, template: str, web: WebSession, **context: Any) -> HTMLResponse:
    context.update(me=actor_for(web.user, session_ref(web)), csrf=web.csrf_token)
    response: HTMLResponse = _templates().TemplateResponse(request, template, context)
    return response


@router.get("/cases/{reference}/reporter", response_class=HTMLResponse)
def reporter_page(request: Request, reference: str, web: ConsoleSession, db: Db) -> Response:
    page = conversation.reporter_page(db, actor_for(web.user, session_ref(web)), reference)
    language = languages().get(page.language)
    return _render(request, "reporter.html", web, report=page,
                   language_name=language.name if language else page.language)


@router.post("/cases/{reference}/reporter")
def reporter_reply(reference: str, web: ConsoleSession, db: Db, csrf: Field,
                   body: Field) -> Response:
    check_csrf(web, csrf)
    message = conversation.reply(db, actor_for(web.user, session_ref(web)), reference, body)
    return redirect(f"/cases/{reference.strip().upper()}/reporter#message-{message.id}")


@router.get("/queue", response_class=HTMLResponse)
def intake_queue(request: Request, web: ConsoleSession, db: Db) -> Response:
    items = queue.intake_queue(db, actor_for(web.user, session_ref(web)))
    return _render(request, "queue.html", web, items=items)
