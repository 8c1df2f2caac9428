"""Damaged input to the platform-report readers, incoming referrals and the package verifier:
seeded mutations of valid synthetic inputs end as success or as a one-line refusal, never as a
traceback or a half-written case, on SQLite and PostgreSQL alike; then one regression test per
crash the mutations found."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import random
import struct
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.cases.models import Case
from nigehbaan.core.actors import Actor
from nigehbaan.core.db import transaction
from nigehbaan.core.errors import Conflict, DomainError, Invalid
from nigehbaan.core.settings import Settings
from nigehbaan.referrals import archive, signing, verify
from nigehbaan.referrals.incoming import receive_referral
from nigehbaan.referrals.models import InboundReport, IpCapture, ReportedFile
from nigehbaan.referrals.package import FORMAT, MANIFEST, PUBLIC_KEY, SIGNATURE, VERSION
from nigehbaan.referrals.platform.importer import import_report
from nigehbaan.referrals.schemas import IncomingReferralIn
from tests.mutations import Recipe, delete, insert, overwrite, truncate
from tests.support import Account
from tests.zip_bombs import into_directory, quoted_overlap, zeros_bomb, zipped

DATA = Path(__file__).parent / "data"
JSON_REPORT = (DATA / "cybertip_le.json").read_bytes()
XML_REPORT = (DATA / "esp_report.xml").read_bytes()
REFERRAL: dict[str, Any] = {
    "agency": "Embassy of Spain liaison", "country": "ES", "reference": "ES-2024-0001",
    "title": "Referral", "text": "A national of yours is in a group we seized.",
    "received_at": "2024-03-01T10:00:00Z", "offences": ["PECA-2016-22"], "region": "Punjab",
    "subjects": [{"full_name": "Mateo Example", "role": "suspect", "country": "ES",
                  "identifiers": [{"kind": "phone", "value": "+34 612 34 56 78"},
                                  {"kind": "handle", "value": "mx", "platform": "telegram"}],
                  "ip_events": [{"address": "192.0.2.9", "at": "2024-03-01T10:00:00Z",
                                 "event": "login", "port": 443}]}],
    "hashes": [{"algorithm": "SHA-256", "value": "AB" * 32, "file_name": "a.jpg"}]}
ODD_VALUES: list[Any] = [
    None, True, 0, -1, 1.5, 10**30, 1e308, float("inf"), float("nan"), "", "x", "\x00",
    "a\x00b", "Z" * 5000, "2024-13-45T99:00", "not-an-ip", [], {}, [None], {"a": {"b": []}},
    "::", "fe80::1%" + "e" * 60, "ab" * 200, "h" * 199, "x" * 81, "x" * 201]
ODD_TEXT = ["", "x", "-1", "9" * 30, "1e400", "NaN", "2024-99-99", "300.1.2.3", "Z" * 5000,
            "&#0;", "a&#0;b", "&amp;&lt;", "&#x10FFFF;", "&#xD800;", "&unknown;", "0" * 300,
            "zz" * 40, "h" * 199, "fe80::1%" + "e" * 60, "é" * 100]
XML_TRICKS = [
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
    b'<report id="1">&b;</report>',
    b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://example.invalid/x.dtd"><report/>',
    '<?xml version="1.0" encoding="UTF-16"?><report id="u16"/>'.encode("utf-16-le"),
    b'<?xml version="1.0" encoding="latin-1"?><report id="\xe9">\xe9</report>',
    b'<report id="x">\x00</report>', b'<report id="&#0;"/>',
    b'<a:report xmlns:a="urn:x" id="1"/>']
CASES = 70
"""Mutated copies per input kind: enough to meet every crash the sweep found, in seconds."""
DAMAGE = Recipe((insert([bytes([b]) for b in b'\x00"<{\xff\x80&[\\,'], pieces=3), delete(20),
                 overwrite(), truncate))
"""One of: three bytes that start or break JSON, XML or UTF-8 inserted, up to 20 bytes cut,
one byte overwritten, the end cut off."""


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if prefix:
        yield prefix
    items = value.items() if isinstance(value, dict) else (
        enumerate(value) if isinstance(value, list) else [])
    for key, item in items:
        yield from _paths(item, (*prefix, key))


def _json_doc(document: Any, rng: random.Random) -> Any:
    document = copy.deepcopy(document)
    for _ in range(rng.randint(1, 3)):
        paths = list(_paths(document))
        if not paths:
            break
        *steps, key = rng.choice(paths)
        parent = document
        for step in steps:
            parent = parent[step]
        chance = rng.random()
        if chance < 0.7:
            parent[key] = copy.deepcopy(rng.choice(ODD_VALUES))
        elif chance < 0.85:
            del parent[key]
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        else:
            parent[f"{key}Extra"] = copy.deepcopy(parent[key])
    return document


def _json(rng: random.Random) -> bytes:
    if rng.random() < 0.3:
        return DAMAGE.damage(JSON_REPORT, rng)
    return json.dumps(_json_doc(json.loads(JSON_REPORT), rng)).encode()


def _xml(rng: random.Random) -> bytes:
    chance = rng.random()
    if chance < 0.25:
        return DAMAGE.damage(XML_REPORT, rng)
    if chance < 0.3:
        return rng.choice(XML_TRICKS)
    root = ET.fromstring(XML_REPORT)
    swaps: dict[str, str] = {}
    for number in range(rng.randint(1, 3)):
        element = rng.choice(list(root.iter()))
        parent = next((p for p in root.iter() if element in list(p)), None)
        chance = rng.random()
        if chance < 0.15 and parent is not None:
            parent.remove(element)
        elif chance < 0.3 and parent is not None:
            parent.append(copy.deepcopy(element))
        else:
            token = f"MUTATION{number}X"
            if chance < 0.8:
                element.text = token
            else:
                element.set(rng.choice(["id", "countryCallingCode", "hashType", "version"]),
                            token)
            swaps[token] = rng.choice([*ODD_TEXT, "MD5", "SHA256", "1"])
    text = ET.tostring(root, encoding="unicode")
    for token, value in swaps.items():  # character references verbatim, so &#0; stays one
        text = text.replace(token, value if value.startswith("&") else
                            value.replace("&", "&amp;").replace("<", "&lt;"))
    return text.encode("utf-8")


def _package(entries: list[tuple[str, bytes]] | None = None, manifest: bytes | None = None,
             signature: bytes | None = None) -> bytes:
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))  # same bytes every run
    entries = entries if entries is not None else [
        (PUBLIC_KEY, signing.public_pem(key.public_key())),
        ("summary.html", b"<html>synthetic</html>"), ("data/case.json", b'{"a": 1}\n')]
    if manifest is None:
        manifest = json.dumps({
            "format": FORMAT, "version": VERSION, "case": "NH-2024-0001", "country": "ES",
            "files": [{"path": name, "size": len(data),
                       "sha256": hashlib.sha256(data).hexdigest()} for name, data in entries]
        }).encode()
    if signature is None:
        signature = key.sign(manifest).hex().encode()
    return archive.write([(MANIFEST, manifest), (SIGNATURE, signature), *entries])


def _compressed(method: int) -> bytes:
    return zipped({MANIFEST: random.Random(method).randbytes(400)}, method)


def _damaged_package(rng: random.Random) -> bytes:
    chance = rng.random()
    if chance < 0.35:
        return DAMAGE.damage(_package(), rng)
    if chance < 0.7:
        manifest = json.loads(zipfile.ZipFile(io.BytesIO(_package())).read(MANIFEST))
        return _package(manifest=json.dumps(_json_doc(manifest, rng)).encode())
    if chance < 0.8:
        return _package(signature=rng.choice([b"", b"zz", b"\xff", b"ab" * 200, b"\x00"]))
    if chance < 0.9:
        return _package(manifest=rng.choice([b"\xff\xfe", b"[]", b"9" * 5000, b'{"a": ' * 50000]))
    method = rng.choice([zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
    return DAMAGE.damage(_compressed(method), rng)


def _one_line(error: DomainError) -> bool:
    return bool(error.detail) and "\n" not in error.detail


def _cases(session: Session) -> int:
    return session.execute(select(func.count(Case.id))).scalar_one()


def _import(factory: sessionmaker[Session], actor: Actor, settings: Settings,
            run: Callable[[Session], object]) -> str:
    """Runs one import in its own transaction: the outcome, and nothing half-written."""
    with transaction(factory) as session:
        before = _cases(session)
    try:
        with transaction(factory) as session:
            run(session)
        outcome = "ok"
    except DomainError as error:
        assert _one_line(error), error.detail
        outcome = type(error).__name__
    with transaction(factory) as session:
        assert _cases(session) == before + (outcome == "ok"), outcome
    return outcome


@pytest.mark.parametrize("fmt", ["ncmec-json", "ncmec-xml"])
def test_damaged_platform_reports_end_in_a_case_or_a_one_line_refusal(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        fmt: str) -> None:
    rng = random.Random(f"platform-{fmt}")
    actor = accounts["investigator"].actor
    mutate = _json if fmt == "ncmec-json" else _xml
    outcomes: Counter[str] = Counter()
    for _ in range(CASES):
        data = mutate(rng)

        def run(session: Session, data: bytes = data) -> object:
            return import_report(session, actor, data, fmt, settings)
        outcomes[_import(factory, actor, settings, run)] += 1
    assert set(outcomes) <= {"ok", "Invalid", "Conflict"} and outcomes["Invalid"], outcomes


def test_damaged_referrals_end_in_a_case_or_a_one_line_refusal(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account]) -> None:
    rng = random.Random("referral")
    actor = accounts["investigator"].actor
    outcomes: Counter[str] = Counter()
    for _ in range(CASES * 2):
        body = json.dumps(_json_doc(REFERRAL, rng))
        try:
            draft = IncomingReferralIn.model_validate_json(body)
        except ValidationError:  # the API and the CLI answer these by field
            outcomes["shape"] += 1
            continue

        def run(session: Session, draft: IncomingReferralIn = draft) -> object:
            return receive_referral(session, actor, draft, settings)
        outcomes[_import(factory, actor, settings, run)] += 1
    assert set(outcomes) <= {"ok", "shape", "Invalid", "NotFound", "Conflict"}, outcomes
    assert outcomes["ok"], outcomes


def test_damaged_packages_are_refused_in_one_line_per_problem() -> None:
    rng = random.Random("package")
    outcomes: Counter[str] = Counter()
    for _ in range(CASES * 2):
        try:
            result = verify.check(_damaged_package(rng))
        except Invalid as error:
            assert _one_line(error), error.detail
            outcomes["refused"] += 1
            continue
        assert all(p and "\n" not in p for p in result.problems), result.problems
        outcomes["ok" if result.ok else "problems"] += 1
    assert outcomes["problems"] and outcomes["refused"], outcomes


# Regressions: one per crash the mutations found.

def _report(change: Callable[[dict[str, Any]], object]) -> bytes:
    document = json.loads(JSON_REPORT)
    change(document)
    return json.dumps(document).encode()


def _person(document: dict[str, Any]) -> dict[str, Any]:
    person: dict[str, Any] = document["reportedInformation"]["reportedPeople"][
        "reportedPersons"][0]
    return person


def _upload(document: dict[str, Any]) -> dict[str, Any]:
    upload: dict[str, Any] = document["reportedInformation"]["uploadedFiles"]["uploadedFiles"][0]
    return upload


def _refused(factory: sessionmaker[Session], settings: Settings, actor: Actor, data: bytes,
             fmt: str = "ncmec-json") -> str:
    with pytest.raises(Invalid) as refused, transaction(factory) as session:
        import_report(session, actor, data, fmt, settings)
    with transaction(factory) as session:
        assert _cases(session) == 0
    assert "\n" not in refused.value.detail
    return refused.value.detail


def test_a_name_longer_than_its_column_is_cut_not_a_crash(
        session: Session, settings: Settings, accounts: dict[str, Account]) -> None:
    data = _report(lambda d: _person(d).update(firstName="N" * 300))
    case, _, _ = import_report(session, accounts["investigator"].actor, data, "ncmec-json",
                               settings)
    assert len(case.persons[0].full_name) == 200 and case.persons[0].full_name.startswith("NNN")


def test_an_identifier_too_long_to_store_is_kept_in_the_notes(
        session: Session, settings: Settings, accounts: dict[str, Account]) -> None:
    data = _report(lambda d: _person(d).update(screenName="s" * 250, espUserId="u" * 195))
    case, report, _ = import_report(session, accounts["investigator"].actor, data, "ncmec-json",
                                    settings)
    assert all(len(i.value) <= 200 for i in case.persons[0].identifiers)
    assert f"unverified handle: {'s' * 250}" in case.persons[0].notes
    assert f"unverified handle: id:{'u' * 195}" in case.persons[0].notes
    assert sum("longer than an identifier" in w for w in report.warnings) == 2


@pytest.mark.parametrize(("address", "message"), [
    pytest.param("", "person 1 ip events[0].address: '' is not an IP address", id="empty"),
    pytest.param("fe80::1%" + "e" * 60, "person 1 ip events[0].address: 'fe80::1%eee",
                 id="zone-too-long"),
])
def test_an_unusable_ip_address_is_refused_by_name(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        address: str, message: str) -> None:
    def change(document: dict[str, Any]) -> None:
        _person(document)["ipCaptureEvents"][0]["ipAddress"] = address
    data = _report(change)
    assert message in _refused(factory, settings, accounts["investigator"].actor, data)


def test_a_long_event_name_is_cut_to_its_column(
        session: Session, settings: Settings, accounts: dict[str, Account]) -> None:
    data = _report(lambda d: _person(d)["ipCaptureEvents"][0].update(eventName="E" * 300))
    case, _, _ = import_report(session, accounts["investigator"].actor, data, "ncmec-json",
                               settings)
    event = session.execute(select(IpCapture.event).where(IpCapture.case_id == case.id,
                                                          IpCapture.person_id.is_not(None))
                            ).scalar_one()
    assert len(event) == 80 and event.startswith("EEE")


def test_an_event_time_no_case_can_hold_is_refused_by_name(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account]) -> None:
    """Year 1 east of Greenwich is before the first instant UTC can hold: it was a raw
    pydantic error, an HTTP 500, when the event was stored."""
    data = _report(lambda d: _person(d)["ipCaptureEvents"][0].update(
        dateTime="0001-01-01T00:00:00+05:00"))
    detail = _refused(factory, settings, accounts["investigator"].actor, data)
    assert "'0001-01-01T00:00:00+05:00' lies outside the range of dates" in detail


def test_an_overlong_hash_is_refused_by_name(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account]) -> None:
    data = _report(lambda d: _upload(d).update(md5="a" * 300))
    detail = _refused(factory, settings, accounts["investigator"].actor, data)
    assert detail.startswith("file 1 md5: 'aaa") and "is not a md5" in detail


def test_an_empty_xml_hash_is_kept_as_unread(
        session: Session, settings: Settings, accounts: dict[str, Account]) -> None:
    data = XML_REPORT.replace(b">fedcba9876543210fedcba9876543210<", b"><")
    case, report, _ = import_report(session, accounts["investigator"].actor, data, "ncmec-xml",
                                    settings)
    assert "report/fileDetails[1]/originalFileHash" in report.unknown
    algorithms = session.execute(select(ReportedFile.algorithm)
                                 .where(ReportedFile.case_id == case.id)).scalars().all()
    assert algorithms == ["sha256"]


def test_nul_characters_are_stored_as_replacement_characters(
        session: Session, settings: Settings, accounts: dict[str, Account]) -> None:
    def nul(document: dict[str, Any]) -> None:
        _person(document).update(firstName="Te\x00st", accountStatus="dis\x00abled")
        _person(document)["ipCaptureEvents"][0]["eventName"] = "Log\x00in"
        _upload(document)["fileName"] = "up\x00load.jpg"
        document["reportedInformation"]["incidentSummary"]["incidentType"] = "Type\x00"
    case, _, _ = import_report(session, accounts["investigator"].actor, _report(nul),
                               "ncmec-json", settings)
    assert case.persons[0].full_name == "Te\ufffdst Subject" and "Type\ufffd" in case.summary
    names = session.execute(select(ReportedFile.file_name)
                            .where(ReportedFile.case_id == case.id)).scalars().all()
    assert set(names) == {"up\ufffdload.jpg"}
    source = session.execute(select(InboundReport).where(InboundReport.case_id == case.id)
                             ).scalar_one()
    assert source.unknown[
        "reportedInformation.reportedPeople.reportedPersons[0].accountStatus"] == "dis\ufffdabled"


def test_a_report_id_longer_than_its_column_still_finds_the_duplicate(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account]) -> None:
    data = _report(lambda d: d.update(reportId="7" * 300))
    actor = accounts["investigator"].actor
    with transaction(factory) as session:
        case, _, _ = import_report(session, actor, data, "ncmec-json", settings)
        assert case.referring_reference == "7" * 80
    with pytest.raises(Conflict, match="already received"), transaction(factory) as session:
        import_report(session, actor, data, "ncmec-json", settings)


NUMBERS = [
    pytest.param(JSON_REPORT.replace(b'"port": 443', b'"port": Infinity'),
                 "Infinity is not a JSON value", id="infinity"),
    pytest.param(JSON_REPORT.replace(b'"disabled"', b"NaN"), "NaN is not a JSON value",
                 id="nan"),
    pytest.param(JSON_REPORT.replace(b'"disabled"', b"9" * 5000),
                 "a number has too many digits", id="too-many-digits"),
    pytest.param(JSON_REPORT.replace(b'"port": 443', b'"port": 1e999'),
                 "'inf' is not a port number", id="port-overflows"),
    pytest.param(JSON_REPORT.replace(b'"firstName": "Test"', b'"age": 1e999'),
                 "'inf' is not an age", id="age-overflows"),
]


@pytest.mark.parametrize(("text", "message"), NUMBERS)
def test_numbers_json_cannot_hold_are_refused_by_name(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        text: bytes, message: str) -> None:
    assert message in _refused(factory, settings, accounts["investigator"].actor, text)


def test_xml_without_a_byte_order_mark_in_utf16_is_refused(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account]) -> None:
    data = XML_REPORT.decode().replace("UTF-8", "UTF-16").encode("utf-16-le")
    detail = _refused(factory, settings, accounts["investigator"].actor, data, "ncmec-xml")
    assert "NUL bytes" in detail


def test_xml_in_a_declared_encoding_is_kept_as_its_text(
        session: Session, settings: Settings, accounts: dict[str, Account]) -> None:
    data = XML_REPORT.replace(b"UTF-8", b"ISO-8859-1").replace(b"Uploader",
                                                               "Übeltäter".encode("latin-1"))
    case, _, _ = import_report(session, accounts["investigator"].actor, data, "ncmec-xml",
                               settings)
    source = session.execute(select(InboundReport).where(InboundReport.case_id == case.id)
                             ).scalar_one()
    assert "Übeltäter" in source.original and source.original.encode("latin-1") == data
    assert source.sha256 == hashlib.sha256(data).hexdigest()


def test_a_referral_title_too_short_for_a_case_is_refused_by_name(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account]) -> None:
    draft = IncomingReferralIn.model_validate({**REFERRAL, "title": "ab"})
    with pytest.raises(Invalid, match=r"^title: String should have at least 3 characters$"), \
            transaction(factory) as session:
        receive_referral(session, accounts["investigator"].actor, draft, settings)
    with transaction(factory) as session:
        assert _cases(session) == 0


def test_a_handle_too_long_with_its_platform_is_refused_by_name(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account]) -> None:
    subject = {**REFERRAL["subjects"][0],
               "identifiers": [{"kind": "handle", "value": "h" * 195, "platform": "telegram"}]}
    draft = IncomingReferralIn.model_validate({**REFERRAL, "subjects": [subject]})
    with pytest.raises(Invalid, match=r"^subjects\[0\]\.identifiers\[0\]\.value: 'h{100}'… "
                                      r"\(195 characters\) is longer"), \
            transaction(factory) as session:
        receive_referral(session, accounts["investigator"].actor, draft, settings)
    with transaction(factory) as session:
        assert _cases(session) == 0


@pytest.mark.parametrize("manifest", [b'{"a": ' * 50000, b"9" * 5000])
def test_an_unreadable_manifest_is_a_problem_not_a_crash(manifest: bytes) -> None:
    result = verify.check(_package(manifest=manifest))
    assert not result.ok and f"{MANIFEST}: not readable JSON" in result.problems[0]


@pytest.mark.parametrize(("method", "skip"), [(zipfile.ZIP_DEFLATED, 0), (zipfile.ZIP_LZMA, 9)])
def test_a_corrupt_compressed_entry_is_named(method: int, skip: int) -> None:
    """zlib and lzma raise their own errors (not zipfile's) on a damaged stream."""
    packed = bytearray(_compressed(method))
    start = 30 + len(MANIFEST) + skip  # past the local header (and LZMA's properties)
    packed[start:start + 12] = b"\x5a" * 12
    result = verify.check(bytes(packed))
    assert not result.ok and f"{MANIFEST}: damaged" in result.problems[0]


def test_an_archive_needing_an_unknown_zip_version_is_refused() -> None:
    packed = bytearray(_package())
    central = packed.index(b"PK\x01\x02")
    struct.pack_into("<B", packed, central + 6, 148)  # "version needed to extract": 14.8
    with pytest.raises(Invalid, match=r"^package: not a package .*zip file version 14\.8"):
        verify.check(bytes(packed))


def test_a_line_break_in_a_listed_name_stays_on_one_line() -> None:
    manifest = json.dumps({"format": FORMAT, "version": VERSION,
                           "files": [{"path": "evil\nname", "size": 1, "sha256": ""}]}).encode()
    result = verify.check(_package(manifest=manifest))
    assert "evil\\nname: listed in the manifest but missing" in result.problems


@pytest.mark.parametrize(("build", "named"), [
    (lambda package: quoted_overlap(package, copies=50),
     rf"entry '{MANIFEST}' at byte 0 overlaps entry '{MANIFEST}' at byte 0"),
    (into_directory, r"entry 'data/case\.json' overlaps the central directory"),
    (zeros_bomb, r"entry 'zeros\.bin' declares 9437184 bytes"),
])
def test_a_zip_bomb_is_not_a_package(build: Callable[[bytes], bytes], named: str) -> None:
    """Fifty entries reading one manifest would each be read in full by Python 3.11's
    zipfile; the package is refused before any entry is read."""
    with pytest.raises(Invalid, match=rf"^package: not a package \(refused: possible zip bomb: "
                                      rf"{named}"):  # fmt: skip
        verify.check(build(_package()))


def test_a_package_whose_entries_inflate_beyond_it_is_refused() -> None:
    """Packages store their entries: 300 deflated MiB of zeros in a 1 MB zip were read into
    memory whole (each entry stays under the ratio floor)."""
    data = zipped({f"e{n}.bin": bytes(1 << 20) for n in range(300)})
    assert len(data) < 2 << 20
    with pytest.raises(Invalid, match=r"its entries declare 314572800 bytes, more than its own"):
        archive.read(data, "pkg")
