"""Console pages of statistics: the dashboard (chart, table and CSV for every figure) and the
annual report, laid out to print (and print to PDF) from the browser."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from nigehbaan.core.auth import actor_for, session_ref
from nigehbaan.core.errors import Invalid
from nigehbaan.stats import charts, report
from nigehbaan.web.deps import AppSettings, ConsoleSession, Db
from nigehbaan.web.pages import render

router = APIRouter(include_in_schema=False)


def _year(text: str) -> int | None:
    if not text.strip():
        return None
    if not text.strip().isdigit():
        raise Invalid(f"year: '{text}' is not a year")
    return int(text)


def _page(request: Request, web: ConsoleSession, db: Db, settings: AppSettings,
          year: int | None, template: str) -> Response:
    found = report.collect(db, actor_for(web.user, session_ref(web)), settings, year)
    figures = {table.key: charts.figure_json(table) for table in found.tables}
    return render(request, template, web, stats=found, figures=figures, year=year,
                  unit=settings.unit_name,
                  years=list(range(found.generated_at.year, 2009, -1)))


@router.get("/stats", response_class=HTMLResponse)
def dashboard(request: Request, web: ConsoleSession, db: Db, settings: AppSettings,
              year: str = "") -> Response:
    return _page(request, web, db, settings, _year(year), "stats/dashboard.html")


@router.get("/stats/annual", response_class=HTMLResponse)
def annual(request: Request, web: ConsoleSession, db: Db, settings: AppSettings,
           year: str = "") -> Response:
    chosen = _year(year) or datetime.now(UTC).year - 1
    return _page(request, web, db, settings, chosen, "stats/annual.html")


@router.get("/stats/{key}.csv")
def csv(key: str, web: ConsoleSession, db: Db, settings: AppSettings,
        year: str = "") -> Response:
    found = report.collect(db, actor_for(web.user, session_ref(web)), settings, _year(year))
    table = found.table(key)
    return Response(table.csv(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{key}.csv"'})
