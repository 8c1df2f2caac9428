"""What callers send: one shape for the API, the console and the CLI."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from nigehbaan.cases.person_roles import PersonRole
from nigehbaan.cases.schemas import IdentifierIn, ReceivedAt
from nigehbaan.core.inputs import Moment, StrictIn


class IpEventIn(StrictIn):
    address: str = Field(min_length=2, max_length=45)
    at: Moment | None = None
    event: str = Field(default="", max_length=80)
    port: int | None = Field(default=None, ge=0, le=65535)


class HashIn(StrictIn):
    algorithm: str = Field(min_length=2, max_length=16)
    value: str = Field(min_length=1, max_length=256)
    file_name: str = Field(default="", max_length=300)


class SubjectIn(StrictIn):
    """A person the referring agency names, with what identifies them."""

    role: PersonRole = PersonRole.SUSPECT
    full_name: str = Field(default="", max_length=200)
    is_minor: bool = False
    country: str = Field(default="", max_length=2)
    notes: str = Field(default="", max_length=4000)
    identifiers: list[IdentifierIn] = Field(default_factory=list, max_length=50)
    ip_events: list[IpEventIn] = Field(default_factory=list, max_length=500)


class IncomingReferralIn(StrictIn):
    agency: str = Field(min_length=2, max_length=160)
    country: str = Field(min_length=2, max_length=2)
    reference: str = Field(default="", max_length=80)
    title: str = Field(default="", max_length=200)
    text: str = Field(default="", max_length=20000)
    received_at: ReceivedAt | None = None
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


class ReferralIn(StrictIn):
    country: str = Field(min_length=2, max_length=2)
    note: str = Field(default="", max_length=4000)


class ReferralMoveIn(StrictIn):
    to: ReferralStatus
    reason: str = Field(min_length=1, max_length=4000)


class MediaApprovalIn(StrictIn):
    reason: str = Field(min_length=1, max_length=4000)


class AttributionIn(StrictIn):
    person_id: int = Field(ge=1, le=2**31 - 1)
    country: str = Field(min_length=2, max_length=2)
    reason: str = Field(min_length=1, max_length=4000)
