"""A case holding a synthetic chat group (seed 7, WhatsApp Android in Spanish: members in Spain,
Pakistan, the US, the UK and the Gulf; the phone's owner is Spanish), the export's media in the
vault, and a hash list that knows one image a Spanish member shared. Shared by the package and
the statistics tests."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.cases import register
from nigehbaan.cases.schemas import CaseIn
from nigehbaan.chats import importer
from nigehbaan.chats.models import ChatMedia, ChatMember
from nigehbaan.core.actors import Actor
from nigehbaan.core.db import transaction
from nigehbaan.core.settings import Settings
from nigehbaan.evidence import acquisition
from nigehbaan.evidence.models import EvidenceItem
from nigehbaan.matching import engine, lists
from nigehbaan.matching.lists import ListOptions
from nigehbaan.matching.models import HashMatch
from tests.chats.groups import export_path, truth, write_groups
from tests.support import Account

LAYOUT = "whatsapp-android-es"


@dataclass(frozen=True)
class ChatCase:
    reference: str
    truth: dict[str, Any]
    matched_sha256: str
    """An image a Spanish member shared, on the hash list (category "1")."""
    linked_sha256: str
    """An image a Spanish member shared whose media row carries `evidence_sha256`."""
    match_id: int


def media_folder(export: Path, folder: Path) -> Path:
    """The export's attachments as plain files: what an examiner ingests into the vault."""
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(export) as archive:
        for name in archive.namelist():
            if not name.endswith(".txt"):
                (folder / Path(name).name).write_bytes(archive.read(name))
    return folder


def build(factory: sessionmaker[Session], settings: Settings, actor: Actor, admin: Actor,
          root: Path, manifest: dict[str, Any], work: Path) -> ChatCase:
    """`actor` opens the case and imports; `admin` (may administer hash lists) loads the list."""
    export = export_path(root, manifest, LAYOUT, "zip")
    data = truth(root, LAYOUT)
    with transaction(factory) as session:
        reference = register.open_case(session, actor, CaseIn(
            title="Seized phone with a group", channel="walk_in",
            summary="Synthetic chat group."), settings).reference
        importer.import_export(session, actor, reference, export, owner_phone=data["owner"])
    acquisition.ingest(factory, actor, reference, media_folder(export, work / "media"),
                       "group media", settings)
    with transaction(factory) as session:
        shared = session.execute(
            select(ChatMedia.id, ChatMedia.sha256).join(ChatMember,
                                                        ChatMember.id == ChatMedia.member_id)
            .where(ChatMember.country == "ES", ChatMedia.sha256.is_not(None))
            .order_by(ChatMedia.position)).all()
        others = set(session.execute(
            select(ChatMedia.sha256).join(ChatMember, ChatMember.id == ChatMedia.member_id)
            .where(ChatMember.country != "ES", ChatMedia.sha256.is_not(None))).scalars())
        own = [(row_id, sha) for row_id, sha in shared if sha not in others]
        assert len(own) >= 2, "the synthetic group has Spanish members who shared images"
        (_, matched), (linked_id, linked) = own[0], own[1]
        session.execute(update(ChatMedia).where(ChatMedia.id == linked_id)
                        .values(evidence_sha256=linked))
    hashes = work / "known.csv"
    hashes.write_text(f"hash_type,hash,category,series,media_id\nsha256,{matched},1,S-ES,\n")
    with transaction(factory) as session:
        lists.import_list(session, admin, hashes, ListOptions(name="known", format="csv",
                                                              scheme="vics-us"))
    with transaction(factory) as session:
        engine.match_case(session, actor, reference)
    with transaction(factory) as session:
        match_id = session.execute(select(HashMatch.id).join(
            EvidenceItem, EvidenceItem.id == HashMatch.item_id)
            .where(EvidenceItem.sha256 == matched)).scalar_one()
    assert matched is not None and linked is not None
    return ChatCase(reference, data, matched, linked, match_id)


def members_by_country(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for member in data["members"]:
        found.setdefault(member["country"], []).append(member)
    return found


def dump(files: dict[str, bytes], name: str) -> Any:
    return json.loads(files[name])


def numbered(data: dict[str, Any], country: str) -> list[dict[str, Any]]:
    """Truth members of `country` whose number the export shows (a contact saved under a name
    shows only the name) or who own the phone: those attributed by their number."""
    return [m for m in data["members"] if m["country"] == country
            and (m["phone_e164"] == data["owner"]
                 or any(name.startswith("+") for name in m["display_names"]))]


@pytest.fixture(scope="module")
def groups(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The synthetic exports, written once per test module."""
    root = tmp_path_factory.mktemp("chat-case")
    return root, write_groups(root, with_media=True)


@pytest.fixture
def chat_case(factory: sessionmaker[Session], settings: Settings,
              accounts: dict[str, Account], groups: tuple[Path, dict[str, Any]],
              tmp_path: Path) -> ChatCase:
    return build(factory, settings, accounts["investigator"].actor, accounts["admin"].actor,
                 groups[0], groups[1], tmp_path)
