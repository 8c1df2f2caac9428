"""What the API, console and CLI show of a chat group: plain pydantic shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

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


class ImportView(BaseModel):
    created: bool
    group: GroupView


class DecisionIn(BaseModel):
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
