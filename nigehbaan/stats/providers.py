"""Count providers: statistics other capabilities contribute (chats: group members by role and
country; evidence: items and matches). The register's own are in `register_counts`."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session

from nigehbaan.core.actors import Actor
from nigehbaan.referrals.registry import Registry
from nigehbaan.stats.model import StatTable


class CountProvider(Protocol):
    @property
    def name(self) -> str: ...

    def tables(self, session: Session, actor: Actor, year: int | None) -> list[StatTable]:
        """Tables over the cases `actor` may see (`cases.access.visible_clause`), received in
        `year` when one is given."""
        ...


count_providers: Registry[CountProvider] = Registry("count")
