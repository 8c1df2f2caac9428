"""What a country package holds, contributed by section providers.

Each provider looks at the case and the people attributed to the country and returns a section:
rows for the human summary (and `data/<key>.json`), JSON-LD nodes for the CASE/UCO bundle, and
media files, which the builder includes only when a supervisor approved media for the package.
The case register's sections are in `register_providers`; chats add members, membership events
and indicators with their cited messages (`chat_sections`); evidence and matching add the hashes
of what those members shared, the list matches and, when approved, the media (`media_sections`).
Providers that know people the case register does not (chat members) also count them through
`people_providers`, so a package of chat members only is not refused as empty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.orm import Session

from nigehbaan.cases.models import Case
from nigehbaan.core.actors import Actor
from nigehbaan.core.settings import Settings
from nigehbaan.referrals.attribution import Attributed
from nigehbaan.referrals.registry import Registry


@dataclass(frozen=True)
class MediaFile:
    name: str
    """Its name inside `media/` (e.g. `<sha256>.jpg`)."""
    sha256: str
    read: Callable[[], bytes]
    """Called only when media is approved: the evidence provider reads the vault then (custody
    is logged by the section's `after` callbacks once the package is signed)."""


@dataclass
class Section:
    key: str
    title: str
    columns: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)
    uco: list[dict[str, Any]] = field(default_factory=list)
    media: list[MediaFile] = field(default_factory=list)
    note: str = ""
    after: list[Callable[[str], None]] = field(default_factory=list)
    """Called with the package's SHA-256 once it is signed: where custody of exported items is
    logged, so the log names the exact package."""


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
    referral: int = 0
    settings: Settings | None = None
    """Where the vault is; None: no media content can be read."""
    cache: dict[str, Any] = field(default_factory=dict)
    """Shared between providers of one build (e.g. the chat members attributed, found once)."""


class SectionProvider(Protocol):
    @property
    def name(self) -> str: ...

    def section(self, context: PackageContext) -> Section | None: ...


section_providers: Registry[SectionProvider] = Registry("section")


class PeopleProvider(Protocol):
    """People of the case outside its register (chat members) attributed to the country."""

    @property
    def name(self) -> str: ...

    def count(self, context: PackageContext) -> int: ...

    def countries(self, session: Session, case: Case) -> set[str]:
        """Every country one of these people is attributed to (the console offers them)."""
        ...


people_providers: Registry[PeopleProvider] = Registry("people")
