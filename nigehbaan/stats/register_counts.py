"""The register's own count providers: people by role and country, and outgoing referrals
sent and answered by country."""

from __future__ import annotations

from collections import Counter
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from nigehbaan.cases.models import Case, Person
from nigehbaan.core.actors import Actor
from nigehbaan.core.countries import country_name
from nigehbaan.referrals.models import Referral
from nigehbaan.stats.model import StatTable
from nigehbaan.stats.providers import count_providers
from nigehbaan.stats.queries import in_scope


def country_label(code: str) -> str:
    """`ES Spain`, or `(unknown)`: how every count by country names it."""
    return f"{code} {country_name(code)}" if code else "(unknown)"


class PeopleCounts:
    name = "register.people"

    def tables(self, session: Session, actor: Actor, year: int | None) -> list[StatTable]:
        ids = in_scope(select(Case.id), actor, year)
        rows = session.execute(select(Person.role, Person.country, Person.is_minor)
                               .where(Person.case_id.in_(ids))).all()
        by_role = Counter(role for role, _, _ in rows)
        roles = StatTable("people_by_role", "Victims, suspects and group members by role",
                          ["role", "people", "of whom minors"],
                          [[role, count, sum(1 for r, _, m in rows if r == role and m)]
                           for role, count in by_role.most_common()])
        pairs = Counter((role, country_label(country)) for role, country, _ in rows)
        countries = StatTable("people_by_role_country", "People by role and country",
                              ["role", "country", "people"],
                              [[role, country, count] for (role, country), count in
                               sorted(pairs.items(), key=lambda item: (-item[1], item[0]))],
                              chart="stacked",
                              note="A person's country is the one recorded or their phone's.")
        return [roles, countries]


class ReferralCounts:
    name = "register.referrals"

    def tables(self, session: Session, actor: Actor, year: int | None) -> list[StatTable]:
        ids = in_scope(select(Case.id), actor, year)
        referrals = session.execute(select(Referral).where(Referral.case_id.in_(ids))
                                    .order_by(Referral.country)).scalars().all()
        table = StatTable("referrals_by_country", "Referrals sent and answered, by country",
                          ["country", "sent", "answered", "awaiting an answer",
                           "median days to answer"])
        for code in sorted({r.country for r in referrals}):
            sent = [r for r in referrals if r.country == code and r.sent_at is not None]
            answered = [r for r in sent if r.answered_at is not None]
            days = [(r.answered_at - r.sent_at).total_seconds() / 86400 for r in answered
                    if r.answered_at and r.sent_at]
            table.rows.append([country_label(code), len(sent), len(answered),
                               len(sent) - len(answered), round(median(days), 1) if days else ""])
        return [table]


count_providers.register(PeopleCounts())
count_providers.register(ReferralCounts())
