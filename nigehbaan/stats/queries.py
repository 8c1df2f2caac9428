"""Aggregates over the case register, restricted to the cases the reader may see.

Rows are fetched once and counted in Python: a unit's register is thousands of cases, and this
keeps year and month arithmetic identical on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from statistics import median

from sqlalchemy import Select, extract, select
from sqlalchemy.orm import Session

from nigehbaan.cases.access import visible_clause
from nigehbaan.cases.channels import Channel
from nigehbaan.cases.models import Case, CaseOffence
from nigehbaan.core.actors import Actor
from nigehbaan.core.clock import utcnow
from nigehbaan.core.countries import country_name
from nigehbaan.core.roles import Permission
from nigehbaan.core.settings import Settings
from nigehbaan.stats.model import StatTable


def in_scope(query: Select[tuple[int]], actor: Actor, year: int | None) -> Select[tuple[int]]:
    """Cases the actor may see, received in `year` if given: the filter every count shares."""
    query = query.where(visible_clause(actor))
    if year is not None:
        query = query.where(extract("year", Case.received_at) == year)
    return query


def _counted(key: str, title: str, label: str, counter: Counter[str], *,
             by_count: bool = True) -> StatTable:
    items = (counter.most_common() if by_count else sorted(counter.items()))
    return StatTable(key, title, [label, "cases"], [[name, count] for name, count in items])


def case_tables(session: Session, actor: Actor, settings: Settings, year: int | None,
                now: datetime | None = None) -> list[StatTable]:
    actor.require(Permission.CASE_READ)
    now = now or utcnow()
    ids = in_scope(select(Case.id), actor, year)
    cases = session.execute(select(Case).where(Case.id.in_(ids))
                            .order_by(Case.received_at)).scalars().all()
    offences = Counter(session.execute(select(CaseOffence.statute_code)
                                       .where(CaseOffence.case_id.in_(ids))).scalars())
    tables = []
    if year is None:
        tables.append(_counted("cases_by_year", "Cases received per year", "year",
                               Counter(str(c.received_at.year) for c in cases), by_count=False))
    months = Counter(f"{c.received_at:%Y-%m}" for c in cases)
    by_month = _counted("cases_by_month", "Cases received per month", "month", months,
                        by_count=False)
    by_month.chart = "line"
    tables += [
        by_month,
        _counted("cases_by_channel", "Cases by channel", "channel",
                 Counter(c.channel for c in cases)),
        _counted("cases_by_status", "Cases by status", "status",
                 Counter(c.status for c in cases)),
        _counted("cases_by_offence", "Cases by offence (a case may have several)", "offence",
                 offences),
        _counted("cases_by_region", "Cases by region", "region",
                 Counter(c.region or "(not recorded)" for c in cases)),
        _counted("cases_by_referring_country", "Referred cases by referring country", "country",
                 Counter(f"{c.referring_country} {country_name(c.referring_country)}"
                         for c in cases if c.referring_country)),
        first_action(cases, settings, now),
    ]
    return tables


def first_action(cases: Sequence[Case], settings: Settings, now: datetime) -> StatTable:
    """Time from receipt to the first action, against each channel's deadline."""
    table = StatTable("first_action", "Time from receipt to first action, by channel",
                      ["channel", "deadline hours", "cases", "acted within deadline",
                       "acted late", "waiting, overdue", "waiting, in time",
                       "median hours to act"], chart="none")
    for channel in Channel:
        mine = [c for c in cases if c.channel == channel.value]
        if not mine:
            continue
        hours = [(c.first_action_at - c.received_at).total_seconds() / 3600
                 for c in mine if c.first_action_at is not None]
        acted_in_time = sum(1 for c in mine if c.first_action_at is not None
                            and c.first_action_at <= c.first_action_due)
        waiting = [c for c in mine if c.first_action_at is None]
        overdue = sum(1 for c in waiting if c.first_action_due < now)
        table.rows.append([channel.value, settings.deadline_for(channel.value), len(mine),
                           acted_in_time, len(hours) - acted_in_time, overdue,
                           len(waiting) - overdue, round(median(hours), 1) if hours else ""])
    return table
