"""Errors of the matching layer."""

from __future__ import annotations

from nigehbaan.core.errors import Invalid, one_line

SHOWN = 100
"""How much of a bad value an error quotes (any hash fits whole): a damaged list can hold
megabytes on one line."""


def shown(value: object) -> str:
    """`value` quoted for an error message, cut (with its length said) when it is long."""
    if isinstance(value, str) and len(value) > SHOWN:
        return f"{value[:SHOWN]!r}… ({len(value)} characters)"
    text = repr(value)
    return text if len(text) <= SHOWN else f"{text[:SHOWN]}…"


def cut(text: str) -> str:
    """`text` unquoted for an error message, but with control characters escaped (a message is
    one line) and cut (with its length said) when it is long."""
    text = one_line(text)
    return text if len(text) <= SHOWN else f"{text[:SHOWN]}… ({len(text)} characters)"


class HashListError(Invalid):
    """A hash list cannot be read: the message names where (line or position) and what is wrong.

    It is a domain error so the CLI prints it as one line and the API answers 422: a bad list is
    the user's input, never a crash.
    """

    def __init__(self, problem: str, position: str | None = None) -> None:
        detail = f"{position}: {problem}" if position else problem
        super().__init__(detail)
        self.problem = problem
        self.position = position


class UnknownCategoryError(Invalid):
    """A list uses categories the mapping table does not cover; all of them are named at once."""

    def __init__(self, scheme: str, unknown: list[str]) -> None:
        names = ", ".join(repr(u) for u in unknown)
        super().__init__(f"categories not in the mapping to {scheme!r}: {names}")
        self.scheme = scheme
        self.unknown = unknown
