"""`nigehbaan stats`: case statistics as text, JSON or one CSV per figure."""

from __future__ import annotations

from pathlib import Path

import typer

from nigehbaan.cli.common import AsUser, Json, acting, database, emit, handles_errors, settings
from nigehbaan.stats import report


@handles_errors
def stats(year: int = typer.Option(None, "--year", help="Only cases received in this year."),
          csv: Path = typer.Option(None, "--csv", help="Write one CSV per figure into DIR."),
          as_user: str = AsUser, as_json: bool = Json) -> None:
    """Case statistics: per year and month, channel, status, offence, region, referring
    country; time to first action; people by role and country; referrals."""
    config = settings()
    with database(config) as session:
        found = report.collect(session, acting(session, as_user), config, year)
    if csv is not None:
        written = report.write_csv(found, csv)
        typer.echo(f"wrote {len(written)} CSV files to {csv}", err=as_json)
    emit(found.as_dict(), as_json, lambda: report.as_text(found))
