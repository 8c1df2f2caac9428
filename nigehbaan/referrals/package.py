"""Building a country package: what the case holds on the people attributed to one country,
as a signed zip a partner can check offline.

Layout (all entries stored, see `archive`):
    manifest.json       what is inside: every other file's path, size and SHA-256; the case,
                        country, builder, time, the key's fingerprint and any media approval
    manifest.sig        Ed25519 signature of manifest.json's exact bytes, hex
    signing-key.pem     the unit's public key (convenience: pin it with `verify --key`)
    summary.html        for people: the case summary and every section as a table
    case-uco.jsonld     for machines: the CASE/UCO bundle
    data/<section>.json each section's rows
    media/<file>        only when a supervisor approved media for this referral
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from nigehbaan.cases.access import load_case, on_team
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.clock import utcnow
from nigehbaan.core.countries import check_country, country_name
from nigehbaan.core.errors import Conflict, Invalid
from nigehbaan.core.roles import Permission
from nigehbaan.core.settings import Settings
from nigehbaan.referrals import archive, outgoing, signing, summary, uco
from nigehbaan.referrals.attribution import attributed
from nigehbaan.referrals.models import Referral
from nigehbaan.referrals.sections import (
    PackageContext,
    Section,
    people_providers,
    section_providers,
)

FORMAT = "nigehbaan-country-package"
VERSION = 1
MANIFEST, SIGNATURE, PUBLIC_KEY = "manifest.json", "manifest.sig", "signing-key.pem"


@dataclass(frozen=True)
class Built:
    data: bytes
    referral: Referral
    sha256: str
    files: int
    media: int
    people: int
    fingerprint: str


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=1, ensure_ascii=False, sort_keys=True, default=str)
            + "\n").encode("utf-8")


def _media_entries(sections: list[Section]) -> list[tuple[str, bytes]]:
    entries = []
    for section in sections:
        for item in section.media:
            content = item.read()
            if hashlib.sha256(content).hexdigest() != item.sha256:
                raise Conflict(f"media {item.name}: content does not match its SHA-256 "
                               "(the vault copy failed verification)")
            entries.append((f"media/{item.name}", content))
    return entries


def build(session: Session, actor: Actor, reference: str, country: str, settings: Settings,
          *, media: bool = False, now: datetime | None = None) -> Built:
    case = load_case(session, actor, reference, Permission.CASE_WRITE)
    code = check_country(country)
    people = attributed(session, case, code)
    probe = PackageContext(session=session, actor=actor, case=case, country=code,
                           people=people, team=on_team(actor, case) or actor.local_operator,
                           include_media=media, ids=uco.id_maker(case.reference),
                           settings=settings)
    others = sum(p.count(probe) for p in people_providers)
    if not people and not others:
        raise Invalid(f"country: nobody in {case.reference} is attributed to {code} (by phone "
                      "number or recorded country); attribute a person by hand first")
    referral = outgoing.open_draft(session, actor, case.reference, code)
    if media and not referral.media_approved_by:
        raise Conflict(f"referral {referral.id}: media content needs a supervisor's approval "
                       "for this package (referral approve-media)")
    now = now or utcnow()
    exhibit = f"{case.reference}/{code}/{referral.id}"
    ids = uco.id_maker(exhibit)
    context = replace(probe, ids=ids, referral=referral.id)
    sections = [s for s in (p.section(context) for p in section_providers) if s is not None]
    key = signing.private_key(settings)
    fingerprint = signing.fingerprint(key.public_key())
    about = {"exhibit": exhibit, "case": case.reference, "title": case.title,
             "channel": case.channel, "received_at": case.received_at.isoformat(),
             "offences": [o.statute_code for o in case.offences], "summary": case.summary,
             "country": code, "country_name": country_name(code), "unit": settings.unit_name,
             "built_at": now.isoformat(), "built_by": actor.username}
    bundle = uco.bundle(ids, case_reference=case.reference, case_title=case.title,
                        summary=case.summary, unit=settings.unit_name, country=code,
                        built_at=now, nodes=[n for s in sections for n in s.uco],
                        exhibit=exhibit)
    entries: list[tuple[str, bytes]] = [
        (PUBLIC_KEY, signing.public_pem(key.public_key())),
        ("summary.html", summary.render(about, sections, media=media).encode("utf-8")),
        ("case-uco.jsonld", _json(bundle)),
        ("data/case.json", _json(about)),
        *[(f"data/{s.key}.json", _json({"title": s.title, "columns": s.columns,
                                        "rows": s.rows, "note": s.note})) for s in sections],
    ]
    media_entries = _media_entries(sections) if media else []
    entries += media_entries
    approval = ({"by": referral.media_approved_by, "reason": referral.media_reason,
                 "at": referral.media_approved_at} if media else None)
    manifest = _json({
        "format": FORMAT, "version": VERSION, "referral": referral.id, **about,
        "media_included": media, "media_approval": approval, "key_fingerprint": fingerprint,
        "files": [{"path": name, "size": len(data),
                   "sha256": hashlib.sha256(data).hexdigest()} for name, data in entries]})
    signature = key.sign(manifest).hex().encode("ascii") + b"\n"
    data = archive.write([(MANIFEST, manifest), (SIGNATURE, signature), *entries])
    digest = hashlib.sha256(data).hexdigest()
    referral.package_sha256, referral.built_at = digest, now
    session.flush()
    for section in sections:
        for callback in section.after:
            callback(digest)
    audit.record(session, actor, "referral.build", "referral", str(referral.id),
                 detail={"case": case.reference, "country": code, "sha256": digest,
                         "people": len(people) + others, "sections": [s.key for s in sections],
                         "media": len(media_entries)})
    return Built(data, referral, digest, len(entries) + 2, len(media_entries), len(people) + others,
                 fingerprint)
