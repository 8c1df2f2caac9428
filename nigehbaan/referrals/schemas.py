"""What callers send: one shape for the API, the console and the CLI."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from nigehbaan.cases.person_roles import PersonRole
from nigehbaan.cases.schemas import IdentifierIn


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class IpEventIn(_Strict):
    address: str = Field(min_length=2, max_length=45)
    at: datetime | None = None
    event: str = Field(default="", max_length=80)
    port: int | None = Field(default=None, ge=0, le=65535)


class HashIn(_Strict):
    algorithm: str = Field(min_length=2, max_length=16)
    value: str = Field(min_length=1, max_length=256)
    file_name: str = Field(default="", max_length=300)


class SubjectIn(_Strict):
    """A person the referring agency names, with what identifies them."""

    role: PersonRole = PersonRole.SUSPECT
    full_name: str = Field(default="", max_length=200)
    is_minor: bool = False
    country: str = Field(default="", max_length=2)
    notes: str = Field(default="", max_length=4000)
    identifiers: list[IdentifierIn] = Field(default_factory=list, max_length=50)
    ip_events: list[IpEventIn] = Field(default_factory=list, max_length=500)


class IncomingReferralIn(_Strict):
    agency: str = Field(min_length=2, max_length=160)
    country: str = Field(min_length=2, max_length=2)
    reference: str = Field(default="", max_length=80)
    title: str = Field(default="", max_length=200)
    text: str = Field(default="", max_length=20000)
    received_at: datetime | None = None
    offences: list[str] = Field(default_factory=list, max_length=30)
    region: str = Field(default="", max_length=80)
    subjects: list[SubjectIn] = Field(default_factory=list, max_length=200)
    hashes: list[HashIn] = Field(default_factory=list, max_length=5000)


class ReferralStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    ANSWERED = "answered"


class ReferralIn(_Strict):
    country: str = Field(min_length=2, max_length=2)
    note: str = Field(default="", max_length=4000)


class ReferralMoveIn(_Strict):
    to: ReferralStatus
    reason: str = Field(min_length=1, max_length=4000)


class MediaApprovalIn(_Strict):
    reason: str = Field(min_length=1, max_length=4000)


class AttributionIn(_Strict):
    person_id: int
    country: str = Field(min_length=2, max_length=2)
    reason: str = Field(min_length=1, max_length=4000)
