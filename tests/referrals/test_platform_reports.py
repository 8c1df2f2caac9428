"""Platform reports: the NCMEC law-enforcement JSON export and the ESP `<report>` XML, read into
a case whole, unread fields kept verbatim, and every kind of bad input refused by name."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.cases.models import Case
from nigehbaan.core.db import transaction
from nigehbaan.core.errors import Conflict, Invalid
from nigehbaan.core.settings import Settings
from nigehbaan.referrals.models import InboundReport, IpCapture, ReportedFile
from nigehbaan.referrals.platform import limits
from nigehbaan.referrals.platform.importer import import_report
from tests.support import Account

DATA = Path(__file__).parent / "data"
JSON_REPORT = (DATA / "cybertip_le.json").read_bytes()
XML_REPORT = (DATA / "esp_report.xml").read_bytes()


def test_json_export_becomes_a_platform_report_case(session: Session, settings: Settings,
                                                    accounts: dict[str, Account]) -> None:
    case, report, _ = import_report(session, accounts["investigator"].actor, JSON_REPORT,
                                    "ncmec-json", settings)
    assert case.channel == "platform_report" and case.referring_reference == "90000001"
    assert case.referring_agency == "NCMEC CyberTipline / ExampleChat"
    assert case.received_at.isoformat() == "2024-03-02T08:15:00+00:00"
    assert "sextortion" in case.summary and "Apparent child pornography" in case.summary
    (person,) = case.persons
    assert (person.role, person.full_name, person.country) == ("suspect", "Test Subject", "PK")
    assert sorted((i.kind, i.value) for i in person.identifiers) == [
        ("email", "test.subject@example.com"), ("handle", "examplechat:id:u-4471"),
        ("handle", "examplechat:test_subject_99"), ("phone", "+923001234567")]
    captures = session.execute(select(IpCapture.address, IpCapture.event, IpCapture.port,
                                      IpCapture.person_id).where(IpCapture.case_id == case.id)
                               .order_by(IpCapture.address)).all()
    assert captures == [("192.0.2.44", "Login", 443, person.id),
                        ("198.51.100.7", "Upload", 51000, None)]
    files = session.execute(select(ReportedFile.algorithm, ReportedFile.file_name)
                            .where(ReportedFile.case_id == case.id)
                            .order_by(ReportedFile.algorithm)).all()
    assert files == [("md5", "upload_0001.jpg"), ("sha256", "upload_0001.jpg")]
    source = session.execute(select(InboundReport).where(InboundReport.case_id == case.id)
                             ).scalar_one()
    assert source.original.encode() == JSON_REPORT
    assert source.unknown == {
        "$.exportedBy": "test-harness",
        "reportedInformation.incidentSummary.escalateToHighPriority": "no",
        "reportedInformation.reportingEsp.espContactEmail": "trust@example.com",
        "reportedInformation.reportedPeople.reportedPersons[0].accountStatus": "disabled",
        "reportedInformation.reportedPeople.reportedPersons[0].estimatedLocation.city":
            "Example City",
        "reportedInformation.uploadedFiles.uploadedFiles[0].fileViewedByEsp": True,
        "reportedInformation.uploadedFiles.uploadedFiles[0].hashes[1]":
            {"hashType": "PhotoDNA", "value": "opaque-licensed-value"},
        "reportedInformation.uploadedFiles.uploadedFiles[0].sourceInformation"
        ".sourceCaptures[1]": {"captureType": "Device", "value": "device-xyz"},
    }
    assert report.warnings == []


def test_esp_xml_report_becomes_a_case(session: Session, settings: Settings,
                                       accounts: dict[str, Account]) -> None:
    case, report, _ = import_report(session, accounts["investigator"].actor, XML_REPORT,
                                    "ncmec-xml", settings)
    assert case.referring_reference == "ESP-2024-0042"
    suspect, victim = case.persons
    assert (suspect.role, suspect.country, victim.role, victim.is_minor) == (
        "suspect", "ES", "victim", True)
    assert sorted(i.value for i in suspect.identifiers) == [
        "+34612345678", "exampleshare:id:es-8812", "exampleshare:uploader_es",
        "uploader@example.net"]
    assert "device IMEI" in suspect.notes and "displayName: Up" in suspect.notes
    assert "chatImIncident: chatClient ExampleShare Messenger, chatRoomName room-77" in case.summary
    assert "minorToMinorInteraction" in case.summary
    hashes = dict(session.execute(select(ReportedFile.algorithm, ReportedFile.value)
                                  .where(ReportedFile.case_id == case.id)).all())
    assert hashes == {"md5": "fedcba9876543210fedcba9876543210", "sha256": "bb22" * 16}
    address = session.execute(select(IpCapture.address).where(IpCapture.case_id == case.id)
                              ).scalar_one()
    assert address == "2001:db8::17"
    assert set(report.unknown) == {
        "report/lawEnforcement", "report/reporter",
        "report/personOrUserReported[1]/accountTier",
        "report/fileDetails[1]/originalFileHash", "report/fileDetails[1]/details/EXIF Model"}
    assert report.unknown["report/personOrUserReported[1]/accountTier"] == (
        "<accountTier>free</accountTier>")


def test_the_same_report_twice_is_refused(session: Session, settings: Settings,
                                          accounts: dict[str, Account]) -> None:
    actor = accounts["investigator"].actor
    case, _, _ = import_report(session, actor, JSON_REPORT, "ncmec-json", settings)
    with pytest.raises(Conflict, match=f"already received as case {case.reference}"):
        import_report(session, actor, JSON_REPORT, "ncmec-json", settings)


def test_a_second_report_naming_the_same_phone_hits_the_first(
        session: Session, settings: Settings, accounts: dict[str, Account]) -> None:
    actor = accounts["investigator"].actor
    first, _, _ = import_report(session, actor, JSON_REPORT, "ncmec-json", settings)
    again = JSON_REPORT.replace(b"90000001", b"90000002")
    _, _, hits = import_report(session, actor, again, "ncmec-json", settings)
    assert {(h.kind, h.other_case_id) for h in hits} >= {
        ("phone", first.id), ("md5", first.id), ("ip", first.id)}


def _json(change: Callable[[dict[str, object]], object]) -> bytes:
    document = json.loads(JSON_REPORT)
    change(document)
    return json.dumps(document).encode()


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<report><additionalInfo>&lol2;</additionalInfo></report>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE report [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<report><additionalInfo>&xxe;</additionalInfo></report>"""
BAD_INPUT = [
    ("ncmec-json", b'{"reportId": 1, "dateReceived": ', "malformed JSON at line 1 column 33"),
    ("ncmec-json", _json(lambda d: d.update(schemaVersion="9.9")), "unknown schemaVersion '9.9'"),
    ("ncmec-json", _json(lambda d: d.pop("reportId")), "reportId is missing"),
    ("ncmec-json", _json(lambda d: d.update(dateReceived="yesterday")), "dateReceived"),
    ("ncmec-json", _json(lambda d: d["reportedInformation"].update(  # type: ignore[attr-defined]
        reportedPeople={"reportedPersons": {"not": "a list"}})), "expected a list"),
    ("ncmec-json", JSON_REPORT.replace(b"Test", "Tést".encode("latin-1")), "not UTF-8"),
    ("ncmec-json", JSON_REPORT.decode().encode("utf-16"), "UTF-16"),
    ("ncmec-json", b"[" * 100000 + b"]" * 100000, "nested too deeply"),
    ("ncmec-json", b"   ", "empty"),
    ("ncmec-xml", XML_REPORT.replace(b"</report>", b""), "malformed XML at line"),
    ("ncmec-xml", BOMB, "document type declaration"),
    ("ncmec-xml", EXTERNAL, "document type declaration"),
    ("ncmec-xml", b'<report version="7"><additionalInfo>x</additionalInfo></report>',
     "unknown report version '7'"),
    ("ncmec-xml", b"<tipline/>", "root element is <tipline>"),
    ("ncmec-xml", XML_REPORT.replace(b'encoding="UTF-8"', b'encoding="klingon"'),
     "klingon"),
    ("ncmec-xml", XML_REPORT.replace(b'<?xml version="1.0" encoding="UTF-8"?>', b"")
     .replace(b"Example City", b"").replace(b"Uploader", "Übeltäter".encode("latin-1")),
     "not UTF-8"),
    ("ncmec-xml", XML_REPORT.replace(b"<port>", b"").replace(
        b"<dateTime>2024-04-10T12:55:00Z</dateTime>", b"<dateTime>soon</dateTime>"),
     "dateTime: 'soon' is not an ISO 8601"),
    ("ncmec-csv", b"a,b", "unknown 'ncmec-csv'"),
]


@pytest.mark.parametrize(("fmt", "data", "message"), BAD_INPUT,
                         ids=[f"{i}-{m[:24]}" for i, (_, _, m) in enumerate(BAD_INPUT)])
def test_bad_input_is_refused_by_name_and_nothing_is_kept(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        fmt: str, data: bytes, message: str) -> None:
    with pytest.raises(Invalid) as refused, transaction(factory) as session:
        import_report(session, accounts["investigator"].actor, data, fmt, settings)
    assert message in refused.value.detail
    with transaction(factory) as session:
        assert session.execute(select(func.count(Case.id))).scalar_one() == 0


def test_huge_files_are_refused_before_parsing(monkeypatch: pytest.MonkeyPatch,
                                               session: Session, settings: Settings,
                                               accounts: dict[str, Account]) -> None:
    monkeypatch.setattr(limits, "MAX_REPORT_BYTES", 1000)
    with pytest.raises(Invalid, match="too large"):
        import_report(session, accounts["investigator"].actor, JSON_REPORT, "ncmec-json",
                      settings)


def test_a_failure_after_the_case_was_opened_leaves_nothing(
        factory: sessionmaker[Session], settings: Settings,
        accounts: dict[str, Account]) -> None:
    """A bad IP address is found only while storing: the opened case must go too."""
    bad = _json(lambda d: d["reportedInformation"]["reportedPeople"][  # type: ignore[index]
        "reportedPersons"][0]["ipCaptureEvents"][0].update(ipAddress="300.1.2.3"))
    with pytest.raises(Invalid, match="not an IP address"), transaction(factory) as session:
        import_report(session, accounts["investigator"].actor, bad, "ncmec-json", settings)
    with transaction(factory) as session:
        assert session.execute(select(func.count(Case.id))).scalar_one() == 0
        assert session.execute(select(func.count(IpCapture.id))).scalar_one() == 0


def test_an_unreadable_phone_is_kept_as_a_note_with_a_warning(
        session: Session, settings: Settings, accounts: dict[str, Account]) -> None:
    odd = JSON_REPORT.replace(b'"3001234567"', b'"12"')
    case, report, _ = import_report(session, accounts["investigator"].actor, odd, "ncmec-json",
                                    settings)
    assert "unverified phone: +9212" in case.persons[0].notes
    assert report.warnings and "person 1" in report.warnings[0]
