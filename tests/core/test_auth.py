"""Logins: Argon2 passwords, TOTP for supervisors and admins, lockout, tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from nigehbaan.core import auth
from nigehbaan.core.audit import AuditEvent
from nigehbaan.core.clock import utcnow
from nigehbaan.core.errors import Conflict, Forbidden, Invalid, Unauthenticated
from tests.support import Account


def test_password_is_stored_as_argon2(session: Session, accounts: dict[str, Account]) -> None:
    user = auth.get_user(session, "investigator")
    assert user.password_hash.startswith("$argon2id$")
    assert accounts["investigator"].password not in user.password_hash


def test_investigator_logs_in_without_code(session: Session,
                                           accounts: dict[str, Account]) -> None:
    result = auth.authenticate(session, "investigator", accounts["investigator"].password, "")
    assert result.user is not None and result.user.username == "investigator"


def test_supervisor_needs_a_valid_code_once(session: Session,
                                            accounts: dict[str, Account]) -> None:
    sup = accounts["supervisor"]
    now = utcnow()
    assert auth.authenticate(session, "supervisor", sup.password, "", now).user is None
    assert auth.authenticate(session, "supervisor", sup.password, "000000", now).user is None
    assert auth.authenticate(session, "supervisor", sup.password, sup.code(now), now).user
    replay = auth.authenticate(session, "supervisor", sup.password, sup.code(now), now)
    assert replay.user is None and "reused" in replay.reason


def test_failed_logins_lock_the_account(session: Session, accounts: dict[str, Account]) -> None:
    for _ in range(auth.MAX_FAILED_LOGINS):
        assert auth.authenticate(session, "analyst", "wrong password!", "").user is None
    locked = auth.authenticate(session, "analyst", accounts["analyst"].password, "")
    assert locked.user is None and locked.reason == "locked"
    later = utcnow() + auth.LOCKOUT + timedelta(seconds=1)
    assert auth.authenticate(session, "analyst", accounts["analyst"].password, "", later).user


def test_login_attempts_are_audited(session: Session, accounts: dict[str, Account]) -> None:
    auth.authenticate(session, "investigator", "nope-nope-nope", "")
    denied = session.query(AuditEvent).filter(AuditEvent.action == "auth.login",
                                              AuditEvent.outcome == "denied").all()
    assert [event.object_ref for event in denied] == ["investigator"]
    assert "nope" not in str(denied[0].detail)


def test_api_token_round_trip_and_revocation(session: Session,
                                             accounts: dict[str, Account]) -> None:
    actor = auth.actor_for_api_token(session, accounts["analyst"].token)
    assert actor.username == "analyst" and actor.session_ref.startswith("token:")
    auth.revoke_api_token(session, actor)
    with pytest.raises(Unauthenticated):
        auth.actor_for_api_token(session, accounts["analyst"].token)


def test_only_admins_create_users(session: Session, accounts: dict[str, Account]) -> None:
    with pytest.raises(Forbidden):
        auth.create_user(session, accounts["supervisor"].actor, "x.y", "analyst", "long-password")
    with pytest.raises(Invalid, match="unknown role"):
        auth.create_user(session, accounts["admin"].actor, "x.y", "wizard", "long-password")
    with pytest.raises(Invalid, match="at least"):
        auth.create_user(session, accounts["admin"].actor, "x.y", "analyst", "short")
    with pytest.raises(Conflict):
        auth.create_user(session, accounts["admin"].actor, "analyst", "analyst", "long-password")
    created = auth.create_user(session, accounts["admin"].actor, "new.admin", "admin",
                               "long-password")
    assert created.totp_secret is not None
