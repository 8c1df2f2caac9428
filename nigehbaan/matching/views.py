"""What readers get back about lists and matches: one shape for API, console and CLI."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class VersionView(BaseModel):
    number: int
    label: str
    imported_at: datetime
    imported_by: str
    format: str
    entries: int
    added: int
    changed: int
    withdrawn: int
    duplicates: int
    skipped: int


class HashListView(BaseModel):
    name: str
    kind: str
    source: str
    scheme: str
    pdq_threshold: int
    entries: int
    versions: list[VersionView]


class MatchView(BaseModel):
    id: int
    sha256: str
    list: str
    list_kind: str
    version: str
    entry: int
    method: str
    distance: int | None
    query_quality: int | None
    list_quality: int | None
    query_share: float | None
    candidate_share: float | None
    variant: str
    matched_at: datetime
    suggested: str
    """The list's category in the unit's scheme: a suggestion until confirmed."""
    series: str
    entry_withdrawn: bool
    confirmed: str | None
    confirmed_by: str
    confirmed_at: datetime | None


class ItemMatches(BaseModel):
    """One matched item of a case with all its matches: what the analyst confirms once."""

    sha256: str
    kind: str
    found: list[str]
    """Where the case holds it: "source: path", one per place."""
    matches: list[MatchView]
    suggestions: list[str]
    """The distinct categories the lists suggest: more than one means they disagree."""
    suggested: str
    """The one agreed suggestion, to prefill; empty when the lists disagree or give none."""
    severity: int | None
    """The gravest suggested category's severity in its scheme (1 gravest), if it has one."""
    reported: bool = False
    """A victim reported this picture of themselves (portal hashes): a child to reach first."""
    confirmed: str | None
    confirmed_by: str


class ItemBadge(BaseModel):
    """What a case's item list says of an item's known-material status, in a few words."""

    kind: str
    """`confirmed`, `matched` (the list's category, a suggestion) or `not-comparable`."""
    text: str


class QueueEntry(BaseModel):
    sha256: str
    kind: str
    source: str
    path: str
    score: float
    reasons: list[str]


class NotificationView(BaseModel):
    id: int
    case: str
    found_in: str
    message: str
    created_at: datetime
    read_at: datetime | None
    read_by: str
