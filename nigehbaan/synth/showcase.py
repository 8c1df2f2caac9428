"""The demo's worked example: one seized phone taken through the unit's whole flow.

A register of cases shows the lifecycle; it does not show what the unit does with a phone. The
showcase opens one case and runs, through the same services a person would use, what happens
next: the phone's (generated, benign) pictures and videos go into the vault, a known-material
list from a (fictitious) hotline categorises most of them without anyone looking, and the rest
wait in the review queue. Everything is derived from the seed, so two demos look the same.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.cases import register
from nigehbaan.cases.channels import Channel, Priority
from nigehbaan.cases.schemas import CaseIn, PersonIn
from nigehbaan.core.actors import Actor
from nigehbaan.core.db import transaction
from nigehbaan.core.settings import Settings
from nigehbaan.evidence import acquisition
from nigehbaan.evidence.analyse import analyse_path
from nigehbaan.matching import lists
from nigehbaan.synth.media import Manifest, write_media

LIST_NAME = "Hotline list (synthetic)"
CATEGORIES = ("A1", "A2", "B1", "B2")
PHONE_SOURCE = "seized phone of the group admin (synthetic)"
STICK_SOURCE = "USB stick sent with the referral from Spain (synthetic)"


@dataclass(frozen=True, slots=True)
class Showcase:
    reference: str
    """The seized phone's case."""
    linked: str
    """A referral from abroad that holds some of the same pictures: the two cases link."""
    files: int
    listed: int


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


def build_showcase(factory: sessionmaker[Session], settings: Settings, workdir: Path,
                   seed: int, *, investigator: Actor, admin: Actor) -> Showcase:
    """Open the example case, import the hotline list, then ingest the phone (which matches)."""
    media_dir = workdir / "phone"
    manifest = write_media(media_dir, seed, images=40, videos=3)
    (media_dir / "manifest.json").unlink()  # the generator's answer key, not on any phone
    listed = _write_hotline_list(media_dir, manifest, workdir / "hotline.csv")
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
    return Showcase(reference, linked, summary.files, listed)
