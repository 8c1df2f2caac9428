"""NCMEC CyberTipline reports as law enforcement receives them (JSON export).

The schema is not public in full: exactly the fields listed in `docs/platform-reports.md` are
read; every other field is kept verbatim under its path in `PlatformReport.unknown`.
"""

from __future__ import annotations

import json
from typing import Any

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

SUPPORTED_VERSIONS = ("1", "1.0")
"""The export itself carries no version we know of; a `schemaVersion` field, if a future
export adds one, must be one of these, so a changed shape is refused rather than misread."""


class Reader:
    name = "ncmec-json"

    def __init__(self) -> None:
        self.report = PlatformReport(format=self.name, report_id="")

    def _obj(self, value: Any, path: str, known: tuple[str, ...]) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise Invalid(f"{path}: expected an object, found {type(value).__name__}")
        for key, item in value.items():
            if key not in known:
                self.report.unknown[f"{path}.{key}"] = item
        return value

    @staticmethod
    def _list(value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise Invalid(f"{path}: expected a list, found {type(value).__name__}")
        return value

    def _ip(self, item: Any, path: str) -> IpEvent:
        data = self._obj(item, path, ("ipAddress", "eventName", "dateTime", "port"))
        return IpEvent(address=str(data.get("ipAddress", "")), event=str(data.get("eventName")
                       or ""), at=when(data.get("dateTime"), f"{path}.dateTime"),
                       port=port(data.get("port"), f"{path}.port"))

    def _person(self, item: Any, path: str) -> ReportedPerson:
        data = self._obj(item, path, (
            "firstName", "lastName", "phones", "emails", "screenName", "espUserId",
            "displayName", "profileUrl", "age", "ipCaptureEvents", "estimatedLocation"))
        person = ReportedPerson(first_name=str(data.get("firstName") or ""),
                                last_name=str(data.get("lastName") or ""))
        for index, phone in enumerate(self._list(data.get("phones"), f"{path}.phones")):
            where = f"{path}.phones[{index}]"
            if isinstance(phone, str):
                person.phones.append(phone)
                continue
            phone = self._obj(phone, where, ("phoneNumber", "countryCallingCode"))
            code = str(phone.get("countryCallingCode") or "").strip().lstrip("+")
            number = str(phone.get("phoneNumber") or "").strip()
            person.phones.append(f"+{code}{number}" if code and not number.startswith("+")
                                 else number)
        for index, email in enumerate(self._list(data.get("emails"), f"{path}.emails")):
            if isinstance(email, dict):
                email = self._obj(email, f"{path}.emails[{index}]", ("email",)).get("email")
            if email:
                person.emails.append(str(email))
        if data.get("screenName"):
            person.handles.append(str(data["screenName"]))
        if data.get("espUserId"):
            person.handles.append(f"id:{data['espUserId']}")
        for label in ("displayName", "profileUrl"):
            if data.get(label):
                person.notes.append(f"{label}: {data[label]}")
        if data.get("age") not in (None, ""):
            person.age = age(data["age"], f"{path}.age")
        location = self._obj(data.get("estimatedLocation"), f"{path}.estimatedLocation",
                             ("countryCode",))
        person.country = str(location.get("countryCode") or "")
        events = self._list(data.get("ipCaptureEvents"), f"{path}.ipCaptureEvents")
        person.ip_events = [self._ip(e, f"{path}.ipCaptureEvents[{i}]")
                            for i, e in enumerate(events)]
        return person

    def _upload(self, item: Any, path: str) -> ReportedUpload:
        data = self._obj(item, path, ("fileName", "md5", "sha1", "sha256", "hashes",
                                      "fileAnnotations", "industryClassification",
                                      "sourceInformation"))
        upload = ReportedUpload(name=str(data.get("fileName") or ""))
        for direct in ("md5", "sha1", "sha256"):
            if data.get(direct):
                upload.hashes[direct] = str(data[direct])
        for index, entry in enumerate(self._list(data.get("hashes"), f"{path}.hashes")):
            where = f"{path}.hashes[{index}]"
            entry = self._obj(entry, where, ("hashType", "value"))
            algorithm = hash_name(str(entry.get("hashType") or ""))
            if algorithm is None:
                self.report.unknown[where] = entry
            elif entry.get("value"):
                upload.hashes[algorithm] = str(entry["value"])
        upload.annotations = [str(a) for a in self._list(data.get("fileAnnotations"),
                                                          f"{path}.fileAnnotations")]
        if data.get("industryClassification"):
            upload.annotations.append(f"industry {data['industryClassification']}")
        source = self._obj(data.get("sourceInformation"), f"{path}.sourceInformation",
                           ("sourceCaptures",))
        captures = self._list(source.get("sourceCaptures"),
                              f"{path}.sourceInformation.sourceCaptures")
        for index, capture in enumerate(captures):
            where = f"{path}.sourceInformation.sourceCaptures[{index}]"
            capture = self._obj(capture, where, ("captureType", "value", "dateTime", "port",
                                                 "eventName"))
            if "ip" not in str(capture.get("captureType") or "").lower():
                self.report.unknown[where] = capture
                continue
            upload.ip_events.append(IpEvent(
                address=str(capture.get("value") or ""), event=str(capture.get("eventName")
                                                                   or "Upload"),
                at=when(capture.get("dateTime"), f"{where}.dateTime"),
                port=port(capture.get("port"), f"{where}.port")))
        return upload

    def read(self, data: bytes) -> PlatformReport:
        check_size(data, "ncmec-json")
        text = utf8_text(data, "ncmec-json")
        try:
            document = json.loads(text, parse_constant=_not_json)
        except json.JSONDecodeError as error:
            raise Invalid(f"ncmec-json: malformed JSON at line {error.lineno} column "
                          f"{error.colno}: {error.msg}") from None
        except ValueError:  # the only other: an integer beyond Python's digit limit
            raise Invalid("ncmec-json: a number has too many digits to be read") from None
        except RecursionError:
            raise Invalid("ncmec-json: nested too deeply to be a report") from None
        top = self._obj(document, "$", ("reportId", "dateReceived", "reportedInformation",
                                        "schemaVersion"))
        version = top.get("schemaVersion")
        if version is not None and str(version) not in SUPPORTED_VERSIONS:
            raise Invalid(f"ncmec-json: unknown schemaVersion {shown(str(version))} (this importer "
                          f"reads {', '.join(SUPPORTED_VERSIONS)})")
        if top.get("reportId") in (None, ""):
            raise Invalid("ncmec-json: reportId is missing: not a CyberTipline report")
        report = self.report
        report.report_id = str(top["reportId"])
        report.received_at = when(top.get("dateReceived"), "dateReceived")
        info = self._obj(top.get("reportedInformation"), "reportedInformation", (
            "reportingEsp", "incidentSummary", "reportedPeople", "uploadedFiles", "ncmecTags",
            "additionalInformations"))
        esp = self._obj(info.get("reportingEsp"), "reportedInformation.reportingEsp",
                        ("espName",))
        report.service = str(esp.get("espName") or "")
        summary = self._obj(info.get("incidentSummary"), "reportedInformation.incidentSummary",
                            ("incidentType", "incidentDateTime", "reportAnnotations"))
        report.incident_type = str(summary.get("incidentType") or "")
        report.incident_at = when(summary.get("incidentDateTime"), "incidentDateTime")
        report.annotations = _flags(summary.get("reportAnnotations"))
        people = self._obj(info.get("reportedPeople"), "reportedInformation.reportedPeople",
                           ("reportedPersons",))
        base = "reportedInformation.reportedPeople.reportedPersons"
        report.persons = [self._person(p, f"{base}[{i}]")
                          for i, p in enumerate(self._list(people.get("reportedPersons"), base))]
        files = self._obj(info.get("uploadedFiles"), "reportedInformation.uploadedFiles",
                          ("uploadedFiles",))
        base = "reportedInformation.uploadedFiles.uploadedFiles"
        report.uploads = [self._upload(f, f"{base}[{i}]")
                          for i, f in enumerate(self._list(files.get("uploadedFiles"), base))]
        tags = self._list(info.get("ncmecTags"), "reportedInformation.ncmecTags")
        report.annotations += [f"ncmec: {tag}" for tag in tags if isinstance(tag, str)]
        for index, extra in enumerate(self._list(info.get("additionalInformations"),
                                                 "reportedInformation.additionalInformations")):
            if isinstance(extra, dict):
                extra = self._obj(extra, f"reportedInformation.additionalInformations[{index}]",
                                  ("value",)).get("value")
            if extra:
                report.text.append(str(extra))
        return report


def _not_json(name: str) -> Any:
    """`NaN` and `Infinity` are JavaScript, not JSON: no column or number field takes them."""
    raise Invalid(f"ncmec-json: {name} is not a JSON value")


def _flags(value: Any) -> list[str]:
    if isinstance(value, dict):
        return sorted(str(key) for key, on in value.items() if on)
    if isinstance(value, list):
        return [str(item) for item in value]
    return []

