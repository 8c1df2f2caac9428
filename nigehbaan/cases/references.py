"""Case references people can say on the phone: `CC-2018-0015`, numbered per year."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nigehbaan.cases.models import CaseCounter
from nigehbaan.core.upsert import increment


def next_reference(session: Session, prefix: str, year: int) -> str:
    number = increment(session, CaseCounter.__table__, {"year": year}, "last")  # type: ignore[arg-type]
    return f"{prefix}-{year}-{number:04d}"
