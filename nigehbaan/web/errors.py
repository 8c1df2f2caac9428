"""Turning failures into answers: JSON `detail` on the API, a page in the console, and an audit
record for every refused access. No traceback ever reaches a user."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.db import transaction
from nigehbaan.core.errors import DomainError, Forbidden, Unauthenticated

log = logging.getLogger("nigehbaan.web")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _record_refusal(request: Request, error: DomainError) -> None:
    actor: Actor | None = getattr(request.state, "actor", None)
    outcome = "unauthenticated" if isinstance(error, Unauthenticated) else "forbidden"
    with transaction(request.app.state.session_factory) as session:
        audit.record(session, actor, "access.refused", "route", request.url.path[:120],
                     outcome=outcome, detail={"method": request.method, "reason": error.detail})


def _page(request: Request, status: int, detail: str) -> Response:
    if status == 401:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    page: Response = request.app.state.templates.TemplateResponse(
        request, "error.html", {"status": status, "detail": detail}, status_code=status)
    return page


async def domain_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, DomainError)
    if isinstance(error, Unauthenticated | Forbidden) and not error.audited:
        await run_in_threadpool(_record_refusal, request, error)
    if _is_api(request):
        return JSONResponse({"detail": error.detail}, status_code=error.status_code)
    return _page(request, error.status_code, error.detail)


async def validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
        problems.append(f"{where}: {item.get('msg', 'invalid')}")
    detail = "; ".join(problems) or "invalid request"
    if _is_api(request):
        return JSONResponse({"detail": detail, "errors": error.errors()}, status_code=422)
    return _page(request, 422, detail)


async def http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    detail = str(error.detail)
    if _is_api(request) or error.status_code < 400:
        return JSONResponse({"detail": detail}, status_code=error.status_code,
                            headers=getattr(error, "headers", None))
    return _page(request, error.status_code, detail)


async def unexpected_error(request: Request, error: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    detail = "internal error: nothing was saved; the event is in the server log"
    if _is_api(request):
        return JSONResponse({"detail": detail}, status_code=500)
    return _page(request, 500, detail)


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)
