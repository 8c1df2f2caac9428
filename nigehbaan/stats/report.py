"""All statistics together: what the CLI prints, the API returns and the console draws."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.clock import utcnow
from nigehbaan.core.errors import Invalid, NotFound
from nigehbaan.core.settings import Settings
from nigehbaan.stats.model import StatTable
from nigehbaan.stats.providers import count_providers
from nigehbaan.stats.queries import case_tables


@dataclass
class Statistics:
    year: int | None
    generated_at: datetime
    tables: list[StatTable]

    def table(self, key: str) -> StatTable:
        for table in self.tables:
            if table.key == key:
                return table
        raise NotFound(f"no statistic '{key}' (there are: "
                       f"{', '.join(t.key for t in self.tables)})")

    def as_dict(self) -> dict[str, object]:
        return {"year": self.year, "generated_at": self.generated_at.isoformat(),
                "tables": [table.as_dict() for table in self.tables]}


def collect(session: Session, actor: Actor, settings: Settings, year: int | None = None,
            *, now: datetime | None = None) -> Statistics:
    if year is not None and not 1990 <= year <= 2200:
        raise Invalid(f"year: {year} is not a year this register can hold")
    now = now or utcnow()
    tables = case_tables(session, actor, settings, year, now)
    for provider in count_providers:
        tables += provider.tables(session, actor, year)
    audit.record(session, actor, "stats.read", "stats", str(year or "all"),
                 detail={"tables": len(tables)})
    return Statistics(year, now, tables)


def write_csv(statistics: Statistics, folder: Path) -> list[Path]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise Invalid(f"--csv: cannot create {folder} ({error.strerror})") from None
    written = []
    for table in statistics.tables:
        path = folder / f"{table.key}.csv"
        path.write_text(table.csv(), "utf-8")
        written.append(path)
    return written


def as_text(statistics: Statistics) -> str:
    lines = [f"Statistics{' for ' + str(statistics.year) if statistics.year else ''} "
             f"(as of {statistics.generated_at:%Y-%m-%d %H:%M} UTC)"]
    for table in statistics.tables:
        lines += ["", table.title, "  " + " | ".join(table.columns)]
        lines += ["  " + " | ".join(str(cell) for cell in row) for row in table.rows]
        if not table.rows:
            lines.append("  (none)")
    return "\n".join(lines)
