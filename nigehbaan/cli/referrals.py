"""`nigehbaan referral …`: incoming referrals and platform reports, country packages, status."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from nigehbaan.cases.access import load_case
from nigehbaan.cli.common import (
    AsUser,
    Json,
    acting,
    database,
    emit,
    fail,
    handles_errors,
    settings,
)
from nigehbaan.core.errors import Invalid
from nigehbaan.referrals import (
    attribution,
    member_attribution,
    outgoing,
    package,
    signing,
    verify,
)
from nigehbaan.referrals.incoming import receive_referral
from nigehbaan.referrals.lookups import hits_for
from nigehbaan.referrals.platform.importer import import_report
from nigehbaan.referrals.platform.limits import MAX_REPORT_BYTES
from nigehbaan.referrals.schemas import IncomingReferralIn, ReferralStatus
from nigehbaan.referrals.views import HitOut, ImportOut, PackageOut, ReferralOut

app = typer.Typer(help="International referrals, platform reports and country packages.",
                  no_args_is_help=True)


def _hits_text(reference: str, hits: list[HitOut]) -> str:
    lines = [f"{reference}: {len(hits)} hit(s) in other cases"]
    lines += [f"  {hit.sentence}" for hit in hits]
    return "\n".join(lines)


def _ip(text: str) -> dict[str, object]:
    address, _, moment = text.partition("@")
    return {"address": address, "at": datetime.fromisoformat(moment) if moment else None}


@app.command("receive")
@handles_errors
def receive(agency: str = typer.Option(..., "--agency"),
            country: str = typer.Option(..., "--country", help="Referring country (ISO code)."),
            reference: str = typer.Option("", "--reference", help="Their reference."),
            text: str = typer.Option("", "--text"), name: str = typer.Option("", "--name"),
            phone: list[str] = typer.Option([], "--phone"),
            email: list[str] = typer.Option([], "--email"),
            handle: list[str] = typer.Option([], "--handle", help="PLATFORM:HANDLE"),
            ip: list[str] = typer.Option([], "--ip", help="ADDRESS[@ISO-TIME]"),
            hash_: list[str] = typer.Option([], "--hash", help="ALGORITHM:HEX"),
            as_user: str = AsUser, as_json: bool = Json) -> None:
    """Register an incoming international referral and look up what it names."""
    config = settings()
    identifiers = ([{"kind": "phone", "value": v} for v in phone]
                   + [{"kind": "email", "value": v} for v in email]
                   + [{"kind": "handle", "value": v.partition(":")[2] or v,
                       "platform": v.partition(":")[0] if ":" in v else ""} for v in handle])
    try:
        events = [_ip(value) for value in ip]
    except ValueError:
        raise Invalid("--ip: write ADDRESS@ISO-TIME, e.g. 192.0.2.7@2024-03-01T10:00Z") from None
    subjects = ([{"full_name": name, "identifiers": identifiers, "ip_events": events}]
                if identifiers or events or name else [])
    draft = IncomingReferralIn.model_validate({
        "agency": agency, "country": country, "reference": reference, "text": text,
        "subjects": subjects,
        "hashes": [{"algorithm": h.partition(":")[0], "value": h.partition(":")[2]}
                   for h in hash_]})
    with database(config) as session:
        actor = acting(session, as_user)
        case, _ = receive_referral(session, actor, draft, config)
        hits = hits_for(session, actor, case)
        reference_ = case.reference
    emit({"case": reference_, "hits": [h.model_dump() for h in hits]}, as_json,
         lambda: _hits_text(reference_, hits))


@app.command("import")
@handles_errors
def import_(file: Path, fmt: str = typer.Option(..., "--format", help="ncmec-json | ncmec-xml"),
            as_user: str = AsUser, as_json: bool = Json) -> None:
    """Import a platform report (NCMEC CyberTipline JSON export or ESP XML) as a new case."""
    config = settings()
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_REPORT_BYTES + 1)
    except OSError as error:
        fail(f"{file}: cannot be read ({error.strerror})")
    with database(config) as session:
        actor = acting(session, as_user)
        case, report, _ = import_report(session, actor, data, fmt, config)
        result = ImportOut(
            case=case.reference, format=fmt, source_id=report.report_id,
            persons=len(case.persons),
            identifiers=sum(len(p.identifiers) for p in case.persons),
            ip_captures=sum(len(p.ip_events) for p in report.persons)
            + sum(len(u.ip_events) for u in report.uploads),
            files=sum(1 for u in report.uploads if u.hashes),
            unknown_fields=sorted(report.unknown), warnings=report.warnings,
            hits=hits_for(session, actor, case))
    emit(result, as_json, lambda: "\n".join(
        [f"imported {result.source_id} as {result.case}: {result.persons} people, "
         f"{result.identifiers} identifiers, {result.ip_captures} IP captures, "
         f"{result.files} files; {len(result.unknown_fields)} unread fields kept verbatim"]
        + [f"  warning: {w}" for w in result.warnings]
        + [f"  {hit.sentence}" for hit in result.hits]))


@app.command("hits")
@handles_errors
def hits(case: str = typer.Option(..., "--case"), as_user: str = AsUser,
         as_json: bool = Json) -> None:
    """What the case's identifiers and hashes are in other cases (found on arrival)."""
    with database(settings()) as session:
        actor = acting(session, as_user)
        found = hits_for(session, actor, load_case(session, actor, case))
    emit(found, as_json, lambda: _hits_text(case.upper(), found))


@app.command("attribute")
@handles_errors
def attribute(case: str = typer.Option(..., "--case"), person: int = typer.Option(..., "--person"),
              country: str = typer.Option(..., "--country"),
              reason: str = typer.Option(..., "--reason"), as_user: str = AsUser) -> None:
    """Attribute a person to a country by hand (when no phone number says it)."""
    with database(settings()) as session:
        attribution.attribute(session, acting(session, as_user), case, person, country, reason)
    typer.echo(f"person {person} of {case.upper()} attributed to {country.upper()}")


@app.command("attribute-member")
@handles_errors
def attribute_member(case: str = typer.Option(..., "--case"),
                     member: int = typer.Option(..., "--member", help="Chat member id."),
                     country: str = typer.Option(..., "--country"),
                     reason: str = typer.Option(..., "--reason"), as_user: str = AsUser) -> None:
    """Attribute a chat group member to a country by hand (a contact shown by name only)."""
    with database(settings()) as session:
        member_attribution.attribute_member(session, acting(session, as_user), case, member,
                                            country, reason)
    typer.echo(f"chat member {member} of {case.upper()} attributed to {country.upper()}")


@app.command("build")
@handles_errors
def build(case: str = typer.Option(..., "--case"), country: str = typer.Option(..., "--country"),
          out: Path = typer.Option(..., "--out"),
          media: bool = typer.Option(False, "--media", help="Include approved media content."),
          as_user: str = AsUser, as_json: bool = Json) -> None:
    """Build the signed country package for the people of CASE attributed to COUNTRY."""
    config = settings()
    with database(config) as session:
        built = package.build(session, acting(session, as_user), case, country, config,
                              media=media)
        try:
            out.write_bytes(built.data)
        except OSError as error:
            fail(f"--out {out}: cannot be written ({error.strerror})")
        result = PackageOut(referral=built.referral.id, case=case.upper(),
                            country=country.upper(), path=str(out), sha256=built.sha256,
                            files=built.files, media=built.media, people=built.people,
                            key_fingerprint=built.fingerprint)
    emit(result, as_json, lambda: (
        f"wrote {out}: referral {result.referral} ({result.case} → {result.country}), "
        f"{result.people} people, {result.files} files, {result.media} media\n"
        f"  sha256 {result.sha256}\n  signed by key {result.key_fingerprint}"))


@app.command("verify")
@handles_errors
def verify_(file: Path, key: Path = typer.Option(None, "--key", help="The sender's public key "
                                                   "(PEM); default: the package's own."),
            as_json: bool = Json) -> None:
    """Check a package offline: signature and every SHA-256; exit 1 naming what failed."""
    key_pem = None
    if key is not None:
        try:
            key_pem = key.read_bytes()
        except OSError as error:
            fail(f"--key {key}: cannot be read ({error.strerror})")
    result = verify.check(verify.read_package(file), key_pem=key_pem,
                          key_source=str(key) if key else "")
    if not result.ok:
        fail(f"{file}: refused: " + "; ".join(result.problems))
    emit(result, as_json, lambda: (
        f"{file}: intact: {result.files} files match the signed manifest "
        f"({result.case} → {result.country})\n  signed by key {result.key_fingerprint} "
        f"({result.key_source})"))


@app.command("key")
@handles_errors
def key(out: Path = typer.Option(None, "--out", help="Write the public key here.")) -> None:
    """The unit's public signing key (PEM), made on first use, for partners to pin."""
    public = signing.unit_public_key(settings())
    pem = signing.public_pem(public).decode("ascii")
    if out is None:
        typer.echo(pem.rstrip("\n"))
    else:
        out.write_text(pem)
    typer.echo(f"fingerprint {signing.fingerprint(public)}", err=out is None)


def _line(r: ReferralOut) -> str:
    return (f"{r.id:>5}  {r.country}  {r.status:<12} {r.case:<14} "
            f"sent {r.sent_at:%Y-%m-%d}" if r.sent_at else
            f"{r.id:>5}  {r.country}  {r.status:<12} {r.case:<14} not sent")


@app.command("list")
@handles_errors
def list_(awaiting: bool = typer.Option(False, "--awaiting", help="Sent, not yet answered."),
          country: str = typer.Option("", "--country"), case: str = typer.Option("", "--case"),
          as_user: str = AsUser, as_json: bool = Json) -> None:
    """Outgoing referrals; with --awaiting, those waiting for an answer, by country."""
    with database(settings()) as session:
        rows = outgoing.list_referrals(session, acting(session, as_user), awaiting=awaiting,
                                       country=country, reference=case)
    emit(rows, as_json, lambda: "\n".join(_line(r) for r in rows) or "no referrals")


@app.command("move")
@handles_errors
def move(referral: int, to: ReferralStatus, reason: str = typer.Option(..., "--reason"),
         as_user: str = AsUser, as_json: bool = Json) -> None:
    """Move a referral: approved (supervisor), sent, acknowledged, answered, back to draft."""
    with database(settings()) as session:
        moved = outgoing.move(session, acting(session, as_user), referral, to, reason)
        result = outgoing.view(session, moved)
    emit(result, as_json, lambda: f"referral {result.id} is {result.status}")


@app.command("approve-media")
@handles_errors
def approve_media(referral: int, reason: str = typer.Option(..., "--reason"),
                  as_user: str = AsUser) -> None:
    """Supervisor: allow media content in this referral's package (audited)."""
    with database(settings()) as session:
        outgoing.approve_media(session, acting(session, as_user), referral, reason)
    typer.echo(f"media approved for referral {referral}")
