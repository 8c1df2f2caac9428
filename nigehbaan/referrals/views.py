"""What readers get back from referrals: one shape for the API, the console and the CLI."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class HitOut(BaseModel):
    kind: str
    value: str
    reference: str
    visible: bool
    text: str
    provider: str
    sentence: str


class ReferralMoveOut(BaseModel):
    from_status: str
    to_status: str
    at: datetime
    actor: str
    reason: str


class ReferralOut(BaseModel):
    id: int
    case: str
    country: str
    status: str
    note: str
    created_by: str
    created_at: datetime
    media_approved_by: str
    package_sha256: str
    built_at: datetime | None
    sent_at: datetime | None
    answered_at: datetime | None
    allowed_moves: list[str]
    moves: list[ReferralMoveOut]


class ImportOut(BaseModel):
    case: str
    format: str
    source_id: str
    persons: int
    identifiers: int
    ip_captures: int
    files: int
    unknown_fields: list[str]
    warnings: list[str]
    hits: list[HitOut]


class PackageOut(BaseModel):
    referral: int
    case: str
    country: str
    path: str
    sha256: str
    files: int
    media: int
    people: int
    key_fingerprint: str


class CheckOut(BaseModel):
    ok: bool
    problems: list[str]
    files: int
    key_fingerprint: str
    key_source: str
    case: str
    country: str
