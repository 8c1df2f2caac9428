"""Console pages of the core: logging in and out, the audit log, users, and API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from nigehbaan.core import audit, auth
from nigehbaan.core.actors import Actor
from nigehbaan.core.chain import chained_models, verify
from nigehbaan.core.errors import Unauthenticated
from nigehbaan.core.roles import Permission, Role
from nigehbaan.web.deps import SESSION_COOKIE, AppSettings, ConsoleSession, Db, check_csrf
from nigehbaan.web.pages import redirect, render

router = APIRouter(include_in_schema=False)
Field = Annotated[str, Form()]


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", next=_safe_next(next), error="")


@router.post("/login")
def login(request: Request, db: Db, settings: AppSettings, username: Field, password: Field,
          totp: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/") -> Response:
    result = auth.authenticate(db, username.strip(), password, totp)
    if result.user is None:
        db.commit()
        return render(request, "login.html", status_code=401, next=_safe_next(next),
                      error=auth.LOGIN_FAILED)
    token, _web = auth.start_session(db, result.user, settings.session_hours)
    response = redirect(_safe_next(next))
    response.set_cookie(SESSION_COOKIE, token, max_age=settings.session_hours * 3600,
                        httponly=True, secure=settings.cookie_secure, samesite="strict")
    return response


@router.post("/logout")
def logout(web: ConsoleSession, db: Db, csrf: Field) -> Response:
    check_csrf(web, csrf)
    auth.end_session(db, web)
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE)
    return response


def _home_for(actor: Actor) -> str:
    if actor.role == Role.AUDITOR:
        return "/audit"
    if actor.role == Role.ADMIN:
        return "/admin/users"
    return "/cases"


@router.get("/")
def home(web: ConsoleSession) -> Response:
    return redirect(_home_for(auth.actor_for(web.user, auth.session_ref(web))))


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, web: ConsoleSession, db: Db, object_ref: str = "") -> Response:
    actor = auth.actor_for(web.user, auth.session_ref(web))
    actor.require(Permission.AUDIT_READ)
    events = audit.recent(db, limit=300, object_ref=object_ref.strip())
    reports = [verify(db, model) for model in chained_models()]
    audit.record(db, actor, "audit.read", "audit", object_ref, detail={"returned": len(events)})
    return render(request, "audit.html", web, events=events, reports=reports,
                  object_ref=object_ref)


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, web: ConsoleSession, db: Db) -> Response:
    actor = auth.actor_for(web.user, auth.session_ref(web))
    return render(request, "users.html", web, users=auth.list_users(db, actor), created=None,
                  roles=[role.value for role in Role])


@router.post("/admin/users", response_class=HTMLResponse)
def user_create(request: Request, web: ConsoleSession, db: Db, csrf: Field, username: Field,
                role: Field, password: Field, unit: Annotated[str, Form()] = "") -> Response:
    check_csrf(web, csrf)
    actor = auth.actor_for(web.user, auth.session_ref(web))
    created = auth.create_user(db, actor, username, role, password, unit=unit)
    return render(request, "users.html", web, users=auth.list_users(db, actor), created=created,
                  roles=[role.value for role in Role])


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, web: ConsoleSession) -> Response:
    return render(request, "account.html", web, token=None)


@router.post("/account/tokens", response_class=HTMLResponse)
def token_create(request: Request, web: ConsoleSession, db: Db, csrf: Field,
                 name: Annotated[str, Form()] = "script") -> Response:
    check_csrf(web, csrf)
    if not web.user.active:
        raise Unauthenticated("inactive user")
    actor = auth.actor_for(web.user, auth.session_ref(web))
    token = auth.issue_api_token(db, web.user, name, actor)
    return render(request, "account.html", web, token=token)
