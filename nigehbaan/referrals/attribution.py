"""Who in a case belongs to which country: by the country recorded for the person, by the
country of their phone numbers, or set by hand (with a reason) when neither says it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from nigehbaan.cases.access import load_case
from nigehbaan.cases.models import Case, Person
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.countries import check_country, country_name
from nigehbaan.core.errors import Conflict, Invalid
from nigehbaan.core.roles import Permission
from nigehbaan.referrals.models import CountryAttribution


@dataclass(frozen=True)
class Attributed:
    person: Person
    reasons: tuple[str, ...]


def attributed(session: Session, case: Case, country: str) -> list[Attributed]:
    country = check_country(country)
    by_hand: dict[int, list[str]] = {}
    for row in session.execute(select(CountryAttribution).where(
            CountryAttribution.case_id == case.id, CountryAttribution.country == country)
            ).scalars():
        by_hand.setdefault(row.person_id, []).append(f"set by hand by {row.set_by}: {row.reason}")
    found = []
    for person in case.persons:
        reasons = []
        if person.country == country:
            reasons.append(f"recorded country {country_name(country)}")
        reasons += [f"{i.kind} {i.value} is {country_name(country)}'s"
                    for i in person.identifiers if i.country == country]
        reasons += by_hand.get(person.id, [])
        if reasons:
            found.append(Attributed(person, tuple(reasons)))
    return found


def countries_of(session: Session, case: Case) -> list[str]:
    """Every country some person of the case is attributed to, home region included."""
    codes = {p.country for p in case.persons if p.country}
    codes |= {i.country for p in case.persons for i in p.identifiers if i.country}
    codes |= set(session.execute(select(CountryAttribution.country).where(
        CountryAttribution.case_id == case.id)).scalars())
    return sorted(codes)


def attribute(session: Session, actor: Actor, reference: str, person_id: int, country: str,
              reason: str) -> CountryAttribution:
    case = load_case(session, actor, reference, Permission.CASE_WRITE)
    code = check_country(country)
    if not code:
        raise Invalid("country: required")
    if not any(person.id == person_id for person in case.persons):
        raise Invalid(f"person_id: no person {person_id} in case {case.reference}")
    exists = session.execute(select(CountryAttribution.id).where(
        CountryAttribution.person_id == person_id, CountryAttribution.country == code)).first()
    if exists:
        raise Conflict(f"person {person_id} is already attributed to {code}")
    row = CountryAttribution(case_id=case.id, person_id=person_id, country=code,
                             reason=reason, set_by=actor.username)
    session.add(row)
    session.flush()
    audit.record(session, actor, "person.attribute", "person", f"{case.reference}/{person_id}",
                 detail={"country": code, "reason": reason})
    return row
