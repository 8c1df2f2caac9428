"""API routes of statistics: everything as JSON, each figure as CSV."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from nigehbaan.stats import report
from nigehbaan.web.deps import AppSettings, CurrentActor, Db

router = APIRouter(tags=["stats"])


@router.get("/stats")
def statistics(actor: CurrentActor, db: Db, settings: AppSettings,
               year: int | None = None) -> dict[str, Any]:
    return report.collect(db, actor, settings, year).as_dict()


@router.get("/stats/{key}.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def statistic_csv(key: str, actor: CurrentActor, db: Db, settings: AppSettings,
                  year: int | None = None) -> Response:
    table = report.collect(db, actor, settings, year).table(key)
    return Response(table.csv(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{key}.csv"'})
