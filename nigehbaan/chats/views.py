"""What the API, console and CLI show of a chat group: plain pydantic shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from nigehbaan.core.inputs import TextIn

Category = Literal["priority_suspect", "possible_victim", "passive", "undetermined"]


class EvidenceRef(BaseModel):
    """A record an indicator rests on: its database id and its place in the export."""

    type: Literal["message", "event"]
    id: int
    position: int


class IndicatorView(BaseModel):
    code: str
    detail: str
    evidence: list[EvidenceRef]


class DecisionView(BaseModel):
    category: str
    reason: str
    advice: str
    advice_rule: str
    decided_by: str
    decided_at: datetime


class MemberView(BaseModel):
    member_id: int
    key: str
    display_names: list[str]
    phone_e164: str | None
    country: str
    telegram_id: str | None
    is_owner: bool
    mention_only: bool
    messages: int
    media: int
    known_matches: int
    added_count: int
    pagerank: float
    betweenness: float
    core: int
    removal_effect: int
    indicators: list[IndicatorView]
    triage: str
    triage_rule: str
    decision: DecisionView | None = None


class GroupView(BaseModel):
    id: int
    case: str
    format: str
    title: str
    chat_type: str
    source_name: str
    source_sha256: str
    time_basis: str
    imported_by: str
    imported_at: datetime
    report: dict[str, Any]
    advice: dict[str, int] = {}
    """Members, and numbers only mentioned, by triage advice; in group lists."""


class MediaImportView(BaseModel):
    """The export's media in this import: `requested` is False with `--no-media`."""

    requested: bool
    attached: int = 0
    """Media messages whose bytes are in the export (the rest are "not hashable")."""
    linked: int = 0
    """Of those, linked to their vault item (in this run or an earlier one)."""
    newly_linked: int = 0
    ingested_files: int = 0
    """Files the vault recorded in this run: the media, and the export's text and container."""
    refused: list[tuple[str, str]] = Field(default_factory=list)
    matched: int = 0
    """Linked media messages whose item matches a known list."""


class ImportView(BaseModel):
    created: bool
    group: GroupView
    media: MediaImportView | None = None


class MediaMatchView(BaseModel):
    """One known-list match of a media item's vault item: the category is a suggestion until
    an analyst confirms it (`confirmed`)."""

    match_id: int
    list: str
    suggested: str
    confirmed: str | None
    method: str
    distance: int | None
    reported: bool = False
    """On the victims' list: a child reported this picture of themselves through the portal."""


MediaStatus = Literal["matched", "no_match", "not_comparable", "not_hashable", "not_ingested"]


class MediaView(BaseModel):
    """A media message's content as far as it is known; never "no match" without the bytes."""

    position: int
    kind: str
    file_name: str | None
    sha256: str | None
    evidence_sha256: str | None
    status: MediaStatus
    reason: str
    first_post: bool
    """The first message in the group carrying this content."""
    forwarded: bool
    matches: list[MediaMatchView]


class MediaSummary(BaseModel):
    """A group's shared media at a glance: what triage's media indicators add up to."""

    media: int
    attached: int
    distinct: int
    linked: int
    matched_messages: int
    matched_items: int
    by_category: dict[str, int]
    first_posters: int
    resharers: int


class DecisionIn(TextIn):
    """An analyst's decision on a member's advice (API, console and CLI alike)."""

    category: Category
    reason: str = Field(min_length=3, max_length=2000)


class TimelineEntry(BaseModel):
    type: Literal["message", "event"]
    id: int
    position: int
    at: datetime | None
    text: str
    raw: str
    kind: str
    cited_by: list[str]
    media: MediaView | None = None
