"""Importing exports into a case: idempotent, one transaction, clear errors for bad input."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from nigehbaan.cases import register
from nigehbaan.cases.schemas import CaseIn
from nigehbaan.chats import importer, queries
from nigehbaan.chats.models import (
    ChatEdge,
    ChatEvent,
    ChatGroup,
    ChatIndicator,
    ChatMedia,
    ChatMember,
    ChatMessage,
)
from nigehbaan.cli.main import app
from nigehbaan.core.actors import Actor
from nigehbaan.core.audit import AuditEvent
from nigehbaan.core.db import transaction
from nigehbaan.core.errors import Forbidden, Invalid
from nigehbaan.core.settings import Settings
from tests.chats.groups import export_path, write_groups
from tests.support import Account

TABLES = (ChatGroup, ChatMember, ChatMessage, ChatEvent, ChatEdge, ChatMedia, ChatIndicator)
GOOD = ("13/03/2023, 09:12 - You created group \"Walk group\"\n"
        "13/03/2023, 09:13 - You added +92 300 1234567, +34 612 345 678\n"
        "13/03/2023, 09:14 - +92 300 1234567: hello everyone\n"
        "13/03/2023, 09:15 - +34 612 345 678: hola\n")


def counts(factory: sessionmaker[Session]) -> dict[str, int]:
    with transaction(factory) as session:
        return {t.__tablename__: session.execute(select(func.count()).select_from(t)).scalar_one()
                for t in TABLES}


def do_import(factory: sessionmaker[Session], actor: Actor, ref: str, path: Path,
              **options: str) -> importer.ImportOutcome:
    with transaction(factory) as session:
        return importer.import_export(session, actor, ref, path, **options)  # type: ignore[arg-type]


def test_import_twice_changes_nothing(factory: sessionmaker[Session], operator: Actor,
                                      case_ref: str, tmp_path: Path) -> None:
    root = tmp_path / "synth"
    manifest = write_groups(root, with_media=True)
    export = export_path(root, manifest, "whatsapp-android-en", "zip")
    first = do_import(factory, operator, case_ref, export)
    assert first.created
    before = counts(factory)
    second = do_import(factory, operator, case_ref, export)
    assert not second.created and second.group.id == first.group.id
    assert counts(factory) == before
    assert before["chat_messages"] == first.group.report["messages"] > 1900
    with transaction(factory) as session:
        attached = session.execute(select(func.count()).select_from(ChatMedia)
                                   .where(ChatMedia.sha256.is_not(None))).scalar_one()
        views = queries.members(session, operator, case_ref, first.group.id)
    assert attached > 0
    assert {"priority_suspect", "possible_victim", "passive"} <= {v.triage for v in views}
    suspect = next(v for v in views if v.triage == "priority_suspect")
    cited = [e for i in suspect.indicators for e in i.evidence]
    assert cited and all(e.id > 0 for e in cited)


def test_telegram_folder_import_merges_names(factory: sessionmaker[Session], operator: Actor,
                                             case_ref: str, tmp_path: Path) -> None:
    root = tmp_path / "synth"
    manifest = write_groups(root, with_media=False)
    export = export_path(root, manifest, "telegram-desktop", "telegram_json").parent
    outcome = do_import(factory, operator, case_ref, export)
    report = outcome.group.report
    assert report["members_parsed"] > report["members"] and report["merged_identities"] > 0
    assert_rows_belong_to_members(factory, outcome.group.id)


def assert_rows_belong_to_members(factory: sessionmaker[Session], group: int) -> None:
    """After identities merge, every row points at a member still there, and each member's
    stored message count is the messages that point at them."""
    with factory() as session:
        kept = set(session.scalars(select(ChatMember.id).where(ChatMember.group_id == group)))
        for model in (ChatMessage, ChatEvent, ChatMedia):
            owners = set(session.scalars(select(model.member_id).where(
                model.group_id == group, model.member_id.is_not(None))))
            assert owners <= kept, model.__name__
        per_member = dict(session.execute(
            select(ChatMessage.member_id, func.count()).where(ChatMessage.group_id == group)
            .group_by(ChatMessage.member_id)).all())
        stored = dict(session.execute(select(ChatMember.id, ChatMember.messages)
                                      .where(ChatMember.group_id == group)).all())
    assert {m: n for m, n in stored.items() if n} == {
        m: n for m, n in per_member.items() if m is not None}


def test_owner_phone_merges_the_owners_number_and_moves_its_rows(
        factory: sessionmaker[Session], operator: Actor, case_ref: str, tmp_path: Path) -> None:
    """The seized phone's own number, seen as a sender, is the owner ("You"): its messages
    and events move to the owner's member row, and the number's row goes."""
    path = tmp_path / "WhatsApp Chat with Walk.txt"
    path.write_text("13/03/2023, 09:12 - You created group \"Walk\"\n"
                    "13/03/2023, 09:13 - You added +92 300 1234567\n"
                    "13/03/2023, 09:14 - +92 301 7654321: hello from the owner's number\n"
                    "13/03/2023, 09:15 - +92 300 1234567: hi\n"
                    "13/03/2023, 09:16 - +92 301 7654321: again\n"
                    "13/03/2023, 09:17 - +92 301 7654321 left\n", encoding="utf-8")
    outcome = do_import(factory, operator, case_ref, path, owner_phone="+92 301 7654321")
    group = outcome.group.id
    assert outcome.group.report["merged_identities"] == 1
    assert_rows_belong_to_members(factory, group)
    with factory() as session:
        keys = set(session.scalars(select(ChatMember.key).where(ChatMember.group_id == group)))
        owner = session.scalar(select(ChatMember.id).where(ChatMember.group_id == group,
                                                           ChatMember.key == "owner"))
        mine = session.scalar(select(func.count()).select_from(ChatMessage).where(
            ChatMessage.group_id == group, ChatMessage.member_id == owner))
        left = session.scalar(select(ChatEvent.member_id).where(ChatEvent.group_id == group,
                                                                ChatEvent.kind == "left"))
    assert "tel:+923017654321" not in keys and mine == 2 and left == owner


def test_a_changed_number_is_one_member_under_the_new_number(
        factory: sessionmaker[Session], operator: Actor, case_ref: str, tmp_path: Path) -> None:
    """WhatsApp's own line `A changed to B` joins the two numbers: the messages of both are
    one member's, keyed and shown by the newer number; a saved contact's change, which names
    no new number, joins nothing, and neither does a typed message saying the words."""
    path = tmp_path / "WhatsApp Chat with Walk.txt"
    path.write_text("13/03/2023, 09:12 - You created group \"Walk\"\n"
                    "13/03/2023, 09:13 - You added +92 300 1111111, Sana\n"
                    "13/03/2023, 09:14 - +92 300 1111111: first number\n"
                    "13/03/2023, 09:15 - +92 300 1111111 changed to +34 612 345 678\n"
                    "13/03/2023, 09:16 - +34 612 345 678: new number\n"
                    "13/03/2023, 09:17 - Sana changed their phone number to a new number. Tap "
                    "to message or add the new number.\n"
                    "13/03/2023, 09:18 - Sana: +92 300 9999999 changed to +92 300 8888888\n",
                    encoding="utf-8")
    outcome = do_import(factory, operator, case_ref, path)
    group = outcome.group.id
    assert outcome.group.report["merged_identities"] == 1
    assert_rows_belong_to_members(factory, group)
    with factory() as session:
        rows = {m.key: m for m in session.scalars(
            select(ChatMember).where(ChatMember.group_id == group))}
        kinds = list(session.scalars(select(ChatEvent.kind).where(ChatEvent.group_id == group)
                                     .order_by(ChatEvent.position)))
    assert "tel:+923001111111" not in rows
    moved = rows["tel:+34612345678"]
    assert moved.messages == 2 and moved.phone_e164 == "+34612345678" and moved.country == "ES"
    assert {"+92 300 1111111", "+34 612 345 678"} <= set(moved.aliases)
    assert rows["name:Sana"].messages == 1
    assert kinds.count("number_changed") == 2
    assert "tel:+923009999999" not in rows and "tel:+923008888888" not in rows


BAD = {
    "empty": b"",
    "binary": bytes(range(256)) * 8,
    "not a chat": b"just some notes\nnothing like a chat\n",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_one_clear_error_and_nothing_stored(
        factory: sessionmaker[Session], operator: Actor, case_ref: str, tmp_path: Path,
        name: str) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes(BAD[name])
    before = counts(factory)
    with pytest.raises(Invalid) as raised:
        do_import(factory, operator, case_ref, path)
    assert "\n" not in raised.value.detail and raised.value.detail
    assert counts(factory) == before


def test_truncated_zip_is_refused(factory: sessionmaker[Session], operator: Actor,
                                  case_ref: str, tmp_path: Path) -> None:
    full = tmp_path / "full.zip"
    with zipfile.ZipFile(full, "w") as zf:
        zf.writestr("WhatsApp Chat with Walk.txt", GOOD * 200)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    with pytest.raises(Invalid, match="zip"):
        do_import(factory, operator, case_ref, cut)
    assert counts(factory)["chat_groups"] == 0


def test_utf16_export_imports(factory: sessionmaker[Session], operator: Actor, case_ref: str,
                              tmp_path: Path) -> None:
    path = tmp_path / "WhatsApp Chat with Walk.txt"
    path.write_bytes(GOOD.encode("utf-16"))
    outcome = do_import(factory, operator, case_ref, path)
    assert outcome.group.report["messages"] == 2
    assert outcome.group.report["members"] == 3


def test_header_shaped_line_and_backwards_time_and_colon_name(
        factory: sessionmaker[Session], operator: Actor, case_ref: str, tmp_path: Path) -> None:
    text = GOOD + ("13/03/2023, 09:20 - +92 300 1234567: copying what he wrote:\n"
                   "12/03/2023, 08:00 - Coach: practice at 5\n"
                   "13/03/2023, 09:21 - Ali: Work: see you\n")
    path = tmp_path / "WhatsApp Chat with Walk.txt"
    path.write_text(text, encoding="utf-8")
    outcome = do_import(factory, operator, case_ref, path)
    report = outcome.group.report
    assert report["messages"] == 4 and report["unparsed_lines"] >= 1
    assert any("earlier time" in w for w in report["warnings"])
    with transaction(factory) as session:
        kept = session.execute(select(ChatMessage.text).where(
            ChatMessage.group_id == outcome.group.id, ChatMessage.position == 5)).scalar_one()
        raw = session.execute(select(ChatMessage.raw).where(
            ChatMessage.group_id == outcome.group.id, ChatMessage.position == 5)).scalar_one()
    assert "Coach: practice at 5" in kept and "12/03/2023" in raw


def test_cli_import_and_members(settings: Settings, case_ref: str, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {"NIGEHBAAN_HOME": str(settings.home),
                       "NIGEHBAAN_DATABASE_URL": settings.effective_database_url}.items():
        monkeypatch.setenv(key, value)
    path = tmp_path / "WhatsApp Chat with Walk.txt"
    path.write_text(GOOD, encoding="utf-8")
    runner = CliRunner()
    done = runner.invoke(app, ["chat", "import", str(path), "--case", case_ref, "--json"])
    assert done.exit_code == 0, done.output
    group = json.loads(done.output)["group"]["id"]
    again = runner.invoke(app, ["chat", "import", str(path), "--case", case_ref])
    assert "nothing changed" in again.output
    listed = runner.invoke(app, ["chat", "members", "--case", case_ref, "--json"])
    assert listed.exit_code == 0
    rows = json.loads(listed.output)
    assert {"member_id", "display_names", "phone_e164", "country", "messages", "media",
            "known_matches", "added_count", "indicators", "triage", "triage_rule"} <= set(rows[0])
    assert {r["country"] for r in rows} >= {"PK", "ES"}
    table = runner.invoke(app, ["chat", "members", "--case", case_ref])
    assert "triage" in table.output
    with_code = next(r for r in rows if r["indicators"])
    code = with_code["indicators"][0]["code"]
    only = json.loads(runner.invoke(app, ["chat", "members", "--case", case_ref, "--indicator",
                                          code, "--json"]).output)
    assert only and all(any(i["code"] == code for i in r["indicators"]) for r in only)
    assert len(only) <= len(rows)

    member = ["chat", "decide", "--case", case_ref, "--group", str(group), "--member",
              str(with_code["member_id"])]
    decided = runner.invoke(app, [*member, "--category", "passive", "--reason",
                                  "added by the owner, never wrote", "--json"])
    assert decided.exit_code == 0, decided.output
    assert json.loads(decided.output)["advice"] == with_code["triage"]
    after = json.loads(runner.invoke(app, ["chat", "members", "--case", case_ref,
                                           "--json"]).output)
    shown = next(r for r in after if r["member_id"] == with_code["member_id"])
    assert shown["decision"]["category"] == "passive"
    bad = runner.invoke(app, [*member, "--category", "guilty", "--reason", "no reason at all"])
    assert bad.exit_code == 1 and "category" in bad.output and "Traceback" not in bad.output


def test_cli_ambiguous_date_order_asks(settings: Settings, case_ref: str, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {"NIGEHBAAN_HOME": str(settings.home),
                       "NIGEHBAAN_DATABASE_URL": settings.effective_database_url}.items():
        monkeypatch.setenv(key, value)
    path = tmp_path / "WhatsApp Chat with Walk.txt"
    path.write_text(GOOD.replace("13/03/2023", "03/04/2023"), encoding="utf-8")
    runner = CliRunner()
    refused = runner.invoke(app, ["chat", "import", str(path), "--case", case_ref])
    assert refused.exit_code == 1 and "--date-order" in refused.output
    done = runner.invoke(app, ["chat", "import", str(path), "--case", case_ref,
                               "--date-order", "dmy"])
    assert done.exit_code == 0, done.output


def test_import_is_audited_and_needs_write(factory: sessionmaker[Session],
                                           accounts: dict[str, Account], settings: Settings,
                                           tmp_path: Path) -> None:
    path = tmp_path / "WhatsApp Chat with Walk.txt"
    path.write_text(GOOD, encoding="utf-8")
    with transaction(factory) as session:
        case_ref = register.open_case(session, accounts["investigator"].actor, CaseIn(
            title="Unit case", channel="walk_in"), settings).reference
    with pytest.raises(Forbidden):
        do_import(factory, accounts["analyst"].actor, case_ref, path)
    do_import(factory, accounts["investigator"].actor, case_ref, path)
    with transaction(factory) as session:
        actions = set(session.execute(select(AuditEvent.action)).scalars())
    assert "chat.import" in actions
