"""Arrival look-ups: everything an incoming case names, looked up against all other cases.

A provider answers probes (`kind`, `value`) with hits in other cases and a sentence a person can
act on ("this phone number is a suspect's in case CC-2018-0007"). The case register's providers
are in `register_providers`; chats would add "is a member of group X", evidence "is item …".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from nigehbaan.cases.access import visible_clause
from nigehbaan.cases.models import Case
from nigehbaan.core.actors import Actor
from nigehbaan.referrals.models import ArrivalHit, IpCapture, ReportedFile
from nigehbaan.referrals.registry import Registry
from nigehbaan.referrals.views import HitOut

PROBE_KINDS = ("phone", "email", "handle", "ip", "md5", "sha1", "sha256", "pdq")
KIND_WORDS = {"phone": "phone number", "email": "e-mail address", "handle": "handle",
              "ip": "IP address", "md5": "MD5 hash", "sha1": "SHA-1 hash",
              "sha256": "SHA-256 hash", "pdq": "PDQ hash"}


@dataclass(frozen=True)
class Probe:
    kind: str
    value: str


@dataclass(frozen=True)
class Hit:
    probe: Probe
    case_id: int
    text: str
    """What the value is in that case, e.g. "is a suspect's": `sentence` adds the rest."""


class LookupProvider(Protocol):
    @property
    def name(self) -> str: ...

    def lookup(self, session: Session, probes: Sequence[Probe],
               exclude_case_id: int) -> Iterable[Hit]: ...


lookup_providers: Registry[LookupProvider] = Registry("lookup")


def probes_of(session: Session, case: Case) -> list[Probe]:
    """What a case names: its people's identifiers, reported hashes and IP addresses."""
    found = {Probe(i.kind, i.value) for p in case.persons for i in p.identifiers}
    files = session.execute(select(ReportedFile.algorithm, ReportedFile.value)
                            .where(ReportedFile.case_id == case.id))
    found |= {Probe(kind, value) for kind, value in files}
    addresses = session.execute(select(IpCapture.address).where(IpCapture.case_id == case.id))
    found |= {Probe("ip", address) for (address,) in addresses}
    return sorted(found, key=lambda probe: (probe.kind, probe.value))


def run_arrival_lookups(session: Session, case: Case) -> list[ArrivalHit]:
    """Ask every provider, keep one hit per (other case, value, text), store and return them."""
    probes = probes_of(session, case)
    seen: set[tuple[int, str, str, str]] = set()
    stored: list[ArrivalHit] = []
    for provider in lookup_providers:
        for hit in provider.lookup(session, probes, case.id):
            key = (hit.case_id, hit.probe.kind, hit.probe.value, hit.text)
            if hit.case_id == case.id or key in seen:
                continue
            seen.add(key)
            row = ArrivalHit(case_id=case.id, other_case_id=hit.case_id, kind=hit.probe.kind,
                             value=hit.probe.value, provider=provider.name, text=hit.text)
            session.add(row)
            stored.append(row)
    session.flush()
    return stored


def sentence(kind: str, value: str, text: str, reference: str) -> str:
    shown = value if len(value) <= 40 else f"{value[:16]}…"
    return f"this {KIND_WORDS.get(kind, kind)} {shown} {text} in case {reference}"


def hits_for(session: Session, actor: Actor, case: Case) -> list[HitOut]:
    """The stored hits; a case the reader may not open is named but not described."""
    rows = session.execute(
        select(ArrivalHit, Case.reference).join(Case, Case.id == ArrivalHit.other_case_id)
        .where(ArrivalHit.case_id == case.id).order_by(Case.reference, ArrivalHit.id)).all()
    ids = {hit.other_case_id for hit, _ in rows}
    visible = set(session.execute(select(Case.id).where(Case.id.in_(ids),
                                                        visible_clause(actor))).scalars())
    views = []
    for hit, reference in rows:
        shown = hit.other_case_id in visible
        text = hit.text if shown else "is known"
        views.append(HitOut(kind=hit.kind, value=hit.value, reference=reference, visible=shown,
                            text=text, provider=hit.provider,
                            sentence=sentence(hit.kind, hit.value, text, reference)))
    return views
