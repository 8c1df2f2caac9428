"""What readers get back about evidence: one shape for the API, the console and the CLI."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class FindingView(BaseModel):
    case: str
    source: str
    path: str
    acquired_at: datetime
    acquired_by: str
    reviewed: bool
    reviewed_by: str
    category: str


class ItemView(BaseModel):
    sha256: str
    sha1: str
    md5: str
    size: int
    mime: str
    kind: str
    pdq: str | None
    pdq_quality: int | None
    perceptual: str
    perceptual_reason: str
    duration: float | None
    frames: int
    metadata: dict[str, Any]
    findings: list[FindingView]
    """Where it was found, in the cases the reader may see."""
    other_cases: int
    """How many cases the reader may not see also hold it."""


class CustodyView(BaseModel):
    seq: int
    at: datetime
    actor: str
    session_ref: str
    action: str
    sha256: str
    case_ref: str
    reason: str
    detail: dict[str, Any]


class VerifyView(BaseModel):
    checked: int
    bad: list[dict[str, str]]
    """Each item that no longer matches, with why."""
    unrecorded: list[str] = []
    """Blobs in the vault that no item records (a whole-vault check only): content an ingest
    stored before it was interrupted; running that ingest again records them. Not tampering,
    so not `bad`, but named so nothing lies in the vault unaccounted for."""
