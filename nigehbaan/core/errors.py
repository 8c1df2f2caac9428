"""Domain errors. Each maps to one HTTP status and one CLI exit, so no layer invents its own."""

from __future__ import annotations


class DomainError(Exception):
    """A user-facing error: its message is shown as is (HTTP `detail`, CLI stderr line)."""

    status_code = 400

    def __init__(self, detail: str, *, audited: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.audited = audited
        """True when the refusal is already in the audit log and must not be recorded twice."""


class NotFound(DomainError):
    status_code = 404


class Invalid(DomainError):
    """The request names something that does not exist or breaks a rule about its shape."""

    status_code = 422


class Conflict(DomainError):
    """The request is well formed but not allowed in the current state (e.g. a status move)."""

    status_code = 409


class Unauthenticated(DomainError):
    status_code = 401


class Forbidden(DomainError):
    status_code = 403
