"""What a country package holds, contributed by section providers.

Each provider looks at the case and the people attributed to the country and returns a section:
rows for the human summary (and `data/<key>.json`), JSON-LD nodes for the CASE/UCO bundle, and
media files, which the builder includes only when a supervisor approved media for the package.
The case register's sections are in `register_providers`; chats would add members, membership
events and indicators with their cited messages; evidence would add hashes, matches and media.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.orm import Session

from nigehbaan.cases.models import Case
from nigehbaan.core.actors import Actor
from nigehbaan.referrals.attribution import Attributed
from nigehbaan.referrals.registry import Registry


@dataclass(frozen=True)
class MediaFile:
    name: str
    """Its name inside `media/` (e.g. `<sha256>.jpg`)."""
    sha256: str
    read: Callable[[], bytes]
    """Called only when media is approved: the evidence provider reads (and logs custody) then."""


@dataclass
class Section:
    key: str
    title: str
    columns: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)
    uco: list[dict[str, Any]] = field(default_factory=list)
    media: list[MediaFile] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class PackageContext:
    session: Session
    actor: Actor
    case: Case
    country: str
    people: list[Attributed]
    team: bool
    """Whether the builder is on the case's team: outside it, minors' names stay masked."""
    include_media: bool
    ids: Callable[[str], str]
    """Stable JSON-LD ids for the bundle: `ids("person-12")` → `kb:person-<uuid>`."""


class SectionProvider(Protocol):
    @property
    def name(self) -> str: ...

    def section(self, context: PackageContext) -> Section | None: ...


section_providers: Registry[SectionProvider] = Registry("section")
