"""A chat export's media into the case's vault: custody, automatic matching, links, triage.

The export is a synthetic WhatsApp zip whose attachments are generated benign images; a hash
list built in the test from one attached image's MD5 and SHA-256 makes that image "known".
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import zipfile
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient
from typer.testing import CliRunner

from nigehbaan.cases import register
from nigehbaan.cases.schemas import CaseIn
from nigehbaan.chats import known, parse, queries, vaulting
from nigehbaan.chats.models import (
    ChatGroup,
    ChatIndicator,
    ChatMedia,
    ChatMember,
    ChatMessage,
)
from nigehbaan.chats.triage.indicators import known_material
from nigehbaan.chats.triage.rules import triage
from nigehbaan.cli.main import app
from nigehbaan.core.actors import Actor
from nigehbaan.core.audit import AuditEvent
from nigehbaan.core.db import transaction
from nigehbaan.core.settings import Settings
from nigehbaan.evidence.models import CaseItem, CustodyEvent, EvidenceItem, IngestRefusal
from nigehbaan.matching import review
from nigehbaan.matching.models import HashMatch
from nigehbaan.synth.chats import TELEGRAM, write_chat_groups
from nigehbaan.synth.media import write_media
from tests.chats.media_export import Export, hash_list, write_export
from tests.support import Account, upload_chat
from tests.zip_bombs import corrupt_data, encrypted, quoted_overlap, unknown_method, zeros_bomb

COUNTED = (ChatGroup, ChatMember, ChatMessage, ChatMedia, ChatIndicator, CaseItem,
           CustodyEvent, EvidenceItem, HashMatch, AuditEvent)


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Export:
    return write_export(tmp_path_factory.mktemp("chat-media"))


@pytest.fixture
def case_ref(factory: sessionmaker[Session], accounts: dict[str, Account],
             settings: Settings) -> str:
    with transaction(factory) as session:
        return register.open_case(session, accounts["investigator"].actor, CaseIn(
            title="Seized phone", channel="walk_in"), settings).reference


def counts(factory: sessionmaker[Session]) -> dict[str, int]:
    with transaction(factory) as session:
        return {t.__tablename__: session.execute(select(func.count()).select_from(t)).scalar_one()
                for t in COUNTED}


def import_chat(factory: sessionmaker[Session], actor: Actor, ref: str, path: Path,
                settings: Settings, media: bool = True) -> vaulting.ChatImport:
    with ThreadPoolExecutor(1) as pool:
        return vaulting.import_chat(factory, actor, ref, path, settings, media=media,
                                    executor=pool)


def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("NIGEHBAAN_HOME", str(settings.home))
    monkeypatch.setenv("NIGEHBAAN_DATABASE_URL", settings.effective_database_url)
    return CliRunner()


def test_cli_import_ingests_links_matches_and_triages(
        factory: sessionmaker[Session], accounts: dict[str, Account], settings: Settings,
        case_ref: str, export: Export, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hash_list(factory, accounts["admin"].actor, export, tmp_path)
    runner = cli_env(settings, monkeypatch)
    done = runner.invoke(app, ["chat", "import", str(export.zip), "--case", case_ref,
                               "--as", "investigator", "--json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert report["created"] and report["media"]["linked"] == report["media"]["attached"] > 0
    assert report["media"]["matched"] >= 1
    with transaction(factory) as session:
        media = list(session.execute(select(ChatMedia).order_by(ChatMedia.position)).scalars())
        findings = {f.path: f for f in session.execute(select(CaseItem)).scalars()}
        acquired = session.execute(select(CustodyEvent).where(
            CustodyEvent.sha256 == export.sha256, CustodyEvent.action == "acquired")).scalars()
        acquired_paths = [e.detail["path"] for e in acquired]
        posts = [(m.position, m.member_id) for m in media if m.sha256 == export.sha256]
        message_ids = {p: session.execute(select(ChatMessage.id).where(
            ChatMessage.position == p)).scalar_one() for p, _ in posts}
    attached = [m for m in media if m.sha256]
    assert attached and all(m.evidence_sha256 == m.sha256 for m in attached)
    assert all(m.evidence_sha256 is None and m.not_hashable for m in media if not m.sha256)
    source = next(iter(findings.values())).source
    assert source.startswith(f"chat export {export.zip.name} (")
    inside = f"{export.zip.name}/{export.known_member}"
    assert inside in findings and findings[inside].item.sha256 == export.sha256
    assert inside in acquired_paths

    listed = runner.invoke(app, ["chat", "members", "--case", case_ref, "--as", "investigator",
                                 "--json"])
    assert listed.exit_code == 0, listed.output
    rows = {r["member_id"]: r for r in json.loads(listed.output)}
    first_position, first_poster = posts[0]
    assert first_poster is not None
    poster = rows[first_poster]
    assert poster["known_matches"] == 1
    codes = {i["code"]: i for i in poster["indicators"]}
    cited = {(e["type"], e["id"]) for e in codes["known_material"]["evidence"]}
    mine = {p for p, member in posts if member == first_poster}
    assert cited == {("message", message_ids[p]) for p in mine}
    assert "1: 1" in codes["known_material"]["detail"]
    assert [e["position"] for e in codes["known_material_first_post"]["evidence"]] == \
        [first_position]
    assert poster["triage"] == "priority_suspect" and "known_material" in poster["triage_rule"]
    others = {member for _, member in posts} - {first_poster}
    assert others, "someone re-shared the known image"
    assert all(rows[m]["known_matches"] == 1 and "known_material_first_post" not in
               {i["code"] for i in rows[m]["indicators"]} for m in others if m is not None)
    assert all(r["known_matches"] == 0 for m, r in rows.items() if m not in {first_poster} | others)

    before = counts(factory)
    again = runner.invoke(app, ["chat", "import", str(export.zip), "--case", case_ref,
                                "--as", "investigator"])
    assert again.exit_code == 0, again.output
    assert "nothing changed" in again.output
    assert counts(factory) == before


def test_no_media_ingests_nothing_and_a_rerun_finishes(
        factory: sessionmaker[Session], accounts: dict[str, Account], settings: Settings,
        case_ref: str, export: Export, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = cli_env(settings, monkeypatch)
    quick = runner.invoke(app, ["chat", "import", str(export.zip), "--case", case_ref,
                                "--as", "investigator", "--no-media"])
    assert quick.exit_code == 0, quick.output
    assert "not ingested (--no-media)" in quick.output
    after = counts(factory)
    assert after["case_items"] == after["evidence_items"] == after["custody_events"] == 0
    assert after["chat_media"] > 0
    inv = accounts["investigator"].actor
    with transaction(factory) as session:
        group = session.execute(select(ChatGroup)).scalar_one()
        views = known.media_views(session, group.case_id, group.id)
    assert {v.status for v in views.values()} == {"not_ingested"}
    done = import_chat(factory, inv, case_ref, export.zip, settings)
    assert not done.created and done.media.newly_linked == done.media.attached > 0
    with transaction(factory) as session:
        views = known.media_views(session, group.case_id, group.id)
        stats = known.summary(session, group.case_id, group.id)
    assert {v.status for v in views.values()} == {"no_match"}
    assert stats.linked == stats.attached == done.media.attached
    assert stats.matched_items == 0 and stats.by_category == {}


def test_text_only_export_stays_not_hashable(
        factory: sessionmaker[Session], accounts: dict[str, Account], settings: Settings,
        case_ref: str, export: Export) -> None:
    done = import_chat(factory, accounts["investigator"].actor, case_ref, export.txt, settings)
    assert done.created and done.media.attached == 0 and done.media.ingested_files == 0
    assert counts(factory)["case_items"] == 0
    with transaction(factory) as session:
        group = session.execute(select(ChatGroup)).scalar_one()
        views = known.media_views(session, group.case_id, group.id)
    assert views and {v.status for v in views.values()} == {"not_hashable"}
    assert all(v.reason and not v.matches for v in views.values())


def test_truncated_zip_is_refused_whole(
        factory: sessionmaker[Session], settings: Settings, case_ref: str, export: Export,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cut = tmp_path / export.zip.name
    data = export.zip.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    runner = cli_env(settings, monkeypatch)
    refused = runner.invoke(app, ["chat", "import", str(cut), "--case", case_ref,
                                  "--as", "investigator"])
    assert refused.exit_code == 1
    assert refused.output.startswith("error: ") and "Traceback" not in refused.output
    assert cut.name in refused.output or "zip" in refused.output.lower()
    after = counts(factory)
    assert all(n == 0 for table, n in after.items() if table != "audit_events")


def test_console_shows_blurred_media_with_badges_and_api_imports(
        factory: sessionmaker[Session], accounts: dict[str, Account], settings: Settings,
        case_ref: str, export: Export, tmp_path: Path, client: TestClient) -> None:
    hash_list(factory, accounts["admin"].actor, export, tmp_path)
    inv = accounts["investigator"]
    body = export.zip.read_bytes()
    cut = upload_chat(client, inv, case_ref, export.zip.name, body[: len(body) // 2])
    assert cut.status_code == 422 and "zip" in cut.json()["detail"]
    assert counts(factory)["chat_groups"] == counts(factory)["case_items"] == 0
    made = upload_chat(client, inv, case_ref, export.zip.name, body)
    assert made.status_code == 201, made.text
    assert made.json()["media"]["matched"] >= 1
    group = made.json()["group"]["id"]
    again = upload_chat(client, inv, case_ref, export.zip.name, body)
    assert again.status_code == 200 and again.json()["media"]["newly_linked"] == 0
    with transaction(factory) as session:
        posters = list(session.execute(select(ChatMedia.member_id).where(
            ChatMedia.sha256 == export.sha256).order_by(ChatMedia.position)).scalars())
    poster = posters[0]
    resharer = next(p for p in posters if p != poster)

    def known_media(member: int | None) -> list[dict[str, Any]]:
        timeline = client.get(f"/api/v1/cases/{case_ref}/chats/{group}/members/{member}/"
                              "timeline", headers=inv.headers).json()
        return [e["media"] for e in timeline
                if e["media"] and e["media"]["sha256"] == export.sha256]

    shown = known_media(poster)
    assert shown and shown[0]["status"] == "matched" and shown[0]["first_post"]
    assert not any(m["first_post"] for m in known_media(resharer))
    assert {m["method"] for m in shown[0]["matches"]} == {"exact-md5", "exact-sha256"}
    assert shown[0]["matches"][0]["list"] == "agency list"

    client.post("/login", data={"username": inv.username, "password": inv.password})
    page = client.get(f"/cases/{case_ref}/chats/{group}")
    assert page.status_code == 200
    assert f'src="/evidence/{export.sha256}/preview.jpg"' in page.text
    assert "agency list" in page.text and "exact-sha256" in page.text
    assert 'class="preview media-preview"' in page.text
    member = client.get(f"/cases/{case_ref}/chats/{group}/members/{poster}")
    assert f'src="/evidence/{export.sha256}/preview.jpg"' in member.text
    assert "suggested 1" in member.text
    assert "<th>Line</th>" in member.text and re.search(r"image at line \d+", member.text)
    assert re.search(r"<dd>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d → ", page.text)
    preview = client.get(f"/evidence/{export.sha256}/preview.jpg")
    assert preview.status_code == 200 and preview.headers["content-type"] == "image/jpeg"

    with transaction(factory) as session:
        review.confirm(session, inv.actor, case_ref, shown[0]["matches"][0]["match_id"], "2")
    with transaction(factory) as session:  # the confirmation already refreshed the triage
        assert known.refresh(session, inv.actor, case_ref, group) == 0
        rows = queries.members(session, inv.actor, case_ref, group)
        stats = known.summary(session, session.execute(select(ChatGroup.case_id)).scalar_one(),
                              group)
    detail = next(i.detail for m in rows if m.member_id == poster for i in m.indicators
                  if i.code == "known_material")
    assert "(2: 1)" in detail and stats.by_category == {"2": 1}
    member = client.get(f"/cases/{case_ref}/chats/{group}/members/{poster}")
    assert "confirmed 2" in member.text


def test_first_posting_known_material_weighs_more_than_resharing() -> None:
    first = known_material(1, {"1": 1}, [10, 40], 1, [10])
    reshared = known_material(1, {"1": 1}, [20], 0, [])
    assert [i.code for i in first] == ["known_material", "known_material_first_post"]
    assert [i.code for i in reshared] == ["known_material"]
    assert first[0].evidence == (10, 40) and first[1].evidence == (10,)
    strong, weak = triage(first, messages=5), triage(reshared, messages=5)
    assert strong.score > weak.score >= 2
    assert weak.category == "priority_suspect" and "known_material (2)" in weak.rule
    assert known_material(0, {}, [], 0, []) == []


def test_copy_of_export_under_other_name_is_the_same_import(
        factory: sessionmaker[Session], accounts: dict[str, Account], settings: Settings,
        case_ref: str, export: Export, tmp_path: Path) -> None:
    inv = accounts["investigator"].actor
    first = import_chat(factory, inv, case_ref, export.zip, settings)
    copy = tmp_path / "renamed.zip"
    shutil.copyfile(export.zip, copy)
    before = counts(factory)
    second = import_chat(factory, inv, case_ref, copy, settings)
    assert not second.created and second.group_id == first.group_id
    assert counts(factory) == before


def telegram_export(tmp_path: Path) -> Path:
    """A small Telegram Desktop export with its photos: the `result.json` path."""
    write_media(tmp_path / "media", seed=6, images=3, videos=0, image_size=(96, 72))
    manifest = write_chat_groups(tmp_path / "chats", 6, members=20, messages=200,
                                 media_dir=tmp_path / "media" / "images", layouts=[TELEGRAM])
    return tmp_path / "chats" / manifest.by_kind("telegram_json")[0].path


def test_telegram_folder_media_are_linked(
        factory: sessionmaker[Session], accounts: dict[str, Account], settings: Settings,
        case_ref: str, tmp_path: Path) -> None:
    folder = telegram_export(tmp_path).parent
    done = import_chat(factory, accounts["investigator"].actor, case_ref, folder, settings)
    assert done.media.attached > 0 and done.media.linked == done.media.attached
    with transaction(factory) as session:
        paths = set(session.execute(select(CaseItem.path)).scalars())
        unlinked = session.execute(select(func.count()).select_from(ChatMedia).where(
            ChatMedia.sha256.is_not(None), ChatMedia.evidence_sha256.is_(None))).scalar_one()
    assert unlinked == 0 and f"{folder.name}/result.json" in paths


def plant_other_files(folder: Path) -> set[str]:
    """Other cases' files where a loose export lies (a Downloads folder): their SHA-256s."""
    Image.new("RGB", (64, 48), (180, 40, 40)).save(folder / "other-case.jpg", "JPEG")
    (folder / "notes.txt").write_text("interview notes for another case\n", "utf-8")
    return {hashlib.sha256((folder / n).read_bytes()).hexdigest()
            for n in ("other-case.jpg", "notes.txt")}


def vaulted(factory: sessionmaker[Session]) -> dict[str, str]:
    """Every path the case's ingest recorded, with its item's SHA-256; refusals fail the test."""
    with transaction(factory) as session:
        refused = list(session.execute(select(IngestRefusal.path)).scalars())
        rows = session.execute(select(CaseItem.path, EvidenceItem.sha256).join(
            EvidenceItem, CaseItem.item_id == EvidenceItem.id)).all()
    assert refused == []
    return {path: sha256 for path, sha256 in rows}


def linked_media(factory: sessionmaker[Session]) -> set[str]:
    with transaction(factory) as session:
        media = list(session.execute(select(ChatMedia).where(
            ChatMedia.sha256.is_not(None))).scalars())
    assert media and all(m.evidence_sha256 == m.sha256 for m in media)
    return {m.sha256 for m in media if m.sha256}


def test_loose_whatsapp_text_ingests_only_itself_and_its_media(
        factory: sessionmaker[Session], settings: Settings, case_ref: str, export: Export,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = tmp_path / "Downloads"
    with zipfile.ZipFile(export.zip) as archive:
        archive.extractall(downloads)
        chat, *attached = archive.namelist()
    assert chat.endswith(".txt") and attached
    others = plant_other_files(downloads)
    runner = cli_env(settings, monkeypatch)
    done = runner.invoke(app, ["chat", "import", str(downloads / chat), "--case", case_ref,
                               "--as", "investigator", "--json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)["media"]
    assert report["linked"] == report["attached"] > 0
    assert report["ingested_files"] == 1 + len(attached)
    recorded = vaulted(factory)
    assert set(recorded) == {f"Downloads/{name}" for name in (chat, *attached)}
    assert not others & set(recorded.values())
    assert linked_media(factory) <= set(recorded.values())


def test_loose_telegram_result_json_ingests_only_the_photos_it_names(
        factory: sessionmaker[Session], accounts: dict[str, Account], settings: Settings,
        case_ref: str, tmp_path: Path) -> None:
    result = telegram_export(tmp_path)
    folder = result.parent
    named = sorted(p.relative_to(folder).as_posix() for p in (folder / "photos").iterdir())
    others = plant_other_files(folder)
    Image.new("RGB", (32, 32), (20, 90, 200)).save(folder / "photos" / "unnamed.jpg", "JPEG")
    others.add(hashlib.sha256((folder / "photos" / "unnamed.jpg").read_bytes()).hexdigest())
    done = import_chat(factory, accounts["investigator"].actor, case_ref, result, settings)
    assert done.media.attached > 0 and done.media.linked == done.media.attached
    recorded = vaulted(factory)
    assert set(recorded) == {f"{folder.name}/{name}" for name in ("result.json", *named)}
    assert not others & set(recorded.values())
    assert linked_media(factory) <= set(recorded.values())



def test_rerun_of_a_loose_export_reads_its_media_again(
        factory: sessionmaker[Session], accounts: dict[str, Account], settings: Settings,
        case_ref: str, tmp_path: Path) -> None:
    """The first import names the media from its own pass; a re-run that finds the group
    already imported (here after `--no-media`) reads the export again for them."""
    result = telegram_export(tmp_path)
    folder = result.parent
    named = sorted(p.relative_to(folder).as_posix() for p in (folder / "photos").iterdir())
    others = plant_other_files(folder)
    inv = accounts["investigator"].actor
    first = import_chat(factory, inv, case_ref, result, settings, media=False)
    assert first.created and first.media.attached > 0 and not vaulted(factory)
    again = import_chat(factory, inv, case_ref, result, settings)
    assert not again.created and again.media.linked == again.media.attached
    recorded = vaulted(factory)
    assert set(recorded) == {f"{folder.name}/{name}" for name in ("result.json", *named)}
    assert not others & set(recorded.values())

def test_full_telegram_export_brings_only_the_imported_chats_photos(
        factory: sessionmaker[Session], accounts: dict[str, Account], settings: Settings,
        case_ref: str, tmp_path: Path) -> None:
    """A full export (every chat of the account) lies loose: the group is imported, and a
    personal chat's photo beside it is that chat's, not the group's evidence."""
    photos = tmp_path / "export" / "photos"
    photos.mkdir(parents=True)
    for name, colour in (("group.jpg", (200, 30, 30)), ("personal.jpg", (30, 30, 200))):
        Image.new("RGB", (48, 48), colour).save(photos / name, "JPEG")

    def chat(name: str, kind: str, ident: int, photo: str) -> dict[str, Any]:
        return {"name": name, "type": kind, "id": ident, "messages": [
            {"id": 1, "type": "message", "date_unixtime": "1705140000", "from": "A",
             "from_id": "user1", "text": "hi"},
            {"id": 2, "type": "message", "date_unixtime": "1705140060", "from": "A",
             "from_id": "user1", "text": "", "photo": f"photos/{photo}"}]}

    result = tmp_path / "export" / "result.json"
    result.write_text(json.dumps({"chats": {"list": [
        chat("Friend", "personal_chat", 1, "personal.jpg"),
        chat("Group", "private_supergroup", 2, "group.jpg")]}}), "utf-8")
    done = import_chat(factory, accounts["investigator"].actor, case_ref, result, settings)
    assert done.media.attached == done.media.linked == 1
    assert set(vaulted(factory)) == {"export/result.json", "export/photos/group.jpg"}


def test_media_source_of_a_long_name_stays_distinct() -> None:
    """The ingest source ties an export's media to its group: a plain cut to the column would
    drop the SHA-256 that tells two exports of one long name apart."""
    name = "WhatsApp Chat with " + "x" * 281
    first, second = (vaulting.media_source(ChatGroup(source_name=name, source_sha256=sha * 64))
                     for sha in ("a", "b"))
    assert len(first) == len(second) == 300 and first != second


@pytest.mark.parametrize(("build", "named"), [
    (quoted_overlap, "overlaps entry"), (zeros_bomb, "entry 'zeros.bin' declares")])
def test_zip_bomb_is_refused_whole_in_one_line(
        factory: sessionmaker[Session], settings: Settings, case_ref: str, export: Export,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, build: Callable[[bytes], bytes],
        named: str) -> None:
    """A seized export made into a zip bomb: no chat record and no vault item is written."""
    bomb = tmp_path / export.zip.name
    bomb.write_bytes(build(export.zip.read_bytes()))
    runner = cli_env(settings, monkeypatch)
    refused = runner.invoke(app, ["chat", "import", str(bomb), "--case", case_ref,
                                  "--as", "investigator"])
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    line = refused.output.strip()
    assert "\n" not in line and line.startswith(f"error: {bomb}: refused: possible zip bomb: ")
    assert named in line
    after = counts(factory)
    assert all(n == 0 for table, n in after.items() if table != "audit_events"), after


def unique_photo(path: Path) -> tuple[str, dict[str, bytes]]:
    """The export's first JPEG whose content no other member shares, and every photo."""
    with zipfile.ZipFile(path) as archive:
        photos = {n: archive.read(n) for n in archive.namelist() if n.endswith((".jpg", ".png"))}
    shared = Counter(hashlib.sha256(data).digest() for data in photos.values())
    return min(n for n, data in photos.items()
               if n.endswith(".jpg") and shared[hashlib.sha256(data).digest()] == 1), photos


def deflated(path: Path, name: str) -> bytes:
    """The export zip rewritten with member `name` deflated and the others as they were."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w") as out:
        for info in source.infolist():
            method = zipfile.ZIP_DEFLATED if info.filename == name else info.compress_type
            out.writestr(info, source.read(info), compress_type=method)
    return buffer.getvalue()


@pytest.mark.parametrize(("damage", "reason", "vault_reason"), [
    (encrypted, "encrypted", "encrypted member"),
    (corrupt_data, "damaged compressed data", "unreadable member: damaged compressed data"),
    (unknown_method, "unsupported compression method 99",
     "unreadable member: unsupported compression method 99"),
], ids=["encrypted", "corrupt-deflate", "unknown-method"])
def test_unreadable_media_member_is_named_and_the_import_goes_on(
        factory: sessionmaker[Session], settings: Settings, case_ref: str, export: Export,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: Callable[[bytes, str], bytes],
        reason: str, vault_reason: str) -> None:
    """A seized export whose one photo is encrypted, damaged or compressed in a way no reader
    knows: the chat and the other media import, that photo is not hashable for its reason (not
    "not in the export"), and the vault refuses it by name."""
    bad, photos = unique_photo(export.zip)
    path = tmp_path / export.zip.name
    path.write_bytes(damage(deflated(export.zip, bad), bad))
    done = cli_env(settings, monkeypatch).invoke(app, [
        "chat", "import", str(path), "--case", case_ref, "--as", "investigator", "--json"])
    assert done.exit_code == 0 and done.exception is None, done.output
    assert "Traceback" not in done.output
    report = json.loads(done.output)
    assert report["created"] and report["media"]["linked"] == report["media"]["attached"] > 0
    parsed = parse(export.zip)
    with transaction(factory) as session:
        messages = session.execute(select(func.count()).select_from(ChatMessage)).scalar_one()
        members = set(session.execute(select(ChatMember.key)).scalars())
        media = list(session.execute(select(ChatMedia)).scalars())
        refusals = list(session.execute(select(IngestRefusal)).scalars())
    assert messages == len(parsed.messages) and members == {m.ref.key for m in parsed.members}
    named = [m for m in media if m.file_name == bad]
    assert named and all(m.sha256 is None and m.evidence_sha256 is None and
                         m.not_hashable == f"unreadable in the export zip: {reason}"
                         for m in named)  # fmt: skip
    others = [m for m in media if m.file_name != bad]
    assert others and all(m.file_name in photos and m.not_hashable is None and
                          m.sha256 == m.evidence_sha256 ==
                          hashlib.sha256(photos[m.file_name]).hexdigest()
                          for m in others)  # fmt: skip
    assert [(r.path, r.reason) for r in refusals] == [(f"{path.name}/{bad}", vault_reason)]
