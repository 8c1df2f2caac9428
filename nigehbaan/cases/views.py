"""What readers get back: one shape for the API's JSON, the console's pages and the CLI."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class IdentifierView(BaseModel):
    kind: str
    value: str
    country: str
    platform: str


class PersonView(BaseModel):
    id: int
    role: str
    name: str
    is_minor: bool
    masked: bool
    country: str
    notes: str
    identifiers: list[IdentifierView]


class MoveView(BaseModel):
    from_status: str
    to_status: str
    at: datetime
    actor: str
    reason: str


class LinkView(BaseModel):
    reference: str
    title: str
    visible: bool
    shared: list[str]
    """The identifiers both cases hold (masked where the reader may not see them)."""


class CaseSummary(BaseModel):
    reference: str
    title: str
    channel: str
    status: str
    priority: str
    region: str
    unit: str
    received_at: datetime
    first_action_due: datetime
    first_action_at: datetime | None
    overdue: bool
    safeguarding: bool


class CaseDetail(CaseSummary):
    summary: str
    offences: list[str]
    referring_agency: str
    referring_country: str
    referring_reference: str
    police_reference: str
    approved_by: str
    merged_into: str
    created_by: str
    team: list[str]
    on_team: bool
    allowed_moves: list[str]
    persons: list[PersonView]
    moves: list[MoveView]
    links: list[LinkView]
