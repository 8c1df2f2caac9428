"""Console pages of international cooperation: entering a referral or uploading a platform
report, a case's international page (hits, attribution, packages, status), and the list of
referrals awaiting an answer by country."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby
from typing import Annotated

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from nigehbaan.cases.access import load_case
from nigehbaan.cases.queries import case_detail
from nigehbaan.core.actors import Actor
from nigehbaan.core.auth import actor_for, session_ref
from nigehbaan.core.errors import Invalid
from nigehbaan.core.users import WebSession
from nigehbaan.referrals import attribution, outgoing, package
from nigehbaan.referrals.incoming import receive_referral
from nigehbaan.referrals.lookups import hits_for
from nigehbaan.referrals.platform.importer import READERS, import_report
from nigehbaan.referrals.platform.limits import MAX_REPORT_BYTES
from nigehbaan.referrals.schemas import IncomingReferralIn, ReferralStatus
from nigehbaan.referrals.sections import people_providers
from nigehbaan.web.deps import AppSettings, ConsoleSession, Db, check_csrf
from nigehbaan.web.pages import parse, redirect, render

router = APIRouter(include_in_schema=False)
Field = Annotated[str, Form()]
Optional = Annotated[str, Form()]


def _actor(web: WebSession) -> Actor:
    return actor_for(web.user, session_ref(web))


def identifier_lines(text: str) -> tuple[list[dict[str, str]], list[dict[str, object]]]:
    """`phone +34…`, `email a@b`, `handle telegram:name`, `ip 192.0.2.1 2024-03-01T10:00Z`,
    one per line: what a liaison officer pastes from an embassy's letter."""
    identifiers: list[dict[str, str]] = []
    events: list[dict[str, object]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        kind, _, rest = line.strip().partition(" ")
        rest = rest.strip()
        if not kind:
            continue
        if kind == "ip":
            address, _, moment = rest.partition(" ")
            try:
                at = datetime.fromisoformat(moment.strip()) if moment.strip() else None
            except ValueError:
                raise Invalid(f"identifiers line {number}: '{moment}' is not an ISO time") from None
            events.append({"address": address, "at": at})
        elif kind == "handle":
            platform, _, handle = rest.partition(":")
            identifiers.append({"kind": "handle", "value": handle or platform,
                                "platform": platform if handle else ""})
        else:
            identifiers.append({"kind": kind, "value": rest})
    return identifiers, events


def hash_line(line: str) -> dict[str, str]:
    """`sha256 HEX [file name]`."""
    algorithm, value, *name = [*line.split(), "", ""]
    return {"algorithm": algorithm, "value": value, "file_name": " ".join(name).strip()}


@router.get("/referrals", response_class=HTMLResponse)
def referrals_page(request: Request, web: ConsoleSession, db: Db) -> Response:
    actor = _actor(web)
    awaiting = outgoing.list_referrals(db, actor, awaiting=True)
    by_country = [(code, list(rows)) for code, rows in groupby(awaiting, key=lambda r: r.country)]
    return render(request, "referrals/list.html", web, by_country=by_country,
                  recent=outgoing.list_referrals(db, actor)[:100])


@router.get("/referrals/incoming", response_class=HTMLResponse)
def incoming_page(request: Request, web: ConsoleSession) -> Response:
    return render(request, "referrals/incoming.html", web, formats=list(READERS))


@router.post("/referrals/incoming")
def incoming(web: ConsoleSession, db: Db, settings: AppSettings, csrf: Field, agency: Field,
             country: Field, reference: Optional = "", text: Optional = "",
             name: Optional = "", identifiers: Optional = "", hashes: Optional = "") -> Response:
    check_csrf(web, csrf)
    found, events = identifier_lines(identifiers)
    subjects = ([{"full_name": name, "identifiers": found, "ip_events": events}]
                if found or events or name.strip() else [])
    draft = parse(IncomingReferralIn, {
        "agency": agency, "country": country, "reference": reference, "text": text,
        "subjects": subjects,
        "hashes": [hash_line(line) for line in hashes.splitlines() if line.strip()]})
    case, _ = receive_referral(db, _actor(web), draft, settings)
    return redirect(f"/cases/{case.reference}/international")


@router.post("/referrals/platform-report")
async def platform_report(web: ConsoleSession, db: Db, settings: AppSettings, csrf: Field,
                          format: Field, report: UploadFile) -> Response:
    check_csrf(web, csrf)
    data = await report.read(MAX_REPORT_BYTES + 1)
    case, _, _ = await run_in_threadpool(import_report, db, _actor(web), data, format, settings)
    return redirect(f"/cases/{case.reference}/international")


@router.get("/cases/{reference}/international", response_class=HTMLResponse)
def case_page(request: Request, reference: str, web: ConsoleSession, db: Db,
              country: str = "") -> Response:
    """`country` preselects the package's country (the chat group page links here from its
    country breakdown)."""
    actor = _actor(web)
    case = load_case(db, actor, reference)
    return render(request, "referrals/case.html", web,
                  case=case_detail(db, actor, case.reference, audit_read=False),
                  hits=hits_for(db, actor, case),
                  countries=sorted({*attribution.countries_of(db, case),
                                    *(code for provider in people_providers
                                      for code in provider.countries(db, case))}),
                  referrals=outgoing.list_referrals(db, actor, reference=case.reference),
                  chosen=country.strip().upper())


@router.post("/cases/{reference}/packages")
def build(reference: str, web: ConsoleSession, db: Db, settings: AppSettings, csrf: Field,
          country: Field, media: Optional = "") -> Response:
    check_csrf(web, csrf)
    built = package.build(db, _actor(web), reference, country, settings, media=bool(media))
    name = f"{reference.upper()}-{country.upper()}-{built.referral.id}.zip"
    return Response(built.data, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Package-SHA256": built.sha256})


@router.post("/cases/{reference}/attributions")
def attribute(reference: str, web: ConsoleSession, db: Db, csrf: Field, person_id: Field,
              country: Field, reason: Field) -> Response:
    check_csrf(web, csrf)
    if not person_id.strip().isdigit():
        raise Invalid("person_id: choose a person")
    attribution.attribute(db, _actor(web), reference, int(person_id), country, reason)
    return redirect(f"/cases/{reference.upper()}/international")


@router.post("/referrals/{referral_id}/move")
def move(referral_id: int, web: ConsoleSession, db: Db, csrf: Field, to: Field,
         reason: Field) -> Response:
    check_csrf(web, csrf)
    if to not in ReferralStatus._value2member_map_:
        raise Invalid(f"to: unknown status '{to}'")
    referral = outgoing.move(db, _actor(web), referral_id, ReferralStatus(to), reason)
    return redirect(f"/cases/{outgoing.view(db, referral).case}/international")


@router.post("/referrals/{referral_id}/media-approval")
def approve_media(referral_id: int, web: ConsoleSession, db: Db, csrf: Field,
                  reason: Field) -> Response:
    check_csrf(web, csrf)
    referral = outgoing.approve_media(db, _actor(web), referral_id, reason)
    return redirect(f"/cases/{outgoing.view(db, referral).case}/international")
