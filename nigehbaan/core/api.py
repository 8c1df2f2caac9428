"""API routes of the core: tokens, the current user, user administration and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from nigehbaan.core import audit, auth
from nigehbaan.core.chain import chained_models, verify
from nigehbaan.core.errors import Unauthenticated
from nigehbaan.core.inputs import TextIn
from nigehbaan.core.roles import Permission
from nigehbaan.core.users import User
from nigehbaan.web.deps import AppSettings, CurrentActor, Db

router = APIRouter(tags=["core"])


class _TextIn(TextIn):
    """Passwords keep their spaces, so not `StrictIn`: only unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class LoginIn(_TextIn):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    totp: str = Field(default="", max_length=12)
    name: str = Field(default="script", max_length=80)


class TokenOut(BaseModel):
    token: str
    username: str
    role: str


class UserIn(_TextIn):
    username: str = Field(min_length=1, max_length=64)
    role: str
    password: str = Field(min_length=1, max_length=1024)
    unit: str = Field(default="", max_length=64)
    display_name: str = Field(default="", max_length=120)


class UserOut(BaseModel):
    username: str
    role: str
    unit: str
    display_name: str
    active: bool
    totp_enrolled: bool


class NewUserOut(UserOut):
    totp_secret: str | None
    """Shown once, so the person can enrol an authenticator app."""


class AuditOut(BaseModel):
    seq: int
    at: datetime
    actor: str
    session_ref: str
    action: str
    object_type: str
    object_ref: str
    outcome: str
    detail: dict[str, Any]


class ChainOut(BaseModel):
    chain: str
    ok: bool
    checked: int
    first_broken: int | None
    reason: str


@router.post("/auth/token", response_model=TokenOut, status_code=201)
def login(body: LoginIn, db: Db) -> TokenOut:
    result = auth.login_for_token(db, body.username, body.password, body.totp, body.name)
    if result.user is None or result.token is None:
        db.commit()
        raise Unauthenticated(auth.LOGIN_FAILED, audited=True)
    return TokenOut(token=result.token, username=result.user.username, role=result.user.role)


@router.delete("/auth/token", status_code=204)
def logout(actor: CurrentActor, db: Db) -> None:
    auth.revoke_api_token(db, actor)


@router.get("/me", response_model=UserOut)
def me(actor: CurrentActor, db: Db) -> UserOut:
    return _user_out(auth.get_user(db, actor.username))


def _user_out(user: User) -> UserOut:
    return UserOut(username=user.username, role=user.role, unit=user.unit,
                   display_name=user.display_name, active=user.active,
                   totp_enrolled=user.totp_secret is not None)


@router.get("/users", response_model=list[UserOut])
def users(actor: CurrentActor, db: Db) -> list[UserOut]:
    return [_user_out(user) for user in auth.list_users(db, actor)]


@router.post("/users", response_model=NewUserOut, status_code=201)
def create_user(body: UserIn, actor: CurrentActor, db: Db) -> NewUserOut:
    created = auth.create_user(db, actor, body.username, body.role, body.password,
                               unit=body.unit, display_name=body.display_name)
    return NewUserOut(**_user_out(created.user).model_dump(), totp_secret=created.totp_secret)


@router.get("/audit", response_model=list[AuditOut])
def audit_log(actor: CurrentActor, db: Db, object_ref: str = "",
              limit: int = Query(default=200, ge=1, le=5000)) -> list[AuditOut]:
    actor.require(Permission.AUDIT_READ)
    events = audit.recent(db, limit=limit, object_ref=object_ref)
    audit.record(db, actor, "audit.read", "audit", object_ref, detail={"returned": len(events)})
    return [AuditOut.model_validate(event, from_attributes=True) for event in events]


@router.get("/audit/verify", response_model=list[ChainOut])
def audit_verify(actor: CurrentActor, db: Db, settings: AppSettings) -> list[ChainOut]:
    actor.require(Permission.AUDIT_READ)
    reports = [verify(db, model) for model in chained_models()]
    audit.record(db, actor, "audit.verify", "audit", "",
                 detail={report.chain: report.ok for report in reports})
    return [ChainOut(chain=r.chain, ok=r.ok, checked=r.checked, first_broken=r.first_broken,
                     reason=r.reason) for r in reports]
