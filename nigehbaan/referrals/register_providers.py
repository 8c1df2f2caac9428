"""The case register's own providers: built-in behaviour written as providers, so the extension
points are proven by the product itself.

Look-ups: identifiers of people in other cases; hashes and IP addresses that earlier referrals
and platform reports named. Package sections: the attributed people with their identifiers,
their IP capture events, and the files reported with the case (hashes only, never content).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from nigehbaan.cases.access import display_identifier, display_name
from nigehbaan.cases.models import Identifier, Person
from nigehbaan.core.clock import as_utc
from nigehbaan.core.db import in_chunks
from nigehbaan.referrals import uco
from nigehbaan.referrals.lookups import Hit, Probe, lookup_providers
from nigehbaan.referrals.models import IpCapture, ReportedFile
from nigehbaan.referrals.sections import PackageContext, Section, section_providers

IDENTIFIER_KINDS = ("phone", "email", "handle")
HASH_KINDS = ("md5", "sha1", "sha256", "pdq")


class RegisterIdentifiers:
    """Phones, e-mails and handles recorded for people in other cases."""

    name = "register.identifiers"

    def lookup(self, session: Session, probes: Sequence[Probe],
               exclude_case_id: int) -> Iterable[Hit]:
        wanted = [(p.kind, p.value) for p in probes if p.kind in IDENTIFIER_KINDS]
        if not wanted:
            return []
        rows = session.execute(
            select(Identifier.kind, Identifier.value, Identifier.case_id, Person.role)
            .join(Person, Person.id == Identifier.person_id)
            .where(tuple_(Identifier.kind, Identifier.value).in_(wanted),
                   Identifier.case_id != exclude_case_id)
            .order_by(Identifier.case_id, Identifier.id))
        return [Hit(Probe(kind, value), case_id, f"is a {role.replace('_', ' ')}'s")
                for kind, value, case_id, role in rows]


class ReportedElsewhere:
    """Hashes and IP addresses that earlier referrals and platform reports gave us."""

    name = "register.reported"

    def lookup(self, session: Session, probes: Sequence[Probe],
               exclude_case_id: int) -> Iterable[Hit]:
        """In chunks: a platform report (up to 20 MiB) can name 100,000 files, and a hash
        takes two parameters; one IN list would pass PostgreSQL's 65,535."""
        hashes = [(p.kind, p.value) for p in probes if p.kind in HASH_KINDS]
        addresses = [p.value for p in probes if p.kind == "ip"]
        hits: list[Hit] = []
        for chunk in in_chunks(hashes):
            rows = session.execute(
                select(ReportedFile.algorithm, ReportedFile.value, ReportedFile.case_id,
                       ReportedFile.file_name)
                .where(tuple_(ReportedFile.algorithm, ReportedFile.value).in_(chunk),
                       ReportedFile.case_id != exclude_case_id))
            hits += [Hit(Probe(kind, value), case_id,
                         "was reported"
                         + (f" (as '{name}')" if name else ""))
                     for kind, value, case_id, name in rows]
        for chunk_ip in in_chunks(addresses):
            rows_ip = session.execute(
                select(IpCapture.address, IpCapture.case_id, IpCapture.at)
                .where(IpCapture.address.in_(chunk_ip), IpCapture.case_id != exclude_case_id))
            hits += [Hit(Probe("ip", address), case_id,
                         "was captured"
                         + (f" at {as_utc(at):%Y-%m-%d %H:%M} UTC" if at else ""))
                     for address, case_id, at in rows_ip]
        return hits


class PeopleSection:
    name = "register.people"

    def section(self, context: PackageContext) -> Section | None:
        ids = context.ids
        section = Section("people", "People attributed to this country",
                          ["role", "name", "minor", "identifiers", "why"])
        for item in context.people:
            person = item.person
            name = display_name(person, context.team)
            section.rows.append({
                "role": person.role.replace("_", " "), "name": name or "(unnamed)",
                "minor": "yes" if person.is_minor else "",
                "identifiers": ", ".join(f"{i.kind} {display_identifier(i, person, context.team)}"
                                         for i in person.identifiers),
                "why": "; ".join(item.reasons)})
            node = uco.person(ids, str(person.id), name or f"{person.role} {person.id}")
            node["uco-core:description"] = person.role
            section.uco.append(node)
            for identifier in person.identifiers:
                value = display_identifier(identifier, person, context.team)
                account = uco.account(ids, identifier.kind, value)
                section.uco.append(account)
                section.uco.append(uco.relationship(
                    ids, f"owns-{person.id}-{identifier.id}", account["@id"], node["@id"],
                    "Has_Account"))
        return section


class IpCaptureSection:
    name = "register.ip_captures"

    def section(self, context: PackageContext) -> Section | None:
        people = {item.person.id: item.person for item in context.people}
        if not people:
            return None
        rows = context.session.execute(
            select(IpCapture).where(IpCapture.case_id == context.case.id,
                                    IpCapture.person_id.in_(people))
            .order_by(IpCapture.at, IpCapture.id)).scalars().all()
        if not rows:
            return None
        ids = context.ids
        section = Section("ip_captures", "IP addresses captured", ["person", "address", "time",
                                                                   "event", "port"])
        for row in rows:
            person = people[row.person_id or 0]
            section.rows.append({
                "person": display_name(person, context.team) or f"person {person.id}",
                "address": row.address, "time": f"{as_utc(row.at):%Y-%m-%d %H:%M:%S} UTC"
                if row.at else "", "event": row.event, "port": str(row.port or "")})
            address = uco.ip_address(ids, row.address)
            section.uco.append(address)
            section.uco.append(uco.relationship(
                ids, f"ip-{row.id}", ids(f"person-{person.id}"), address["@id"],
                f"Connected_To{' (' + row.event + ')' if row.event else ''}", row.at))
        return section


class ReportedFilesSection:
    name = "register.reported_files"

    def section(self, context: PackageContext) -> Section | None:
        if not context.people:
            return None
        rows = context.session.execute(
            select(ReportedFile).where(ReportedFile.case_id == context.case.id)
            .order_by(ReportedFile.file_key, ReportedFile.algorithm)).scalars().all()
        if not rows:
            return None
        files: dict[str, list[ReportedFile]] = defaultdict(list)
        for row in rows:
            files[row.file_key or str(row.id)].append(row)
        section = Section("reported_files", "Files reported with this case (hashes only)",
                          ["file", "hashes", "annotations"],
                          note="As received from the referring agency or platform.")
        for key, group in files.items():
            name = group[0].file_name
            hashes = {row.algorithm: row.value for row in group}
            section.rows.append({
                "file": name or "(no name)",
                "hashes": ", ".join(f"{a} {v}" for a, v in sorted(hashes.items())),
                "annotations": ", ".join(group[0].annotations)})
            section.uco.append(uco.file(context.ids, f"reported-{key}", name, hashes))
        return section


lookup_providers.register(RegisterIdentifiers())
lookup_providers.register(ReportedElsewhere())
section_providers.register(PeopleSection())
section_providers.register(IpCaptureSection())
section_providers.register(ReportedFilesSection())
