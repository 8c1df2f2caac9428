"""What the console and the API show of a portal report (one shape for both)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class ContactView(BaseModel):
    source: str
    kind: str
    raw: str
    value: str
    country: str
    valid: bool
    problem: str


class HashView(BaseModel):
    sha256: str
    md5: str
    pdq: str | None
    quality: int | None
    size: int | None
    found: bool


class MessageView(BaseModel):
    id: int
    author: str
    kind: str
    officer: str
    body: str
    at: datetime


class ReporterPage(BaseModel):
    reference: str
    language: str
    reporter_role: str
    age_band: str
    spreading_now: str
    platform: str
    groups: str
    people: str
    description: str
    contact: str
    contacts: list[ContactView]
    hashes: list[HashView]
    messages: list[MessageView]
    created_at: datetime
    can_reply: bool


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body: str = Field(min_length=1, max_length=5000)


class QueueItem(BaseModel):
    reference: str
    title: str
    channel: str
    status: str
    safeguarding: bool
    overdue: bool
    received_at: datetime
    first_action_due: datetime
    team: int
    reporter_messages: int
