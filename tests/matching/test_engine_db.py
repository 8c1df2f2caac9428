"""Match runs on synthetic media with planted variants: exact, near, rotated, video, weak."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.cases import register
from nigehbaan.cases.access import get_case
from nigehbaan.cases.schemas import CaseIn
from nigehbaan.core.actors import Actor
from nigehbaan.core.db import transaction
from nigehbaan.core.settings import Settings
from nigehbaan.evidence import acquisition
from nigehbaan.evidence.models import CaseItem, CustodyEvent, EvidenceFrame, EvidenceItem
from nigehbaan.evidence.store import open_vault
from nigehbaan.intake import reports
from nigehbaan.intake.forms import ReportDraft
from nigehbaan.intake.hashentries import HashEntryIn
from nigehbaan.intake.models import PortalReport, ReportedHash
from nigehbaan.intake.status import reporter_view
from nigehbaan.matching import (
    engine,
    export,
    grouped,
    indexes,
    links,
    lists,
    notices,
    review,
    victims,
)
from nigehbaan.matching.lists import ListOptions
from nigehbaan.matching.models import HashEntry, HashMatch, MatchNotification, NotComparable
from nigehbaan.matching.search import Options
from nigehbaan.synth.media import Manifest, write_media
from tests.support import Account


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    folder = tmp_path_factory.mktemp("match-media")
    manifest = write_media(folder, seed=7, images=10, videos=3, image_size=(320, 240))
    first = next(f.path for f in manifest.originals() if f.kind == "image")
    with Image.open(folder / first) as image:
        image.rotate(90, expand=True).save(folder / "images" / "rotated.png")
    Image.new("RGB", (64, 64), (128, 128, 128)).save(folder / "images" / "flat.png")
    return folder, manifest


def _case(factory: sessionmaker[Session], settings: Settings, account: Account,
          title: str = "Seized phone") -> str:
    with transaction(factory) as session:
        return register.open_case(session, account.actor, CaseIn(
            title=title, channel="walk_in"), settings).reference


def _items(factory: sessionmaker[Session], ref: str) -> dict[str, EvidenceItem]:
    """Items of a case by the file name they were found under."""
    with transaction(factory) as session:
        rows = session.execute(select(CaseItem.path, EvidenceItem).join(EvidenceItem).where(
            CaseItem.case_id == get_case(session, ref).id)).all()
        return {Path(path).name: item for path, item in rows}


def _frames(factory: sessionmaker[Session], item_id: int) -> list[tuple[str, int]]:
    with transaction(factory) as session:
        return [(f.pdq, f.quality) for f in session.execute(select(EvidenceFrame).where(
            EvidenceFrame.item_id == item_id)).scalars()]


def _list(factory: sessionmaker[Session], operator: object, path: Path, rows: list[str],
          **options: object) -> lists.ImportReport:
    path.write_text("hash_type,hash,category,series,media_id\n" + "\n".join(rows) + "\n")
    with transaction(factory) as session:
        return lists.import_list(session, operator, path,  # type: ignore[arg-type]
                                 ListOptions(name="known", format="csv", scheme="vics-us",
                                             **options))  # type: ignore[arg-type]


def _names(manifest: Manifest) -> dict[str, str]:
    image = next(f for f in manifest.variants() if f.transform == "recompressed")
    video = next(f for f in manifest.variants() if f.kind == "video")
    exact = next(f.path for f in manifest.originals() if f.kind == "image"
                 and f.path not in (image.variant_of,))
    return {"exact": Path(exact).name, "variant": Path(image.path).name,
            "variant_of": Path(image.variant_of or "").name, "video": Path(video.path).name,
            "video_of": Path(video.variant_of or "").name}


@pytest.fixture
def seized(factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
           media: tuple[Path, Manifest]) -> tuple[str, dict[str, EvidenceItem]]:
    ref = _case(factory, settings, accounts["investigator"])
    acquisition.ingest(factory, accounts["investigator"].actor, ref, media[0], "phone 1",
                       settings)
    return ref, _items(factory, ref)


def _run(factory: sessionmaker[Session], account: Account, ref: str,
         options: Options | None = None) -> engine.RunReport:
    with transaction(factory) as session:
        return engine.match_case(session, account.actor, ref, options)


def test_exact_near_video_rotated_and_not_comparable(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        operator: object, media: tuple[Path, Manifest], tmp_path: Path,
        seized: tuple[str, dict[str, EvidenceItem]]) -> None:
    ref, items = seized
    names = _names(media[1])
    original_video = items[names["video_of"]]
    frames = [f"pdq,{pdq},1,vid-series,V1" for pdq, quality in
              _frames(factory, original_video.id) if quality >= 50]
    rotated_source = items["img_00000.jpg"]
    _list(factory, operator, tmp_path / "known.csv", [
        f"md5,{items[names['exact']].md5},1,S-exact,",
        f"pdq,{items[names['variant_of']].pdq},1,S-near,",
        f"pdq,{rotated_source.pdq},2,S-rot,", *frames])
    inv = accounts["investigator"]
    report = _run(factory, inv, ref)
    assert report.by_method["exact-md5"] == 1
    assert report.not_comparable >= 1
    with transaction(factory) as session:
        matches = review.case_matches(session, inv.actor, ref)
        weak = session.execute(select(NotComparable.item_id)).scalars().all()
    by_item = {(m.sha256, m.method): m for m in matches}
    assert (items[names["exact"]].sha256, "exact-md5") in by_item
    near = by_item[(items[names["variant"]].sha256, "pdq")]
    assert 0 < (near.distance or 0) <= 31 and near.suggested == "1" and near.version == "v1"
    assert near.query_quality is not None and near.query_quality >= 50
    video = by_item[(items[names["video"]].sha256, "vpdq")]
    assert (video.query_share or 0) >= 0.8 and 0 < (video.candidate_share or 0) <= 1
    assert (items["rotated.png"].sha256, "pdq") not in by_item
    assert items["flat.png"].id in weak
    assert all(m.sha256 != items["flat.png"].sha256 for m in matches)
    deeper = _run(factory, inv, ref, Options(dihedral=engine.vault_dihedral(
        open_vault(settings))))
    assert deeper.by_method.get("pdq-dihedral", 0) >= 1
    with transaction(factory) as session:
        rotated = [m for m in review.case_matches(session, inv.actor, ref)
                   if m.sha256 == items["rotated.png"].sha256]
    assert rotated and rotated[0].method == "pdq-dihedral" and rotated[0].variant != "original"
    again = _run(factory, inv, ref)
    assert again.new_matches == 0


def test_index_follows_new_versions_without_a_rebuild(
        factory: sessionmaker[Session], accounts: dict[str, Account], operator: object,
        tmp_path: Path, seized: tuple[str, dict[str, EvidenceItem]]) -> None:
    ref, items = seized
    some = sorted(items.values(), key=lambda i: i.id)
    _list(factory, operator, tmp_path / "v1.csv", [f"md5,{some[0].md5},1,,",
                                                   f"sha1,{some[1].sha1},1,,"])
    inv = accounts["investigator"]
    first = _run(factory, inv, ref)
    assert first.index["built"] == ["known"] and first.matched_items == 2
    _list(factory, operator, tmp_path / "v2.csv", [f"md5,{some[0].md5},1,,",
                                                   f"sha256,{some[2].sha256},3,,"])
    second = _run(factory, inv, ref)
    assert second.index["built"] == [] and second.index["updated"] == ["known"]
    assert second.matched_items == 2 and second.new_matches == 1
    with transaction(factory) as session:
        cache = indexes.cache_for(session)
        kept = cache.lists
        fresh = indexes.IndexCache().refresh(session)
        for list_id, index in fresh.items():
            for hash_type, table in index.exact.items():
                assert len(kept[list_id].exact[hash_type]) == len(table)


def test_cross_case_links_respect_need_to_know(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        media: tuple[Path, Manifest], tmp_path: Path,
        seized: tuple[str, dict[str, EvidenceItem]]) -> None:
    ref, items = seized
    names = _names(media[1])
    other_folder = tmp_path / "other"
    (other_folder / "x").mkdir(parents=True)
    shutil.copy(media[0] / "images" / names["exact"], other_folder / "x" / "same.jpg")
    shutil.copy(next((media[0] / "images").glob(names["variant"])), other_folder / "x" / "v.jpg")
    outsider = accounts["outsider"]
    other = _case(factory, settings, outsider, "Unit B phone")
    acquisition.ingest(factory, outsider.actor, other, other_folder, "laptop", settings)
    with transaction(factory) as session:
        shared = links.shared_cases(session, accounts["investigator"].actor, ref)
    assert [s.reference for s in shared] == [other]
    assert shared[0].visible is False and shared[0].title == "(another unit's case)"
    hows = {(s.sha256, s.how.split(" ")[0]) for s in shared[0].shared}
    assert (items[names["exact"]].sha256, "same") in hows
    assert (items[names["variant_of"]].sha256, "PDQ") in hows


def test_review_queue_confirmation_and_new_material_round_trip(
        factory: sessionmaker[Session], accounts: dict[str, Account], operator: object,
        tmp_path: Path, media: tuple[Path, Manifest],
        seized: tuple[str, dict[str, EvidenceItem]]) -> None:
    ref, items = seized
    names = _names(media[1])
    known = items[names["exact"]]
    _list(factory, operator, tmp_path / "k.csv", [f"md5,{known.md5},1,S,"])
    analyst, inv = accounts["analyst"], accounts["investigator"]
    _run(factory, inv, ref)
    with transaction(factory) as session:
        queue = review.review_queue(session, analyst.actor, ref)
        match = review.case_matches(session, analyst.actor, ref)[0]
        review.confirm(session, analyst.actor, ref, match.id)
    assert known.sha256 not in {q.sha256 for q in queue}
    assert queue[0].score >= queue[-1].score
    assert any("same folder" in r for q in queue for r in q.reasons)
    with transaction(factory) as session:
        link = session.execute(select(CaseItem).where(CaseItem.item_id == known.id)).scalar_one()
        assert (link.reviewed, link.category, link.reviewed_by) == (True, "1", "analyst")
        assert session.execute(select(func.count()).select_from(CustodyEvent).where(
            CustodyEvent.action == "reviewed", CustodyEvent.sha256 == known.sha256)
        ).scalar_one() == 1
        new = next(q for q in queue if q.kind == "image")
        from nigehbaan.evidence import handling
        handling.review(session, analyst.actor, ref, new.sha256, "1")
    out = io.StringIO()
    with transaction(factory) as session:
        assert export.export_new_material(session, analyst.actor, "csv", out, ref) == 1
    text = out.getvalue()
    assert new.sha256 in text and known.md5 not in text
    exported = tmp_path / "new.csv"
    exported.write_text(text)
    with transaction(factory) as session:
        lists.import_list(session, operator, exported,  # type: ignore[arg-type]
                          ListOptions(name="ours", format="csv", scheme="vics-us"))
        assert export.new_material(session, analyst.actor, ref) == []
        held = session.execute(select(HashEntry.value).where(
            HashEntry.list_id == lists.get_list(session, "ours").id)).scalars()
        assert new.sha256 in set(held)


def test_victims_hashes_notify_link_and_tell_the_portal(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        operator: Actor, seized: tuple[str, dict[str, EvidenceItem]], tmp_path: Path) -> None:
    ref, items = seized
    item, listed = sorted(items.values(), key=lambda i: i.id)[:2]
    _list(factory, operator, tmp_path / "known.csv", [f"md5,{listed.md5},1,,"])
    with transaction(factory) as session:
        made = reports.submit(session, settings, "Unit A", bytes(32), ReportDraft(
            description="my picture", hashes=[HashEntryIn(sha256=item.sha256, md5=item.md5)]),
            nonce="victim-1", language="en")
        report_ref, report_id = made.report.case.reference, made.report.id
    inv = accounts["investigator"]
    run = _run(factory, inv, ref)
    assert run.victims_synced == 2 and run.notifications == 1
    with transaction(factory) as session:  # a reported child's picture is reviewed first
        rows = grouped.matched_items(session, inv.actor, ref)
    assert rows[0].sha256 == item.sha256 and rows[0].reported
    assert len(rows) > 1 and not any(r.reported for r in rows[1:])
    with transaction(factory) as session:
        shown = notices.notifications(session, inv.actor, report_ref)
        assert len(shown) == 1 and ref in shown[0].message and shown[0].found_in == ref
        assert victims.material_found(session, report_ref)
        hashed = session.execute(select(ReportedHash).where(
            ReportedHash.report_id == report_id)).scalar_one()
        assert hashed.found_at is not None
        portal = session.get(PortalReport, report_id)
        assert portal is not None and reporter_view(portal).material_found
        shared = links.shared_cases(session, inv.actor, report_ref)
        assert [s.reference for s in shared] == [ref]
        notices.mark_read(session, inv.actor, shown[0].id)
    assert _run(factory, inv, ref).notifications == 0
    with transaction(factory) as session:
        assert session.execute(select(func.count()).select_from(MatchNotification)
                                ).scalar_one() == 1
        assert session.execute(select(func.count()).select_from(HashMatch)).scalar_one() >= 1


def test_matching_runs_after_ingest_when_there_are_lists(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        operator: object, tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    pixels = np.random.default_rng(3).integers(0, 255, (64, 64, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(folder / "a.png")
    import hashlib
    md5 = hashlib.md5((folder / "a.png").read_bytes()).hexdigest()
    _list(factory, operator, tmp_path / "l.csv", [f"md5,{md5},1,,"])
    inv = accounts["investigator"]
    ref = _case(factory, settings, inv)
    acquisition.ingest(factory, inv.actor, ref, folder, "card", settings)
    with transaction(factory) as session:
        assert [m.method for m in review.case_matches(session, inv.actor, ref)] == ["exact-md5"]
