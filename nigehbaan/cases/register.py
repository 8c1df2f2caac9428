"""Registering a complaint: a reference, a deadline for the first action, a team, the people."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from nigehbaan.cases import statutes
from nigehbaan.cases.access import load_case
from nigehbaan.cases.channels import Channel
from nigehbaan.cases.identifiers import normalise
from nigehbaan.cases.lifecycle import Status
from nigehbaan.cases.models import Case, CaseAssignment, CaseOffence, Identifier, Person
from nigehbaan.cases.references import next_reference
from nigehbaan.cases.schemas import CaseIn, IdentifierIn, PersonIn
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.clock import as_utc, utcnow
from nigehbaan.core.countries import check_country
from nigehbaan.core.errors import Forbidden, Invalid
from nigehbaan.core.roles import Permission
from nigehbaan.core.settings import Settings

CLOCK_SKEW = timedelta(minutes=5)


def _check_channel_details(draft: CaseIn) -> None:
    if draft.channel == Channel.INTERNATIONAL_REFERRAL:
        missing = [name for name in ("referring_agency", "referring_country")
                   if not getattr(draft, name)]
        if missing:
            raise Invalid(f"{' and '.join(missing)}: required for an international referral")
    check_country(draft.referring_country, "referring_country")


def _received_at(draft: CaseIn, now: datetime) -> datetime:
    if draft.received_at is None:
        return now
    received = as_utc(draft.received_at)
    if received > now + CLOCK_SKEW:
        raise Invalid("received_at: lies in the future")
    return received


def _unit_for(actor: Actor, requested: str) -> str:
    if not requested or requested == actor.unit or actor.local_operator:
        return requested or actor.unit
    raise Forbidden(f"you may open cases for your own unit only ('{actor.unit}')")


def open_case(session: Session, actor: Actor, draft: CaseIn, settings: Settings,
              *, now: datetime | None = None, person_field: str = "persons") -> Case:
    """`person_field` is what a refusal calls the people, so a draft copied from another form
    (a referral's `subjects`) names the field its sender wrote, not the case's."""
    actor.require(Permission.CASE_WRITE)
    now = now or utcnow()
    _check_channel_details(draft)
    offences = statutes.resolve(session, draft.offences)
    received = _received_at(draft, now)
    case = Case(
        reference=next_reference(session, settings.case_prefix, received.year),
        title=draft.title, summary=draft.summary, channel=draft.channel.value,
        status=Status.RECEIVED.value, priority=draft.priority.value, region=draft.region,
        unit=_unit_for(actor, draft.unit), referring_agency=draft.referring_agency,
        referring_country=draft.referring_country.upper(),
        referring_reference=draft.referring_reference, safeguarding=draft.safeguarding,
        received_at=received,
        first_action_due=received + timedelta(hours=settings.deadline_for(draft.channel.value)),
        created_by=actor.username, created_at=now,
    )
    case.offences = [CaseOffence(statute_code=code) for code in sorted(s.code for s in offences)]
    if actor.user_id is not None:
        case.assignments = [CaseAssignment(user_id=actor.user_id, assigned_at=now)]
    session.add(case)
    session.flush()
    for index, person in enumerate(draft.persons):
        _add_person(session, case, person, settings, field=f"{person_field}[{index}]")
    audit.record(session, actor, "case.open", "case", case.reference,
                 detail={"channel": case.channel, "offences": [s.code for s in offences]})
    return case


def _identifier(person: Person, case: Case, item: IdentifierIn, settings: Settings,
                field: str) -> Identifier:
    found = normalise(item.kind.value, item.value, default_region=settings.default_region,
                      platform=item.platform, field=field)
    return Identifier(case_id=case.id, kind=found.kind.value, value=found.value, raw=item.value,
                      country=found.country, platform=found.platform)


def _add_person(session: Session, case: Case, draft: PersonIn, settings: Settings,
                field: str) -> Person:
    country = check_country(draft.country, f"{field}.country")
    person = Person(case_id=case.id, role=draft.role.value, full_name=draft.full_name,
                    is_minor=draft.is_minor, country=country, notes=draft.notes)
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(draft.identifiers):
        where = f"{field}.identifiers[{index}].value"
        identifier = _identifier(person, case, item, settings, where)
        if (identifier.kind, identifier.value) in seen:
            continue
        seen.add((identifier.kind, identifier.value))
        person.identifiers.append(identifier)
    if not person.country:
        person.country = next((i.country for i in person.identifiers if i.country), "")
    case.persons.append(person)
    session.flush()
    return person


def add_person(session: Session, actor: Actor, reference: str, draft: PersonIn,
               settings: Settings) -> Person:
    case = load_case(session, actor, reference, Permission.CASE_WRITE)
    person = _add_person(session, case, draft, settings, field="person")
    audit.record(session, actor, "person.add", "person", f"{case.reference}/{person.id}",
                 detail={"role": person.role, "identifiers": len(person.identifiers)})
    return person


def add_identifier(session: Session, actor: Actor, reference: str, person_id: int,
                   draft: IdentifierIn, settings: Settings) -> Identifier:
    case = load_case(session, actor, reference, Permission.CASE_WRITE)
    person = next((p for p in case.persons if p.id == person_id), None)
    if person is None:
        raise Invalid(f"person: no person {person_id} in case {case.reference}")
    identifier = _identifier(person, case, draft, settings, "value")
    if any((i.kind, i.value) == (identifier.kind, identifier.value) for i in person.identifiers):
        raise Invalid(f"value: {identifier.value} is already recorded for this person")
    person.identifiers.append(identifier)
    if not person.country:
        person.country = identifier.country
    session.flush()
    audit.record(session, actor, "identifier.add", "person", f"{case.reference}/{person.id}",
                 detail={"kind": identifier.kind})
    return identifier
