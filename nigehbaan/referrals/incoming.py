"""Incoming international referrals: an agency's report becomes a case on the
`international_referral` channel, and everything it names is looked up against all cases.

The storing helpers (`add_files`, `add_ip_events`, `keep_source`) are shared with the platform
report importer, so both kinds of arrival leave the same traces and are found the same way.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from nigehbaan.cases import register
from nigehbaan.cases.channels import Channel
from nigehbaan.cases.models import Case, Person
from nigehbaan.cases.schemas import CaseIn
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.columns import fit, without_nul
from nigehbaan.core.errors import Conflict, Invalid, validation_detail
from nigehbaan.core.settings import Settings
from nigehbaan.referrals import values
from nigehbaan.referrals.lookups import run_arrival_lookups
from nigehbaan.referrals.models import ArrivalHit, InboundReport, IpCapture, ReportedFile
from nigehbaan.referrals.schemas import HashIn, IncomingReferralIn, IpEventIn

INCOMING_FORMAT = "international_referral"


def case_draft(fields: dict[str, Any]) -> CaseIn:
    """The case a partner's text asks for, U+0000 replaced (PostgreSQL refuses it); a field the
    case cannot hold is refused by name, as the API would refuse it."""
    try:
        return CaseIn.model_validate(without_nul(fields))
    except ValidationError as error:
        raise Invalid(validation_detail(error.errors())) from None


def add_files(session: Session, case: Case, files: Sequence[Sequence[HashIn]],
              annotations: Sequence[Sequence[str]] = ()) -> int:
    """Each inner list is one file's hashes (several algorithms, one name)."""
    count = 0
    for index, hashes in enumerate(files):
        key = uuid.uuid4().hex
        notes = list(annotations[index]) if index < len(annotations) else []
        seen: set[str] = set()
        for position, item in enumerate(hashes):
            where = f"hashes[{index}][{position}]" if len(hashes) > 1 else f"hashes[{index}]"
            algorithm = values.hash_algorithm(item.algorithm, f"{where}.algorithm")
            if algorithm in seen:
                continue
            seen.add(algorithm)
            session.add(ReportedFile(
                case_id=case.id, file_key=key, algorithm=algorithm,
                value=values.hash_value(algorithm, item.value, f"{where}.value"),
                file_name=fit(ReportedFile, "file_name", item.file_name),
                annotations=without_nul(notes)))
        count += 1
    session.flush()
    return count


def add_ip_events(session: Session, case: Case, person: Person | None,
                  events: Sequence[IpEventIn], field: str) -> int:
    for index, event in enumerate(events):
        session.add(IpCapture(
            case_id=case.id, person_id=person.id if person else None,
            address=values.ip_address(event.address, f"{field}[{index}].address"),
            at=event.at, event=fit(IpCapture, "event", event.event), port=event.port))
    session.flush()
    return len(events)


def keep_source(session: Session, actor: Actor, case: Case, fmt: str, source_id: str,
                original: bytes | str, unknown: dict[str, Any] | None = None,
                warnings: list[str] | None = None, *, text: str | None = None,
                ) -> InboundReport:
    """The report as it came, verbatim, so nothing a partner sent is lost to our reading.
    `text` is `original` decoded when it is not UTF-8; the SHA-256 is always of the bytes."""
    raw = original.encode("utf-8") if isinstance(original, str) else original
    source_id = fit(InboundReport, "source_id", source_id)
    earlier = session.execute(select(Case.reference)
                              .join(InboundReport, Case.id == InboundReport.case_id)
                              .where(InboundReport.format == fmt,
                                     InboundReport.source_id == source_id)).first()
    if earlier is not None:
        raise Conflict(f"{fmt} '{source_id}' was already received as case {earlier[0]}")
    row = InboundReport(case_id=case.id, format=fmt, source_id=source_id,
                        sha256=hashlib.sha256(raw).hexdigest(),
                        original=without_nul(text if text is not None
                                             else raw.decode("utf-8", errors="replace")),
                        unknown=without_nul(unknown or {}), warnings=without_nul(warnings or []),
                        imported_by=actor.username)
    session.add(row)
    session.flush()
    return row


def receive_referral(session: Session, actor: Actor, draft: IncomingReferralIn,
                     settings: Settings, *, now: datetime | None = None
                     ) -> tuple[Case, list[ArrivalHit]]:
    """Open the case, keep IP events and hashes, look everything up; one transaction."""
    fields = {"title": draft.title or f"Referral from {draft.agency}",
              "summary": draft.text, "channel": Channel.INTERNATIONAL_REFERRAL,
              "offences": draft.offences, "region": draft.region,
              "received_at": draft.received_at, "referring_agency": draft.agency,
              "referring_country": draft.country, "referring_reference": draft.reference,
              "persons": [subject.model_dump(exclude={"ip_events"}) for subject in
                          draft.subjects]}
    case = register.open_case(session, actor, case_draft(fields), settings, now=now,
                              person_field="subjects")
    for index, subject in enumerate(draft.subjects):
        add_ip_events(session, case, case.persons[index], subject.ip_events,
                      f"subjects[{index}].ip_events")
    add_files(session, case, [[item] for item in draft.hashes])
    source_id = (f"{draft.country.upper()}:{draft.reference}" if draft.reference
                 else f"case:{case.reference}")
    keep_source(session, actor, case, INCOMING_FORMAT, source_id, draft.model_dump_json(indent=1))
    hits = run_arrival_lookups(session, case)
    audit.record(session, actor, "referral.receive", "case", case.reference,
                 detail={"agency": draft.agency, "country": draft.country.upper(),
                         "subjects": len(draft.subjects), "hashes": len(draft.hashes),
                         "hits": len(hits)})
    return case, hits
