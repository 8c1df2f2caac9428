"""Domain errors. Each maps to one HTTP status and one CLI exit, so no layer invents its own."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

SHOWN = 100
"""How much of a bad value an error quotes (any hash fits whole): damaged input can hold
megabytes on one line, and a message must stay readable."""


def one_line(text: str) -> str:
    """`text` with line breaks and other unprintable characters escaped (`\\n`, `\\x00`): an
    error quoting a name from damaged input stays the one line every layer promises."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def describe(error: BaseException) -> str:
    """An exception as its type and message, for a reason recorded beside damaged input."""
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def shown(value: object) -> str:
    """`value` quoted for an error message, cut (with its length said) when it is long, so every
    layer quotes a bad value the same way and none echoes a whole damaged file."""
    if isinstance(value, str) and len(value) > SHOWN:
        return f"{value[:SHOWN]!r}… ({len(value)} characters)"
    text = repr(value)
    return text if len(text) <= SHOWN else f"{text[:SHOWN]}…"


def cut(text: str) -> str:
    """`text` unquoted for an error message, but with control characters escaped (a message is
    one line) and cut (with its length said) when it is long."""
    length, text = len(text), one_line(text)
    return text if len(text) <= SHOWN else f"{text[:SHOWN]}… ({length} characters)"


def validation_detail(problems: Iterable[Mapping[str, Any]]) -> str:
    """pydantic's problems as one `field.path: message; …` line (the request "body" omitted)."""
    said = [f"{'.'.join(str(part) for part in item.get('loc', ()) if part != 'body')}: "
            f"{item.get('msg', 'invalid')}" for item in problems]
    return "; ".join(said) or "invalid request"


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
