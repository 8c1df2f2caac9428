"""Importing a platform report into a new `platform_report` case, whole or not at all.

The reader runs first and touches nothing; then one transaction opens the case with its people
and identifiers, keeps IP capture events and file hashes, keeps the document verbatim with its
unread fields, and runs the arrival look-ups. Any error leaves no trace but the refusal.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from nigehbaan.cases import register
from nigehbaan.cases.channels import Channel
from nigehbaan.cases.identifiers import normalise
from nigehbaan.cases.models import Case, Identifier, Person
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.columns import fit, lengths
from nigehbaan.core.countries import check_country
from nigehbaan.core.errors import Invalid, shown
from nigehbaan.core.settings import Settings
from nigehbaan.referrals import values
from nigehbaan.referrals.incoming import add_files, add_ip_events, case_draft, keep_source
from nigehbaan.referrals.lookups import run_arrival_lookups
from nigehbaan.referrals.models import ArrivalHit, IpCapture, ReportedFile
from nigehbaan.referrals.platform import ncmec_json, ncmec_xml
from nigehbaan.referrals.platform.model import (
    IpEvent,
    PlatformReport,
    ReportedPerson,
    ReportReader,
)
from nigehbaan.referrals.schemas import HashIn, IpEventIn

READERS: dict[str, type[ReportReader]] = {"ncmec-json": ncmec_json.Reader,
                                           "ncmec-xml": ncmec_xml.Reader}
AGENCY = "NCMEC CyberTipline"


def read(data: bytes, fmt: str) -> PlatformReport:
    reader = READERS.get(fmt)
    if reader is None:
        raise Invalid(f"format: unknown {shown(fmt)} (allowed: {', '.join(READERS)})")
    return reader().read(data)


def _identifiers(person: ReportedPerson, platform: str, settings: Settings, where: str,
                 warnings: list[str]) -> tuple[list[dict[str, str]], list[str]]:
    """Identifiers that normalise; the rest go to the person's notes with a warning, since a
    platform's odd phone format should not cost the unit the whole report."""
    found: list[dict[str, str]] = []
    kept: list[str] = []
    candidates = ([("phone", v) for v in person.phones] + [("email", v) for v in person.emails]
                  + [("handle", v) for v in person.handles])
    longest = lengths(Identifier)["value"]
    for kind, value in candidates:
        try:
            normalise(kind, value, default_region=settings.default_region, platform=platform)
            if len(value) > longest:  # the raw value is kept too
                raise Invalid(f"{kind} {shown(value)} is longer than an identifier "
                              f"({longest} characters)")
        except Invalid as error:
            warnings.append(f"{where}: {error.detail}; kept in the person's notes")
            kept.append(f"unverified {kind}: {value}")
            continue
        found.append({"kind": kind, "value": value, "platform": platform if kind == "handle"
                      else ""})
    return found, kept


def _person(person: ReportedPerson, platform: str, settings: Settings, where: str,
            warnings: list[str]) -> dict[str, Any]:
    identifiers, kept = _identifiers(person, platform, settings, where, warnings)
    country = person.country.strip().upper()
    try:
        check_country(country)
    except Invalid:
        warnings.append(f"{where}: country {shown(person.country)} is not an ISO code; not kept")
        country = ""
    minor = person.role == "victim" and (person.age is None or person.age < 18)
    notes = [*person.notes, *kept] + ([f"age {person.age}"] if person.age is not None else [])
    return {"role": person.role, "full_name": fit(Person, "full_name", person.name),
            "is_minor": minor,
            "country": country, "notes": "; ".join(notes)[:4000], "identifiers": identifiers}


def _platform(report: PlatformReport) -> str:
    name = "".join(ch for ch in report.service.lower() if ch.isalnum() or ch in "-_.")
    return (name or "platform")[:40]


def _events(events: list[IpEvent], field: str) -> list[IpEventIn]:
    """Addresses checked here, by name, before the request shape would refuse one as a bare
    length; an event's free-text name is cut to its column."""
    return [IpEventIn(address=values.ip_address(e.address, f"{field}[{index}].address"),
                      at=e.at, event=fit(IpCapture, "event", e.event), port=e.port)
            for index, e in enumerate(events)]


def import_report(session: Session, actor: Actor, data: bytes, fmt: str, settings: Settings,
                  ) -> tuple[Case, PlatformReport, list[ArrivalHit]]:
    report = read(data, fmt)
    platform = _platform(report)
    warnings = list(report.warnings)
    persons = [_person(p, platform, settings, f"person {i + 1}", warnings)
               for i, p in enumerate(report.persons)]
    lines = [f"Incident: {report.incident_type}" if report.incident_type else "",
             f"Incident time: {report.incident_at.isoformat()}" if report.incident_at else "",
             f"Annotations: {', '.join(report.annotations)}" if report.annotations else "",
             *report.text]
    draft = case_draft({
        "title": f"{AGENCY} report {report.report_id}"[:200],
        "summary": "\n".join(line for line in lines if line)[:20000],
        "channel": Channel.PLATFORM_REPORT, "received_at": report.received_at,
        "referring_agency": f"{AGENCY}{' / ' + report.service if report.service else ''}"[:160],
        "referring_country": "US", "referring_reference": report.report_id[:80],
        "persons": persons})
    case = register.open_case(session, actor, draft, settings)
    for index, person in enumerate(report.persons):
        field = f"person {index + 1} ip events"
        add_ip_events(session, case, case.persons[index], _events(person.ip_events, field),
                      field)
    for index, upload in enumerate(report.uploads):
        field = f"file {index + 1} ip events"
        add_ip_events(session, case, None, _events(upload.ip_events, field), field)
    uploads = [(i, u) for i, u in enumerate(report.uploads) if u.hashes]
    add_files(session, case,
              [[HashIn(algorithm=a, value=values.hash_value(a, v, f"file {i + 1} {a}"),
                       file_name=fit(ReportedFile, "file_name", u.name))
                for a, v in sorted(u.hashes.items())] for i, u in uploads],
              [u.annotations for _, u in uploads])
    keep_source(session, actor, case, fmt, report.report_id, data, report.unknown, warnings,
                text=report.source_text)
    report.warnings = warnings
    hits = run_arrival_lookups(session, case)
    audit.record(session, actor, "report.import", "case", case.reference,
                 detail={"format": fmt, "report_id": report.report_id,
                         "persons": len(report.persons), "files": len(report.uploads),
                         "unknown_fields": len(report.unknown), "hits": len(hits)})
    return case, report, hits
