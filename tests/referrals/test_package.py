"""Country packages: who goes in, the signed manifest, offline verification, and refusals."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from nigehbaan.cases.models import Case
from nigehbaan.core.audit import AuditEvent
from nigehbaan.core.errors import Conflict, Forbidden, Invalid
from nigehbaan.core.settings import Settings
from nigehbaan.referrals import archive, attribution, outgoing, package, signing, verify
from nigehbaan.referrals.incoming import add_files, add_ip_events
from nigehbaan.referrals.schemas import HashIn, IpEventIn
from nigehbaan.referrals.sections import MediaFile, PackageContext, Section, section_providers
from tests.mutations import flipped
from tests.referrals.helpers import SPANISH_PHONE, group_case
from tests.support import Account

CASE_VALIDATE = Path(sys.executable).parent / "case_validate"


@pytest.fixture
def case(session: Session, settings: Settings, accounts: dict[str, Account]) -> Case:
    return group_case(session, accounts["investigator"].actor, settings)


def _build(session: Session, account: Account, case: Case, settings: Settings,
           country: str = "ES", media: bool = False) -> package.Built:
    return package.build(session, account.actor, case.reference, country, settings, media=media)


def _contents(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive_:
        return {name: archive_.read(name) for name in archive_.namelist()}


def test_package_holds_the_people_of_that_country_only(
        session: Session, settings: Settings, accounts: dict[str, Account], case: Case) -> None:
    built = _build(session, accounts["investigator"], case, settings)
    files = _contents(built.data)
    assert sorted(files) == [
        "case-uco.jsonld", "data/case.json", "data/people.json", "manifest.json",
        "manifest.sig", "signing-key.pem", "summary.html"]
    people = json.loads(files["data/people.json"])["rows"]
    assert [(p["role"], p["name"]) for p in people] == [("suspect", "Mateo Example")]
    assert SPANISH_PHONE in people[0]["identifiers"] and "is Spain's" in people[0]["why"]
    summary = files["summary.html"].decode()
    assert "Referral to Spain (ES)" in summary and "Mateo Example" in summary
    assert "Child Example" not in summary and "not included: hashes only" in summary
    manifest = json.loads(files["manifest.json"])
    assert manifest["case"] == case.reference and manifest["media_included"] is False
    assert built.referral.status == "draft" and built.referral.package_sha256 == built.sha256
    assert built.sha256 == hashlib.sha256(built.data).hexdigest()
    event = session.query(AuditEvent).filter(AuditEvent.action == "referral.build").one()
    assert event.detail["sha256"] == built.sha256


def test_a_person_attributed_by_hand_goes_in(
        session: Session, settings: Settings, accounts: dict[str, Account], case: Case) -> None:
    investigator = accounts["investigator"]
    member = case.persons[2]
    with pytest.raises(Invalid, match=r"nobody in .* is attributed to GB"):
        _build(session, investigator, case, settings, "GB")
    attribution.attribute(session, investigator.actor, case.reference, member.id, "GB",
                          "lives in Leeds per the chat")
    files = _contents(_build(session, investigator, case, settings, "GB").data)
    (row,) = json.loads(files["data/people.json"])["rows"]
    assert row["name"] == "Member Example" and "set by hand by investigator" in row["why"]


def test_a_minor_outside_the_team_stays_masked(
        session: Session, settings: Settings, accounts: dict[str, Account], case: Case) -> None:
    files = _contents(_build(session, accounts["supervisor"], case, settings, "PK").data)
    rows = json.loads(files["data/people.json"])["rows"]
    assert rows[0]["name"] == "[minor: name withheld]" and "•" in rows[0]["identifiers"]
    assert b"Child Example" not in b"".join(files.values())


def test_verify_accepts_the_package_offline(
        session: Session, settings: Settings, accounts: dict[str, Account], case: Case) -> None:
    built = _build(session, accounts["investigator"], case, settings)
    pem = signing.public_pem(signing.unit_public_key(settings))
    result = verify.check(built.data, key_pem=pem, key_source="unit.pem")
    assert result.ok, result.problems
    assert (result.files, result.case, result.country) == (5, case.reference, "ES")
    assert result.key_fingerprint == built.fingerprint
    assert verify.check(built.data).ok


def test_the_key_is_made_once_and_private(settings: Settings) -> None:
    first = signing.fingerprint(signing.unit_public_key(settings))
    assert signing.fingerprint(signing.unit_public_key(settings)) == first
    assert os.stat(signing.key_path(settings)).st_mode & 0o777 == 0o600


def test_every_changed_byte_is_refused(
        session: Session, settings: Settings, accounts: dict[str, Account], case: Case) -> None:
    data = _build(session, accounts["investigator"], case, settings).data
    pem = signing.public_pem(signing.unit_public_key(settings))
    step = max(1, len(data) // 400)
    accepted = []
    for position in range(0, len(data), step):
        try:
            result = verify.check(flipped(data, position), key_pem=pem, key_source="unit.pem")
        except Invalid:
            continue
        if result.ok:
            accepted.append(position)
    assert accepted == []


def _repacked(data: bytes, change: dict[str, bytes | None]) -> bytes:
    entries = [(name, change.get(name, content)) for name, content in _contents(data).items()]
    return archive.write([(name, content) for name, content in entries if content is not None])


@pytest.fixture
def built(session: Session, settings: Settings, accounts: dict[str, Account],
          case: Case) -> Iterator[bytes]:
    yield _build(session, accounts["investigator"], case, settings).data


def test_a_changed_file_is_named(built: bytes) -> None:
    files = _contents(built)
    altered = _repacked(built, {"summary.html": files["summary.html"].replace(b"Mateo", b"Mateu")})
    assert verify.check(altered).problems == ["summary.html: SHA-256 does not match the manifest"]


def test_a_missing_signature_is_named(built: bytes) -> None:
    problems = verify.check(_repacked(built, {"manifest.sig": None})).problems
    assert problems == ["signature missing: manifest.sig is not in the package"]


def test_a_wrong_key_is_named(built: bytes) -> None:
    other = signing.public_pem(Ed25519PrivateKey.generate().public_key())
    (problem,) = verify.check(built, key_pem=other, key_source="partner.pem").problems
    assert problem.startswith("signature does not verify: manifest.json was not signed by key")
    assert "partner.pem" in problem


def test_a_resigned_manifest_with_a_swapped_key_fails_against_the_pinned_key(
        built: bytes, settings: Settings) -> None:
    """An attacker can re-sign with their own key and embed it: only pinning catches that."""
    files = _contents(built)
    forger = Ed25519PrivateKey.generate()
    forged = _repacked(built, {
        "manifest.sig": forger.sign(files["manifest.json"]).hex().encode() + b"\n",
        "signing-key.pem": signing.public_pem(forger.public_key())})
    assert any("signing-key.pem: SHA-256" in p for p in verify.check(forged).problems)
    pinned = signing.public_pem(signing.unit_public_key(settings))
    assert not verify.check(forged, key_pem=pinned, key_source="unit.pem").ok


def test_an_unlisted_file_and_a_non_zip_are_named(built: bytes) -> None:
    extra = archive.write([*_contents(built).items(), ("media/extra.jpg", b"x")])
    assert verify.check(extra).problems == ["media/extra.jpg: in the package but not in the "
                                            "manifest"]
    with pytest.raises(Invalid, match="not a readable zip archive"):
        verify.check(b"not a zip at all")


class _FakeMedia:
    """A stand-in for the evidence provider: one generated benign file."""

    name = "test.media"
    content = b"synthetic benign bytes"

    def section(self, context: PackageContext) -> Section | None:
        digest = hashlib.sha256(self.content).hexdigest()
        return Section("media_items", "Media", ["sha256"], rows=[{"sha256": digest}],
                       media=[MediaFile(f"{digest}.bin", digest, lambda: self.content)])


@pytest.fixture
def media_provider() -> Iterator[None]:
    section_providers.register(_FakeMedia())
    yield
    section_providers.unregister(_FakeMedia.name)


@pytest.mark.usefixtures("media_provider")
def test_media_only_with_a_supervisors_approval(
        session: Session, settings: Settings, accounts: dict[str, Account], case: Case,
        operator: object) -> None:
    investigator, supervisor = accounts["investigator"], accounts["supervisor"]
    plain = _build(session, investigator, case, settings)
    assert not any(name.startswith("media/") for name in _contents(plain.data))
    with pytest.raises(Conflict, match="needs a supervisor's approval"):
        _build(session, investigator, case, settings, media=True)
    with pytest.raises(Forbidden):
        outgoing.approve_media(session, investigator.actor, plain.referral.id, "no")
    with pytest.raises(Forbidden, match="named supervisor"):
        outgoing.approve_media(session, operator, plain.referral.id, "no")  # type: ignore[arg-type]
    outgoing.approve_media(session, supervisor.actor, plain.referral.id, "partner asked; court")
    with_media = _build(session, investigator, case, settings, media=True)
    files = _contents(with_media.data)
    assert [n for n in files if n.startswith("media/")] == [
        f"media/{hashlib.sha256(_FakeMedia.content).hexdigest()}.bin"]
    assert json.loads(files["manifest.json"])["media_approval"]["by"] == "supervisor"
    assert verify.check(with_media.data).ok
    approval = session.query(AuditEvent).filter(
        AuditEvent.action == "referral.media_approve").one()
    assert approval.actor == "supervisor" and approval.detail["reason"] == "partner asked; court"


def test_the_uco_bundle_validates(session: Session, settings: Settings,
                                  accounts: dict[str, Account], case: Case,
                                  tmp_path: Path) -> None:
    """Offline: case-utils ships the ontology. Info-level notes are allowed because UCO 1.4
    asks for `hashMethod` as xsd:string while its vocabulary check still expects the old type."""
    investigator = accounts["investigator"]
    add_files(session, case, [[HashIn(algorithm="sha256", value="cd" * 32, file_name="x.jpg"),
                               HashIn(algorithm="md5", value="ef" * 16)]], [["test"]])
    add_ip_events(session, case, case.persons[0], [IpEventIn(address="192.0.2.3")], "ip")
    files = _contents(_build(session, investigator, case, settings).data)
    bundle = tmp_path / "case-uco.jsonld"
    bundle.write_bytes(files["case-uco.jsonld"])
    tool = CASE_VALIDATE if CASE_VALIDATE.exists() else Path(shutil.which("case_validate") or "")
    assert tool.is_file(), "case-utils (test extra) provides case_validate"
    done = subprocess.run([str(tool), "--allow-info", str(bundle)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "Conforms: True" in done.stdout
