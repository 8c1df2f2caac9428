"""The demo's worked example: one seized phone taken through the unit's whole flow.

A register of cases shows the lifecycle; it does not show what the unit does with a phone. The
showcase opens one case and runs, through the same services a person would use, what happens
next: a child has already reported, through the portal, a picture of herself without sending
it (hashes only); the phone's (generated, benign) pictures and videos go into the vault, a
known-material list from a (fictitious) hotline categorises most of them without anyone
looking, the child's picture is found and her report's officers are told; the phone's WhatsApp
group is imported and every member triaged; a referral from Spain holds some of the same
pictures. Everything is derived from the seed, so two demos look the same.
"""

from __future__ import annotations

import csv
import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.cases import register
from nigehbaan.cases.channels import Channel, Priority
from nigehbaan.cases.schemas import CaseIn, PersonIn
from nigehbaan.chats import queries, vaulting
from nigehbaan.core.actors import Actor
from nigehbaan.core.db import transaction
from nigehbaan.core.settings import Settings
from nigehbaan.evidence import acquisition
from nigehbaan.evidence.analyse import analyse_path
from nigehbaan.intake import keys, reports
from nigehbaan.intake.config import PortalConfig
from nigehbaan.intake.forms import ReportDraft
from nigehbaan.intake.hashentries import HashEntryIn
from nigehbaan.matching import lists
from nigehbaan.synth.chats import write_chat_groups
from nigehbaan.synth.media import Manifest, write_media

LIST_NAME = "Hotline list (synthetic)"
GROUP_LAYOUT = "whatsapp-android-en"
CATEGORIES = ("A1", "A2", "B1", "B2")
PHONE_SOURCE = "seized phone of the group admin (synthetic)"
STICK_SOURCE = "USB stick sent with the referral from Spain (synthetic)"


@dataclass(frozen=True, slots=True)
class Showcase:
    reference: str
    """The seized phone's case."""
    linked: str
    """A referral from abroad that holds some of the same pictures: the two cases link."""
    reported: str
    """The portal report of a child whose own picture is on the phone."""
    receipt: str
    """That reporter's receipt code, to see "found" on the portal's status page."""
    files: int
    listed: int
    members: int
    """Members of the phone's WhatsApp group (not numbers only mentioned), each triaged."""


def _open_case(session: Session, investigator: Actor, settings: Settings) -> str:
    draft = CaseIn(
        title="Seized phone: WhatsApp group shared abuse material (synthetic)",
        summary=("Synthetic worked example. A father reported that his son was added to a "
                 "WhatsApp group where pictures were being shared; the group admin's phone was "
                 "seized. Its media are in the vault and matched against a hotline list."),
        channel=Channel.WALK_IN, offences=["PECA-2016-22"], priority=Priority.HIGH,
        region="Punjab", safeguarding=True, persons=[
            PersonIn.model_validate({"role": "complainant", "full_name": "Complainant (synthetic)",
                                     "country": "PK"}),
            PersonIn.model_validate({"role": "suspect", "full_name": "Group admin (synthetic)",
                                     "country": "PK", "identifiers": [
                                         {"kind": "phone", "value": "+923001234567"}]})])
    return register.open_case(session, investigator, draft, settings).reference


def _open_referral(session: Session, investigator: Actor, settings: Settings) -> str:
    draft = CaseIn(
        title="Referral from Spain: pictures traded by a national (synthetic)",
        summary="Synthetic worked example: the referring agency sent the pictures it seized.",
        channel=Channel.INTERNATIONAL_REFERRAL, offences=["PECA-2016-22"],
        referring_agency="Policía Nacional (synthetic)", referring_country="ES",
        referring_reference="ES-DEMO-0001", region="Punjab")
    return register.open_case(session, investigator, draft, settings).reference


def _copy_some(folder: Path, manifest: Manifest, out: Path) -> Path:
    """A few of the phone's variants, as the other agency seized them."""
    out.mkdir(parents=True, exist_ok=True)
    for media in [f for f in manifest.variants() if f.kind == "image"][:4]:
        (out / Path(media.path).name).write_bytes((folder / media.path).read_bytes())
    return out


def _report_through_portal(factory: sessionmaker[Session], settings: Settings, unit: str,
                           picture: Path) -> tuple[str, str]:
    """A child reports a picture of herself by its fingerprints only, as the portal's page
    computes them in her browser; returns the report's case and her receipt code."""
    facts = analyse_path(picture)
    pdq = facts.signal("pdq")
    draft = ReportDraft(
        description=("Someone I met online is sharing a picture of me in a WhatsApp group. "
                     "(synthetic report)"),
        platform="WhatsApp", reporter_role="child", age_band="13_15", spreading_now="yes",
        hashes=[HashEntryIn(sha256=facts.digests.sha256, md5=facts.digests.md5,
                            pdq=pdq.pdq if pdq else None, quality=pdq.quality if pdq else None,
                            size=facts.digests.size)])
    key = keys.load_or_create(PortalConfig().key_path(settings))
    with transaction(factory) as session:
        sent = reports.submit(session, settings, unit, key, draft, nonce=secrets.token_hex(16),
                              language="en")
        return sent.report.case.reference, sent.receipt


def _chat_export(workdir: Path, seed: int, media_dir: Path) -> Path:
    """The phone's WhatsApp group, its attachments drawn from the phone's own pictures."""
    manifest = write_chat_groups(workdir / "chats", seed, members=60, messages=1500,
                                 media_dir=media_dir, layouts=[GROUP_LAYOUT])
    return workdir / "chats" / manifest.by_kind("zip")[0].path


def _write_hotline_list(folder: Path, manifest: Manifest, out: Path) -> int:
    """Most originals by MD5 and PDQ, as a hotline would list them: their exact copies match by
    MD5 and their re-shared variants (resized, recompressed, cropped) by PDQ distance. A few
    originals are left off so the review queue has work."""
    rows: list[tuple[str, str, str, str, str]] = []
    originals = [f for f in manifest.originals() if f.kind == "image"]
    for index, media in enumerate(originals):
        if index % 4 == 3:
            continue
        path = folder / media.path
        category = CATEGORIES[index % len(CATEGORIES)]
        series = f"series-{index % 3 + 1}"
        rows.append(("md5", hashlib.md5(path.read_bytes()).hexdigest(), category,
                     "synthetic hotline", series))
        pdq = analyse_path(path).signal("pdq")
        if pdq is not None and pdq.pdq is not None:
            rows.append(("pdq", pdq.pdq, category, "synthetic hotline", series))
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("hash_type", "hash", "category", "source", "series"))
        writer.writerows(rows)
    return len(rows)


def _unlisted_original(folder: Path, manifest: Manifest) -> Path:
    """A picture no list holds: new material, as a victim's own picture would be."""
    originals = [f for f in manifest.originals() if f.kind == "image"]
    return folder / next(f for i, f in enumerate(originals) if i % 4 == 3).path


def build_showcase(factory: sessionmaker[Session], settings: Settings, workdir: Path,
                   seed: int, *, investigator: Actor, admin: Actor, unit: str) -> Showcase:
    """The portal report first, then the hotline list, then the phone (which matches both),
    then the phone's chat group (whose media are the phone's pictures)."""
    media_dir = workdir / "phone"
    manifest = write_media(media_dir, seed, images=40, videos=3)
    (media_dir / "manifest.json").unlink()  # the generator's answer key, not on any phone
    listed = _write_hotline_list(media_dir, manifest, workdir / "hotline.csv")
    reported, receipt = _report_through_portal(factory, settings, unit,
                                               _unlisted_original(media_dir, manifest))
    with transaction(factory) as session:
        reference = _open_case(session, investigator, settings)
        linked = _open_referral(session, investigator, settings)
        lists.import_list(session, admin, workdir / "hotline.csv", lists.ListOptions(
            name=LIST_NAME, format="csv", version="2018-10", scheme="industry",
            source="Hotline (synthetic)"))
    summary = acquisition.ingest(factory, investigator, reference, media_dir, PHONE_SOURCE,
                                 settings)
    acquisition.ingest(factory, investigator, linked,
                       _copy_some(media_dir, manifest, workdir / "stick"), STICK_SOURCE, settings)
    group = vaulting.import_chat(factory, investigator, reference,
                                 _chat_export(workdir, seed, media_dir), settings)
    with transaction(factory) as session:
        members = sum(not m.mention_only for m in queries.members(
            session, investigator, reference, group.group_id))
    return Showcase(reference, linked, reported, receipt, summary.files, listed, members)
