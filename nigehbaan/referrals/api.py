"""API routes of international cooperation: incoming referrals and platform reports, arrival
hits, attribution, outgoing referrals with their packages and status."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from nigehbaan.cases.access import load_case
from nigehbaan.cases.queries import case_detail
from nigehbaan.cases.views import CaseDetail
from nigehbaan.core.errors import Invalid
from nigehbaan.core.roles import Permission
from nigehbaan.referrals import attribution, outgoing, package, signing
from nigehbaan.referrals.incoming import receive_referral
from nigehbaan.referrals.lookups import hits_for
from nigehbaan.referrals.platform.importer import READERS, import_report
from nigehbaan.referrals.platform.limits import MAX_REPORT_BYTES
from nigehbaan.referrals.schemas import (
    AttributionIn,
    IncomingReferralIn,
    MediaApprovalIn,
    ReferralIn,
    ReferralMoveIn,
)
from nigehbaan.referrals.views import HitOut, ImportOut, ReferralOut
from nigehbaan.web.deps import AppSettings, CurrentActor, Db, RowId

router = APIRouter(tags=["referrals"])


@router.post("/referrals/incoming", response_model=CaseDetail, status_code=201)
def incoming(body: IncomingReferralIn, actor: CurrentActor, db: Db,
             settings: AppSettings) -> CaseDetail:
    case, _ = receive_referral(db, actor, body, settings)
    return case_detail(db, actor, case.reference, audit_read=False)


@router.post("/platform-reports", response_model=ImportOut, status_code=201,
             openapi_extra={"requestBody": {"content": {
                 "application/json": {}, "application/xml": {}}, "required": True}})
async def platform_report(request: Request, actor: CurrentActor, db: Db, settings: AppSettings,
                          format: str = Query(..., description=" | ".join(READERS))) -> ImportOut:
    """The report file as the request body, unchanged (JSON export or ESP XML)."""
    data = b""
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_REPORT_BYTES:
            raise Invalid(f"body: larger than {MAX_REPORT_BYTES} bytes")
    case, report, _ = import_report(db, actor, data, format, settings)
    return ImportOut(
        case=case.reference, format=format, source_id=report.report_id,
        persons=len(case.persons), identifiers=sum(len(p.identifiers) for p in case.persons),
        ip_captures=sum(len(p.ip_events) for p in report.persons)
        + sum(len(u.ip_events) for u in report.uploads),
        files=sum(1 for u in report.uploads if u.hashes), unknown_fields=sorted(report.unknown),
        warnings=report.warnings, hits=hits_for(db, actor, case))


@router.get("/cases/{reference}/hits", response_model=list[HitOut])
def case_hits(reference: str, actor: CurrentActor, db: Db) -> list[HitOut]:
    return hits_for(db, actor, load_case(db, actor, reference))


@router.post("/cases/{reference}/attributions", status_code=201)
def attribute(reference: str, body: AttributionIn, actor: CurrentActor,
              db: Db) -> dict[str, object]:
    row = attribution.attribute(db, actor, reference, body.person_id, body.country, body.reason)
    return {"person_id": row.person_id, "country": row.country, "set_by": row.set_by}


@router.get("/referrals", response_model=list[ReferralOut])
def referral_list(actor: CurrentActor, db: Db, awaiting: bool = False, country: str = "",
                  case: str = "") -> list[ReferralOut]:
    return outgoing.list_referrals(db, actor, awaiting=awaiting, country=country,
                                   reference=case)


@router.post("/cases/{reference}/referrals", response_model=ReferralOut, status_code=201)
def referral_create(reference: str, body: ReferralIn, actor: CurrentActor,
                    db: Db) -> ReferralOut:
    return outgoing.view(db, outgoing.create(db, actor, reference, body.country, body.note))


@router.post("/referrals/{referral_id}/moves", response_model=ReferralOut)
def referral_move(referral_id: RowId, body: ReferralMoveIn, actor: CurrentActor,
                  db: Db) -> ReferralOut:
    return outgoing.view(db, outgoing.move(db, actor, referral_id, body.to, body.reason))


@router.post("/referrals/{referral_id}/media-approval", response_model=ReferralOut)
def referral_media(referral_id: RowId, body: MediaApprovalIn, actor: CurrentActor,
                   db: Db) -> ReferralOut:
    return outgoing.view(db, outgoing.approve_media(db, actor, referral_id, body.reason))


@router.post("/cases/{reference}/packages", response_class=Response, status_code=201,
             responses={201: {"content": {"application/zip": {}}}})
def package_build(reference: str, body: ReferralIn, actor: CurrentActor, db: Db,
                  settings: AppSettings, media: bool = False) -> Response:
    """Build the signed country package (a zip) for the case's people of that country."""
    built = package.build(db, actor, reference, body.country, settings, media=media)
    name = f"{reference.upper()}-{body.country.upper()}-{built.referral.id}.zip"
    return Response(built.data, status_code=201, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Package-SHA256": built.sha256, "X-Referral": str(built.referral.id)})


@router.get("/referrals/signing-key", response_class=Response,
            responses={200: {"content": {"application/x-pem-file": {}}}})
def signing_key(actor: CurrentActor, settings: AppSettings) -> Response:
    """The unit's public key, for partners to pin (it is not a secret)."""
    actor.require(Permission.CASE_READ)
    public = signing.unit_public_key(settings)
    return Response(signing.public_pem(public), media_type="application/x-pem-file",
                    headers={"X-Key-Fingerprint": signing.fingerprint(public)})
