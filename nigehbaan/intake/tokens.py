"""Signed tokens the portal's pages carry instead of cookies.

A *form token* is a random nonce, the time it was issued and an HMAC over both and the form's
purpose. The server keeps nothing until the form comes back; the nonce is then stored with what
the form created (a unique column), so a replayed form is recognised and refused, across
restarts and across portal processes. This is the portal's CSRF defence too: with no session and
no cookie there is no ambient authority for another site to borrow, and a forged report is no
different from one sent directly.

An *access token* is what a reporter holds between proving their receipt and leaving: the report
id, an expiry and an HMAC. It lives only in hidden fields of pages served with `no-store`, so
the receipt itself is typed once per visit and Argon2id runs once, not on every reply.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from nigehbaan.intake.keys import derive, same

FORM_LIFETIME = 4 * 3600
"""Long enough to write a report slowly, on a bad connection, after stopping to think."""
ACCESS_LIFETIME = 3600


@dataclass(frozen=True)
class FormCheck:
    nonce: str | None
    problem: str = ""


def issue_form(key: bytes, purpose: str, now: float | None = None) -> str:
    nonce = secrets.token_hex(16)
    issued = str(int(now if now is not None else time.time()))
    return f"{nonce}.{issued}.{derive(key, 'form', purpose, nonce, issued)}"


def check_form(key: bytes, purpose: str, token: str, now: float | None = None) -> FormCheck:
    """The nonce of a genuine, fresh form token; otherwise why not ("expired", "invalid")."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[1].isdigit() or len(parts[0]) != 32:
        return FormCheck(None, "invalid")
    nonce, issued, mac = parts
    if not same(mac, derive(key, "form", purpose, nonce, issued)):
        return FormCheck(None, "invalid")
    current = now if now is not None else time.time()
    if not -60 <= current - int(issued) <= FORM_LIFETIME:
        return FormCheck(None, "expired")
    return FormCheck(nonce)


def issue_access(key: bytes, report_id: int, now: float | None = None) -> str:
    expires = str(int(now if now is not None else time.time()) + ACCESS_LIFETIME)
    return f"{report_id}.{expires}.{derive(key, 'access', str(report_id), expires)}"


def check_access(key: bytes, token: str, now: float | None = None) -> int | None:
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    report_id, expires, mac = parts
    if not same(mac, derive(key, "access", report_id, expires)):
        return None
    current = now if now is not None else time.time()
    return int(report_id) if current <= int(expires) else None
