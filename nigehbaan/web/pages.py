"""Rendering console pages and reading their forms."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ValidationError

from nigehbaan.core.auth import actor_for, session_ref
from nigehbaan.core.errors import Invalid
from nigehbaan.core.users import WebSession

Model = TypeVar("Model", bound=BaseModel)
Row = TypeVar("Row")


def render(request: Request, template: str, web: WebSession | None = None,
           status_code: int = 200, **context: Any) -> HTMLResponse:
    if web is not None:
        context.setdefault("me", actor_for(web.user, session_ref(web)))
        context.setdefault("csrf", web.csrf_token)
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, template, context, status_code=status_code)
    return response


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def parse(model: type[Model], data: dict[str, Any]) -> Model:
    """A form's fields as a service input; a readable 422 naming each bad field otherwise."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = [f"{'.'.join(str(p) for p in item['loc'])}: {item['msg']}"
                    for item in error.errors()]
        raise Invalid("; ".join(problems)) from None


def paged(name: str, rows: list[Row], start: int, size: int, page_name: str) -> dict[str, Any]:
    """`size` of `rows` from `start` as `name`, and what `_pager.html` says of them as
    `page_name`: a seized phone holds thousands of items, members or matches, and a page of
    all of them is megabytes to send and seconds to draw."""
    shown = rows[start : start + size]
    return {name: shown, page_name: {"start": start, "shown": len(shown), "total": len(rows)}}
