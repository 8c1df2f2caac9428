"""NCMEC CyberTipline reports as electronic service providers send them (`<report>` XML).

Parsed with `defusedxml` and no DTD at all: entity expansion ("billion laughs"), external
entities and DTD fetching are refused, never resolved. Exactly the elements listed in
`docs/platform-reports.md` are read; any other element is kept verbatim (as XML) under an
XPath-like path (`report/personOrUserReported[1]/accountTier`).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from xml.etree.ElementTree import Element, ParseError, tostring

import defusedxml
import defusedxml.ElementTree as SafeTree

from nigehbaan.core.errors import Invalid, shown
from nigehbaan.referrals.platform.limits import (
    age,
    check_size,
    hash_name,
    port,
    utf8_text,
    when,
)
from nigehbaan.referrals.platform.model import (
    IpEvent,
    PlatformReport,
    ReportedPerson,
    ReportedUpload,
)

SUPPORTED_VERSIONS = ("", "1", "1.0")
"""A `version` attribute on `<report>`, if present, must be one of these."""
DECLARED_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)")
"""Expat honours a declared encoding; without one the bytes must be UTF-8."""
PERSON_FIELDS = ("firstName", "lastName", "phone", "email", "age", "address")
USER_FIELDS = ("espIdentifier", "espService", "screenName", "displayName", "profileUrl",
               "ipCaptureEvent", "deviceId", "estimatedLocation")


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


class Reader:
    name = "ncmec-xml"

    def __init__(self) -> None:
        self.report = PlatformReport(format=self.name, report_id="")

    def _children(self, element: Element, path: str, known: tuple[str, ...]) -> list[Element]:
        """The element's children; those not in `known` are kept verbatim as unknown."""
        found = []
        for index, child in enumerate(element):
            if child.tag in known:
                found.append(child)
            else:
                key = f"{path}/{child.tag}"
                key = key if key not in self.report.unknown else f"{key}[{index}]"
                self.report.unknown[key] = tostring(child, encoding="unicode").strip()
        return found

    def _ip(self, element: Element, path: str) -> IpEvent:
        fields = {c.tag: _text(c) for c in self._children(
            element, path, ("ipAddress", "eventName", "dateTime", "port"))}
        return IpEvent(address=fields.get("ipAddress", ""), event=fields.get("eventName", ""),
                       at=when(fields.get("dateTime"), f"{path}/dateTime"),
                       port=port(fields.get("port"), f"{path}/port"))

    def _person_details(self, person: ReportedPerson, element: Element, path: str) -> None:
        for child in self._children(element, path, PERSON_FIELDS):
            value = _text(child)
            if child.tag == "firstName":
                person.first_name = value
            elif child.tag == "lastName":
                person.last_name = value
            elif child.tag == "phone" and value:
                code = child.get("countryCallingCode", "").strip().lstrip("+")
                person.phones.append(f"+{code}{value}" if code and not value.startswith("+")
                                     else value)
            elif child.tag == "email" and value:
                person.emails.append(value)
            elif child.tag == "age" and value:
                person.age = age(value, f"{path}/age")
            elif child.tag == "address":
                self.report.unknown[f"{path}/address"] = tostring(child, "unicode").strip()

    def _person(self, element: Element, path: str, role: str, person_tag: str) -> ReportedPerson:
        person = ReportedPerson(role=role)
        for child in self._children(element, path, (person_tag, *USER_FIELDS, "schoolName")):
            where = f"{path}/{child.tag}"
            value = _text(child)
            if child.tag == person_tag:
                self._person_details(person, child, where)
            elif child.tag in ("espIdentifier", "screenName") and value:
                person.handles.append(value if child.tag == "screenName" else f"id:{value}")
            elif child.tag in ("displayName", "profileUrl", "espService", "schoolName") and value:
                person.notes.append(f"{child.tag}: {value}")
            elif child.tag == "ipCaptureEvent":
                person.ip_events.append(self._ip(child, where))
            elif child.tag == "deviceId":
                parts = {c.tag: _text(c) for c in child}
                person.notes.append(f"device {parts.get('idType', '')} {parts.get('idValue', '')}"
                                    .strip())
            elif child.tag == "estimatedLocation":
                person.country = _text(child.find("countryCode"))
        return person

    def _file(self, element: Element, path: str) -> ReportedUpload:
        upload = ReportedUpload()
        known = ("originalFileName", "fileViewedByEsp", "publiclyAvailable", "fileAnnotations",
                 "industryClassification", "originalFileHash", "details", "ipCaptureEvent")
        for child in self._children(element, path, known):
            where = f"{path}/{child.tag}"
            value = _text(child)
            if child.tag == "originalFileName":
                upload.name = value
            elif child.tag in ("fileViewedByEsp", "publiclyAvailable", "industryClassification"):
                upload.annotations.append(f"{child.tag}: {value}")
            elif child.tag == "fileAnnotations":
                upload.annotations += [annotation.tag for annotation in child]
            elif child.tag == "originalFileHash":
                algorithm = hash_name(child.get("hashType", ""))
                if algorithm is None or not value:
                    self.report.unknown[where] = tostring(child, "unicode").strip()
                else:
                    upload.hashes[algorithm] = value
            elif child.tag == "details":
                for pair in child:
                    name, content = _text(pair.find("name")), _text(pair.find("value"))
                    algorithm = hash_name(name)
                    if algorithm and content:
                        upload.hashes.setdefault(algorithm, content)
                    else:
                        self.report.unknown[f"{where}/{name or pair.tag}"] = content
            elif child.tag == "ipCaptureEvent":
                upload.ip_events.append(self._ip(child, where))
        return upload

    def _summary(self, element: Element) -> None:
        known = ("incidentType", "platform", "incidentDateTime", "reportAnnotations")
        for child in self._children(element, "report/incidentSummary", known):
            if child.tag == "incidentType":
                self.report.incident_type = _text(child)
            elif child.tag == "platform":
                self.report.service = _text(child)
            elif child.tag == "incidentDateTime":
                self.report.incident_at = when(_text(child), "incidentSummary/incidentDateTime")
            else:
                self.report.annotations += [flag.tag for flag in child]

    def read(self, data: bytes) -> PlatformReport:
        check_size(data, "ncmec-xml")
        declared = DECLARED_ENCODING.match(data)
        if not declared:
            utf8_text(data, "ncmec-xml")
        if b"\x00" in data:
            raise Invalid("ncmec-xml: NUL bytes: UTF-16 or UTF-32 without a byte order mark, "
                          "or not text; convert it to UTF-8")
        root = parse(data)
        if declared:
            self.report.source_text = _decoded(data, declared.group(1).decode("ascii"))
        if root.tag != "report":
            raise Invalid(f"ncmec-xml: root element is <{root.tag}>, not <report>")
        version = root.get("version", "")
        if version not in SUPPORTED_VERSIONS:
            raise Invalid(f"ncmec-xml: unknown report version {shown(version)} (this importer "
                          f"reads {', '.join(v for v in SUPPORTED_VERSIONS if v)})")
        report = self.report
        report.report_id = root.get("id", "") or _text(root.find("reportId"))
        known = ("reportId", "incidentSummary", "internetDetails", "personOrUserReported",
                 "intendedRecipient", "victim", "additionalInfo", "fileDetails")
        seen: Counter[str] = Counter()
        for child in self._children(root, "report", known):
            seen[child.tag] += 1
            where = f"report/{child.tag}[{seen[child.tag]}]"
            if child.tag == "incidentSummary":
                self._summary(child)
            elif child.tag == "internetDetails":
                for incident in child:
                    details = ", ".join(f"{leaf.tag} {_text(leaf)}" for leaf in incident.iter()
                                        if leaf is not incident and _text(leaf))
                    report.text.append(f"{incident.tag}: {details}".strip())
            elif child.tag == "personOrUserReported":
                report.persons.append(self._person(child, where, "suspect",
                                                   "personOrUserReportedPerson"))
            elif child.tag == "intendedRecipient":
                person = self._person(child, where, "victim", "intendedRecipientPerson")
                person.notes.append("intended recipient")
                report.persons.append(person)
            elif child.tag == "victim":
                report.persons.append(self._person(child, where, "victim", "victimPerson"))
            elif child.tag == "additionalInfo" and _text(child):
                report.text.append(_text(child))
            elif child.tag == "fileDetails":
                report.uploads.append(self._file(child, where))
        if not report.report_id:
            report.report_id = f"sha256:{hashlib.sha256(data).hexdigest()[:24]}"
            report.warnings.append("no report id (an `id` attribute or <reportId>): the "
                                   "document's SHA-256 stands in for it")
        return report


def _decoded(data: bytes, encoding: str) -> str | None:
    """The document as text in its declared encoding, so the verbatim copy is not mangled
    as UTF-8; None when Python cannot decode what expat could."""
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return None


def parse(data: bytes) -> Element:
    try:
        root: Element = SafeTree.fromstring(data, forbid_dtd=True, forbid_entities=True,
                                            forbid_external=True)
    except defusedxml.DTDForbidden:
        raise Invalid("ncmec-xml: a document type declaration (DTD) is refused: entity "
                      "definitions are how XML bombs and external-entity tricks work") from None
    except defusedxml.EntitiesForbidden:
        raise Invalid("ncmec-xml: entity declarations are refused (XML bomb)") from None
    except defusedxml.ExternalReferenceForbidden:
        raise Invalid("ncmec-xml: external references are refused") from None
    except LookupError as error:
        raise Invalid(f"ncmec-xml: {error}") from None
    except ParseError as error:
        line, column = error.position
        problem = str(error).split(":")[0]
        raise Invalid(f"ncmec-xml: malformed XML at line {line} column {column + 1}: "
                      f"{problem}") from None
    return root
