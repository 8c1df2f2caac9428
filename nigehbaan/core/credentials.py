"""Password hashing (Argon2id), random tokens and TOTP checks: the primitives behind logins."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
TOTP_STEP_SECONDS = 30


def configure_password_hashing(time_cost: int, memory_kib: int) -> None:
    """Tune Argon2id for the deployment's hardware. Each stored hash records its own
    parameters, so changing them never locks anyone out."""
    global _hasher
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """Tokens carry 256 random bits, so a fast hash is enough to keep them useless if leaked."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, username: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def totp_step(secret: str, code: str, now: datetime, last_step: int) -> int | None:
    """The time step `code` belongs to (±1 step of drift), or None.

    A step at or before `last_step` is refused: RFC 6238 asks that a code is accepted only once.
    """
    code = code.strip().replace(" ", "")
    if not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // TOTP_STEP_SECONDS
    for step in (current - 1, current, current + 1):
        if step > last_step and secrets.compare_digest(totp.at(step * TOTP_STEP_SECONDS), code):
            return step
    return None
