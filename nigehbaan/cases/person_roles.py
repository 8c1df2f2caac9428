"""The part a person plays in a case."""

from __future__ import annotations

from enum import StrEnum


class PersonRole(StrEnum):
    COMPLAINANT = "complainant"
    VICTIM = "victim"
    SUSPECT = "suspect"
    WITNESS = "witness"
    GROUP_MEMBER = "group_member"
    """A member of a seized group whose part is not yet known."""
