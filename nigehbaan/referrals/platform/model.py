"""A platform report as read, before it touches the database: what every reader returns.

Readers record the paths of fields they do not read in `unknown`, with the value verbatim
(JSON values as they were, XML as the element's text), so the case keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass
class IpEvent:
    address: str
    at: datetime | None = None
    event: str = ""
    port: int | None = None


@dataclass
class ReportedPerson:
    role: str = "suspect"
    """`suspect` for the reported user, `victim` for a victim or intended recipient."""
    first_name: str = ""
    last_name: str = ""
    phones: list[str] = field(default_factory=list)
    """As `+<calling code><number>` when the report gives a calling code."""
    emails: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    """Screen names and the service's user ids, on the reporting service."""
    notes: list[str] = field(default_factory=list)
    """Display names, profile URLs, device ids, age: kept, but not identifiers we match on."""
    age: int | None = None
    country: str = ""
    ip_events: list[IpEvent] = field(default_factory=list)

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


@dataclass
class ReportedUpload:
    name: str = ""
    hashes: dict[str, str] = field(default_factory=dict)
    """Algorithm (`md5`, `sha1`, `sha256`, `pdq`) to hex value."""
    annotations: list[str] = field(default_factory=list)
    ip_events: list[IpEvent] = field(default_factory=list)


@dataclass
class PlatformReport:
    format: str
    report_id: str
    received_at: datetime | None = None
    service: str = ""
    incident_type: str = ""
    incident_at: datetime | None = None
    annotations: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    persons: list[ReportedPerson] = field(default_factory=list)
    uploads: list[ReportedUpload] = field(default_factory=list)
    unknown: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    source_text: str | None = None
    """The document as text when its bytes are not UTF-8 (an XML declared encoding)."""


class ReportReader(Protocol):
    @property
    def name(self) -> str: ...

    def read(self, data: bytes) -> PlatformReport: ...
