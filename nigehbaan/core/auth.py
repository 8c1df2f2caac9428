"""Logins, sessions and tokens: turning credentials into an `Actor`, and users into accounts."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.clock import utcnow
from nigehbaan.core.credentials import (
    hash_password,
    new_token,
    new_totp_secret,
    password_matches,
    token_digest,
    totp_step,
)
from nigehbaan.core.errors import Conflict, Invalid, NotFound, Unauthenticated
from nigehbaan.core.roles import TOTP_REQUIRED, Permission, Role
from nigehbaan.core.users import ApiToken, User, WebSession

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
LOGIN_FAILED = "wrong username, password or one-time code"


@dataclass(frozen=True)
class NewUser:
    user: User
    totp_secret: str | None


def actor_for(user: User, session_ref: str) -> Actor:
    return Actor(user.id, user.username, user.role_enum, user.unit, session_ref)


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        allowed = ", ".join(role.value for role in Role)
        raise Invalid(f"unknown role '{value}' (allowed: {allowed})") from None


def create_user(
    session: Session, actor: Actor, username: str, role: str, password: str,
    *, unit: str = "", display_name: str = "",
) -> NewUser:
    actor.require(Permission.USER_ADMIN)
    parsed = parse_role(role)
    username = username.strip()
    if not username or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise Invalid("username: use letters, digits, '.', '_' or '-'")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"password: at least {MIN_PASSWORD_LENGTH} characters")
    if session.execute(select(User.id).where(User.username == username)).first():
        raise Conflict(f"user '{username}' already exists")
    secret = new_totp_secret() if parsed in TOTP_REQUIRED else None
    user = User(username=username, role=parsed.value, unit=unit.strip(),
                display_name=display_name or username, password_hash=hash_password(password),
                totp_secret=secret)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", "user", username,
                 detail={"role": parsed.value, "unit": user.unit})
    return NewUser(user, secret)


def get_user(session: Session, username: str) -> User:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"no user '{username}'")
    return user


def list_users(session: Session, actor: Actor) -> list[User]:
    actor.require(Permission.USER_ADMIN)
    return list(session.execute(select(User).order_by(User.username)).scalars())


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    reason: str = ""


def authenticate(
    session: Session, username: str, password: str, totp_code: str, now: datetime | None = None
) -> LoginResult:
    """Check a login. Failures are recorded (and counted towards a lockout), never raised,
    so the caller commits the record before answering 401."""
    now = now or utcnow()
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    reason = _login_problem(user, password, totp_code, now)
    anonymous = Actor(None, username[:64] or "anonymous", None, "", "login")
    if user is None or reason:
        if user is not None and reason != "locked":
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILED_LOGINS:
                user.locked_until = now + LOCKOUT
        audit.record(session, anonymous, "auth.login", "user", username[:64],
                     outcome="denied", detail={"reason": reason or "unknown user"})
        return LoginResult(None, reason or "unknown user")
    user.failed_logins = 0
    user.locked_until = None
    audit.record(session, actor_for(user, "login"), "auth.login", "user", user.username)
    return LoginResult(user)


def _login_problem(user: User | None, password: str, code: str, now: datetime) -> str:
    if user is None or not user.active:
        return "unknown or inactive user"
    if user.locked_until is not None and user.locked_until > now:
        return "locked"
    if not password_matches(user.password_hash, password):
        return "wrong password"
    if user.totp_secret is None:
        return "" if user.role_enum not in TOTP_REQUIRED else "second factor not enrolled"
    step = totp_step(user.totp_secret, code, now, user.totp_last_step)
    if step is None:
        return "wrong or reused one-time code"
    user.totp_last_step = step
    return ""


@dataclass(frozen=True)
class TokenLogin:
    user: User | None
    token: str | None


def login_for_token(session: Session, username: str, password: str, totp_code: str,
                    name: str) -> TokenLogin:
    result = authenticate(session, username, password, totp_code)
    if result.user is None:
        return TokenLogin(None, None)
    actor = actor_for(result.user, "login")
    return TokenLogin(result.user, issue_api_token(session, result.user, name, actor))


def start_session(session: Session, user: User, hours: int) -> tuple[str, WebSession]:
    token = new_token()
    web = WebSession(token_hash=token_digest(token), csrf_token=secrets.token_urlsafe(32),
                     user_id=user.id, expires_at=utcnow() + timedelta(hours=hours))
    session.add(web)
    session.flush()
    return token, web


def session_for_token(session: Session, token: str) -> WebSession:
    web = session.execute(
        select(WebSession).where(WebSession.token_hash == token_digest(token))
    ).scalar_one_or_none()
    if web is None or web.revoked or web.expires_at <= utcnow() or not web.user.active:
        raise Unauthenticated("your session has ended: log in again")
    return web


def session_ref(web: WebSession) -> str:
    return f"session:{web.id}"


def end_session(session: Session, web: WebSession) -> None:
    web.revoked = True
    audit.record(session, actor_for(web.user, session_ref(web)), "auth.logout", "user",
                 web.user.username)


def issue_api_token(session: Session, user: User, name: str, actor: Actor) -> str:
    token = new_token()
    row = ApiToken(name=name[:80] or "script", token_hash=token_digest(token), user_id=user.id)
    session.add(row)
    session.flush()
    audit.record(session, actor, "auth.token.create", "user", user.username,
                 detail={"token_id": row.id, "name": row.name})
    return token


def actor_for_api_token(session: Session, token: str) -> Actor:
    row = session.execute(
        select(ApiToken).where(ApiToken.token_hash == token_digest(token))
    ).scalar_one_or_none()
    if row is None or row.revoked or not row.user.active:
        raise Unauthenticated("unknown or revoked API token")
    return actor_for(row.user, f"token:{row.id}")


def revoke_api_token(session: Session, actor: Actor) -> None:
    if not actor.session_ref.startswith("token:"):
        raise Invalid("only an API token can revoke itself")
    row = session.get(ApiToken, int(actor.session_ref.split(":", 1)[1]))
    if row is not None:
        row.revoked = True
        audit.record(session, actor, "auth.token.revoke", "user", actor.username)
