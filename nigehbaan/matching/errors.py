"""Errors of the matching layer."""

from __future__ import annotations

from nigehbaan.core.errors import Invalid


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
