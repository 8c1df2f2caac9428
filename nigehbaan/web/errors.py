"""Turning failures into answers: JSON `detail` on the API, a page in the console, and an audit
record for every refused access. No traceback ever reaches a user."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import DataError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.db import transaction
from nigehbaan.core.errors import DomainError, Forbidden, Unauthenticated, validation_detail

log = logging.getLogger("nigehbaan.web")


class ErrorOut(BaseModel):
    """Every refusal of the API: `detail` names the field or the problem."""

    detail: str


class ValidationErrorOut(ErrorOut):
    """A request the schema refuses: `detail` sums up, `errors` lists each problem."""

    errors: list[dict[str, Any]] = []


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Bad request"},
    401: {"model": ErrorOut, "description": "Not logged in"},
    403: {"model": ErrorOut, "description": "Not allowed"},
    404: {"model": ErrorOut, "description": "Not found"},
    409: {"model": ErrorOut, "description": "Not allowed in the current state"},
    422: {"model": ValidationErrorOut, "description": "Invalid request"},
}
"""The error answers every API route may give, so the OpenAPI document describes them."""


class SafeJSONResponse(JSONResponse):
    """JSON that always encodes: a lone surrogate a client sent (and an error echoes) is
    escaped rather than failing the response."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, allow_nan=False, indent=None,
                              separators=(",", ":"), default=str).encode("ascii")


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


def _answer(request: Request, status: int, detail: str, **extra: Any) -> Response:
    """The refusal as the caller reads it: JSON with `detail` (and `extra`) for the API, the
    console's error page otherwise."""
    if _is_api(request):
        return SafeJSONResponse({"detail": detail, **extra}, status_code=status)
    return _page(request, status, detail)


async def domain_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, DomainError)
    if isinstance(error, Unauthenticated | Forbidden) and not error.audited:
        await run_in_threadpool(_record_refusal, request, error)
    return _answer(request, error.status_code, error.detail)


async def validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    items = [{"type": str(item.get("type", "")),
              "loc": [part if isinstance(part, int) else str(part) for part in item.get("loc", ())],
              "msg": str(item.get("msg", "invalid"))} for item in error.errors()]
    # The input itself is not echoed: it may be a password, or not encodable at all.
    return _answer(request, 422, validation_detail(items), errors=items)


async def data_error(request: Request, error: Exception) -> Response:
    """A value the database refuses (NUL in text, a number out of range) is the request's
    fault: the transaction is rolled back and the caller told, not handed a 500. Schemas
    should refuse such values first; this is the net under them, so it is logged."""
    assert isinstance(error, DataError)
    reason = str(error.orig).splitlines()[0] if error.orig is not None else "invalid value"
    log.warning("database refused a value on %s %s: %s", request.method, request.url.path,
                reason)
    return _answer(request, 422, f"a value in the request cannot be stored: {reason}")


async def http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    detail = str(error.detail)
    if _is_api(request) or error.status_code < 400:
        return SafeJSONResponse({"detail": detail}, status_code=error.status_code,
                                headers=getattr(error, "headers", None))
    return _page(request, error.status_code, detail)


def nul_in_address(request: Request) -> Response | None:
    """A NUL character in the path or a query parameter (PostgreSQL text cannot hold one, and
    no name or reference contains one) refuses the request before any route reads it."""
    where = ""
    if "\x00" in request.scope.get("path", ""):
        where = "path"
    else:
        for name, value in request.query_params.multi_items():
            if "\x00" in name or "\x00" in value:
                where = f"query.{name.replace(chr(0), '')}"
                break
    if not where:
        return None
    return _answer(request, 422, f"{where}: contains a NUL (0x00) character")


async def unexpected_error(request: Request, error: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return _answer(request, 500,
                   "internal error: nothing was saved; the event is in the server log")


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(DataError, data_error)
    app.add_exception_handler(Exception, unexpected_error)
