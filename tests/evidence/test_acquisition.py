"""Acquiring media into cases: recorded once, linked everywhere, resumable, with custody."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from distributed import LocalCluster
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.cases import register
from nigehbaan.cases.models import Case
from nigehbaan.cases.schemas import CaseIn
from nigehbaan.core.chain import chained_models, verify
from nigehbaan.core.db import transaction
from nigehbaan.core.errors import Conflict, Forbidden, Invalid
from nigehbaan.core.settings import Settings
from nigehbaan.evidence import acquisition, handling, queries
from nigehbaan.evidence.models import CaseItem, CustodyEvent, EvidenceItem, IngestRefusal
from nigehbaan.evidence.store import open_vault
from nigehbaan.synth.media import Manifest, write_corrupt_image
from tests.support import Account


@pytest.fixture
def seized(tmp_path: Path, media: tuple[Path, Manifest]) -> Path:
    """A phone dump: generated media, a corrupt picture, and a zip with an unsafe member."""
    folder = tmp_path / "phone"
    shutil.copytree(media[0], folder)
    write_corrupt_image(folder / "cut.jpg", seed=5)
    with zipfile.ZipFile(folder / "export.zip", "w") as archive:
        archive.writestr("../escape.txt", "outside")
        archive.writestr("chat/note.txt", "benign note")
    return folder


def _case(factory: sessionmaker[Session], settings: Settings, account: Account) -> str:
    with transaction(factory) as session:
        return register.open_case(session, account.actor,
                                  CaseIn(title="Seized phone", channel="walk_in"),
                                  settings).reference


def _count(factory: sessionmaker[Session], model: type[object]) -> int:
    with transaction(factory) as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_ingest_records_hashes_refusals_and_custody(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        seized: Path) -> None:
    inv = accounts["investigator"]
    ref = _case(factory, settings, inv)
    summary = acquisition.ingest(factory, inv.actor, ref, seized, "phone of suspect 3",
                                 settings)
    files = [p for p in seized.rglob("*") if p.is_file()]
    assert summary.files == len(files) + 1  # the zip's safe member too
    assert summary.refused == [("phone/export.zip/../escape.txt", "path traversal (..)")]
    with transaction(factory) as session:
        cut = session.execute(select(EvidenceItem).join(CaseItem).where(
            CaseItem.path == "phone/cut.jpg")).scalar_one()
        assert cut.perceptual == "unavailable" and cut.perceptual_reason
        assert len(cut.sha256) == 64 and len(cut.md5) == 32 and len(cut.sha1) == 40
        images = session.execute(select(EvidenceItem).where(
            EvidenceItem.kind == "image", EvidenceItem.pdq.is_not(None))).scalars().all()
        assert images and all(len(i.pdq or "") == 64 for i in images)
        videos = session.execute(select(EvidenceItem).where(
            EvidenceItem.kind == "video")).scalars().all()
        assert videos and all(v.frames and v.duration for v in videos)
        acquired = session.execute(select(func.count()).select_from(CustodyEvent).where(
            CustodyEvent.action == "acquired")).scalar_one()
        assert acquired == summary.files
        assert all(verify(session, model).ok for model in chained_models())
    assert _count(factory, IngestRefusal) == 1


def test_same_content_is_one_item_linked_to_each_case(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        seized: Path) -> None:
    inv = accounts["investigator"]
    first, second = _case(factory, settings, inv), _case(factory, settings, inv)
    one = acquisition.ingest(factory, inv.actor, first, seized, "phone", settings)
    two = acquisition.ingest(factory, inv.actor, second, seized, "laptop copy", settings)
    assert two.new_content == 0 and two.files == one.files
    distinct = {p.read_bytes() for p in seized.rglob("*") if p.is_file()}
    assert _count(factory, EvidenceItem) == len(distinct) + 1
    with transaction(factory) as session:
        item = queries.case_items(session, inv.actor, first)[0]
        assert {f.case for f in item.findings} == {first, second}


def test_interrupted_ingest_resumes_without_duplicates(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        seized: Path) -> None:
    inv = accounts["investigator"]
    ref = _case(factory, settings, inv)
    seen: list[int] = []

    def crash_after_five(size: int) -> None:
        seen.append(size)
        if len(seen) == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        acquisition.ingest(factory, inv.actor, ref, seized, "phone", settings,
                           progress=crash_after_five, batch_size=4)
    partial = _count(factory, CaseItem)
    assert partial == 8
    rest = acquisition.ingest(factory, inv.actor, ref, seized, "phone", settings)
    assert rest.already_recorded == partial
    total = _count(factory, CaseItem)
    assert total == partial + rest.files
    with transaction(factory) as session:
        paths = session.execute(select(CaseItem.path)).scalars().all()
        assert len(paths) == len(set(paths))


def test_only_ingests_the_named_files_under_the_names_a_full_ingest_resumes(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        seized: Path) -> None:
    inv = accounts["investigator"]
    ref = _case(factory, settings, inv)
    named = acquisition.ingest(factory, inv.actor, ref, seized, "phone", settings,
                               only=["cut.jpg", "export.zip", "../outside.jpg"])
    assert named.files == 3  # the zip, and its safe member
    assert named.refused == [("phone/../outside.jpg", "path traversal (..)"),
                             ("phone/export.zip/../escape.txt", "path traversal (..)")]
    with transaction(factory) as session:
        paths = set(session.execute(select(CaseItem.path)).scalars())
    assert paths == {"phone/cut.jpg", "phone/export.zip", "phone/export.zip/chat/note.txt"}
    rest = acquisition.ingest(factory, inv.actor, ref, seized, "phone", settings)
    assert rest.already_recorded == 3 and rest.refused == []
    files = [p for p in seized.rglob("*") if p.is_file()]
    assert _count(factory, CaseItem) == len(files) + 1


def test_the_current_folder_is_named_by_its_own_name(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        seized: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inv = accounts["investigator"]
    ref = _case(factory, settings, inv)
    monkeypatch.chdir(seized)
    acquisition.ingest(factory, inv.actor, ref, Path("."), "phone", settings, only=["cut.jpg"])
    with transaction(factory) as session:
        assert set(session.execute(select(CaseItem.path)).scalars()) == {"phone/cut.jpg"}


def test_bad_ingest_arguments(factory: sessionmaker[Session], settings: Settings,
                              accounts: dict[str, Account], tmp_path: Path) -> None:
    inv = accounts["investigator"]
    ref = _case(factory, settings, inv)
    with pytest.raises(Invalid, match="does not exist"):
        acquisition.ingest(factory, inv.actor, ref, tmp_path / "nope", "x", settings)
    with pytest.raises(Invalid, match="--source"):
        acquisition.ingest(factory, inv.actor, ref, tmp_path, " ", settings)
    with pytest.raises(Forbidden):
        acquisition.ingest(factory, accounts["analyst"].actor, ref, tmp_path, "x", settings)


def test_view_needs_reason_writes_custody_and_refuses_tampered_blobs(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        media: tuple[Path, Manifest]) -> None:
    inv = accounts["investigator"]
    ref = _case(factory, settings, inv)
    acquisition.ingest(factory, inv.actor, ref, media[0] / "images", "phone", settings)
    vault = open_vault(settings)
    with transaction(factory) as session:
        sha = queries.case_items(session, inv.actor, ref)[0].sha256
        with pytest.raises(Invalid, match="reason"):
            handling.open_content(session, inv.actor, vault, sha, "")
        _item, chunks = handling.open_content(session, inv.actor, vault, sha, "compare faces")
        assert len(b"".join(chunks)) > 0
        with pytest.raises(Forbidden):
            queries.item_detail(session, accounts["outsider"].actor, sha)
    with transaction(factory) as session:
        views = session.execute(select(CustodyEvent).where(
            CustodyEvent.action == "viewed")).scalars().all()
        assert [(v.actor, v.reason) for v in views] == [("investigator", "compare faces")]
    blob = vault.path_of(sha)
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0x01
    blob.chmod(0o600)
    blob.write_bytes(bytes(data))
    with transaction(factory) as session:
        with pytest.raises(Conflict, match=sha):
            handling.open_content(session, inv.actor, vault, sha, "look again")
        result = handling.verify_vault(session, inv.actor, vault, ref)
    assert [bad["sha256"] for bad in result.bad] == [sha]


def test_review_sets_category_with_custody(factory: sessionmaker[Session], settings: Settings,
                                           accounts: dict[str, Account],
                                           media: tuple[Path, Manifest]) -> None:
    inv = accounts["investigator"]
    ref = _case(factory, settings, inv)
    acquisition.ingest(factory, inv.actor, ref, media[0] / "images", "phone", settings)
    with transaction(factory) as session:
        sha = queries.case_items(session, inv.actor, ref)[0].sha256
        handling.review(session, accounts["analyst"].actor, ref, sha, "B2")
        view = queries.item_detail(session, inv.actor, sha)
        assert (view.findings[0].reviewed, view.findings[0].category) == (True, "B2")
        report = queries.custody_report(session, inv.actor, reference=ref)
        assert {e.action for e in report} == {"acquired", "reviewed"}


def _recorded(factory: sessionmaker[Session], reference: str) -> list[tuple[str, ...]]:
    with transaction(factory) as session:
        rows = session.execute(
            select(CaseItem.path, EvidenceItem.sha256, EvidenceItem.md5,
                   EvidenceItem.pdq, EvidenceItem.perceptual)
            .join(EvidenceItem, EvidenceItem.id == CaseItem.item_id)
            .join(Case, Case.id == CaseItem.case_id).where(Case.reference == reference)
            .order_by(CaseItem.path)).all()
    return [tuple(str(value) for value in row) for row in rows]


def test_dask_cluster_ingest_equals_local(factory: sessionmaker[Session], settings: Settings,
                                          accounts: dict[str, Account], seized: Path) -> None:
    """The same pipeline on a real LocalCluster with worker processes records the same facts."""
    inv = accounts["investigator"]
    local, remote = _case(factory, settings, inv), _case(factory, settings, inv)
    acquisition.ingest(factory, inv.actor, local, seized, "phone", settings)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,  # type: ignore[no-untyped-call]
                      dashboard_address=None) as cluster:
        summary = acquisition.ingest(factory, inv.actor, remote, seized, "phone", settings,
                                     scheduler=cluster.scheduler_address)
    assert summary.files > 0
    assert _recorded(factory, remote) == _recorded(factory, local)
