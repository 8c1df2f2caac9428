"""Country packages of a case with a seized chat group: the Spanish members with their
identifiers, membership events, indicators and cited messages, the hashes of what they shared
and the list match; nobody of another country; custody of every exported item; a bundle that
validates; and media content only with a supervisor's approval."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from nigehbaan.chats import importer, queries
from nigehbaan.chats.models import ChatMember
from nigehbaan.chats.views import DecisionIn
from nigehbaan.cli.main import app
from nigehbaan.core.db import transaction
from nigehbaan.core.settings import Settings
from nigehbaan.evidence.queries import custody_report
from nigehbaan.referrals import outgoing, package
from tests.referrals.chat_case import ChatCase, members_by_country, numbered
from tests.referrals.helpers import case_with_persons
from tests.support import Account, login

CASE_VALIDATE = Path(sys.executable).parent / "case_validate"


def _contents(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rows(files: dict[str, bytes], key: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = json.loads(files[f"data/{key}.json"])["rows"]
    return rows


def _build(factory: sessionmaker[Session], settings: Settings, account: Account,
           reference: str, media: bool = False) -> package.Built:
    with transaction(factory) as session:
        return package.build(session, account.actor, reference, "ES", settings, media=media)


def test_the_spanish_package_holds_the_spanish_members_and_their_material(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        chat_case: ChatCase, cli: CliRunner, tmp_path: Path) -> None:
    suspect = "+34639296853"
    with transaction(factory) as session:
        member = session.execute(select(ChatMember).where(
            ChatMember.phone_e164 == suspect)).scalar_one()
        queries.decide(session, accounts["analyst"].actor, chat_case.reference, member.group_id,
                       member.id, DecisionIn(category="priority_suspect", reason="read it all"))
    out = tmp_path / "es.zip"
    result = cli.invoke(app, ["referral", "build", "--case", chat_case.reference, "--country",
                              "ES", "--out", str(out), "--as", "investigator"])
    assert result.exit_code == 0, result.stderr
    checked = cli.invoke(app, ["referral", "verify", str(out)])
    assert checked.exit_code == 0, checked.stdout + checked.stderr
    files = _contents(out.read_bytes())
    by_country = members_by_country(chat_case.truth)
    spanish = numbered(chat_case.truth, "ES")
    assert len(spanish) >= 20
    members = _rows(files, "chat_members")
    assert {m["phone"] for m in members} == {m["phone_e164"] for m in spanish}
    decided = next(m for m in members if m["phone"] == suspect)
    assert decided["advice"].startswith("priority_suspect (suspect score")
    assert decided["decision"].startswith("priority_suspect by analyst") and "read it all" in \
        decided["decision"]
    owner = chat_case.truth["owner"]
    assert all(m["names"] and "+34" in m["names"] for m in members if m["phone"] != owner)
    listed = json.dumps(members) + files["data/shared_media.json"].decode()
    for code, people in by_country.items():
        if code != "ES":
            assert not any(p["phone_e164"] in listed for p in people if p["phone_e164"]), code
    events = _rows(files, "chat_membership")
    joined = {(m["joined"]["method"], m["joined"]["position"]) for m in spanish
              if m["joined"]["method"] in ("added", "link")}
    assert {method for method, _ in joined} == {"added", "link"}
    for method, position in joined:
        row = next(e for e in events if e["position"] == str(position))
        assert row["event"] == {"added": "added", "link": "joined by link"}[method]
        assert row["raw"] and row["time"] and row["by"]
        if method == "added":
            assert row["whom"]
    indicators = _rows(files, "chat_indicators")
    cited = [i for i in indicators if i["cited"] == "message" and i["text"]]
    assert cited and all(i["raw"] and i["position"] and i["time"] for i in cited)
    planted = {code for m in spanish for code in m["indicators"]}
    assert {"shared_media", "never_posted"} <= planted & {i["indicator"] for i in indicators}
    assert {i["member"] for i in indicators} <= {m["member"] for m in members}
    media = _rows(files, "shared_media")
    matched = next(m for m in media if m["sha256"] == chat_case.matched_sha256)
    assert len(matched["md5"]) == 32 and matched["vault"] == "yes"
    assert any(m["sha256"] == chat_case.linked_sha256 for m in media)
    (match,) = _rows(files, "known_matches")
    assert match == {"sha256": chat_case.matched_sha256, "list": "known", "version": "v1",
                     "entry": f"sha256 {chat_case.matched_sha256}", "category": "1",
                     "method": "exact-sha256", "distance": "0", "confirmed category": ""}
    assert not any(name.startswith("media/") for name in files)
    summary = files["summary.html"].decode()
    assert "Chat group members attributed to this country" in summary
    assert chat_case.matched_sha256 in summary and cited[0]["text"][:20] in summary
    with transaction(factory) as session:
        events_of = custody_report(session, accounts["investigator"].actor,
                                   sha256=chat_case.matched_sha256)
    exported = [e for e in events_of if e.action == "exported"]
    assert len(exported) == 1 and "to ES (hashes only)" in exported[0].reason
    assert "exported in referral package" in exported[0].reason
    assert exported[0].detail["country"] == "ES" and not exported[0].detail["content"]


def test_media_content_goes_out_only_when_approved_and_is_in_custody(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        chat_case: ChatCase) -> None:
    investigator, supervisor = accounts["investigator"], accounts["supervisor"]
    first = _build(factory, settings, investigator, chat_case.reference)
    with transaction(factory) as session:
        outgoing.approve_media(session, supervisor.actor, first.referral.id, "partner's court")
    built = _build(factory, settings, investigator, chat_case.reference, media=True)
    files = _contents(built.data)
    placed = {name.split("/")[1].split(".")[0] for name in files if name.startswith("media/")}
    assert {chat_case.matched_sha256, chat_case.linked_sha256} <= placed
    assert built.media == len(placed)
    with transaction(factory) as session:
        events = custody_report(session, investigator.actor, sha256=chat_case.matched_sha256)
    exported = [e for e in events if e.action == "exported"]
    assert [e.detail["content"] for e in exported] == [False, True]
    assert exported[1].detail["package_sha256"] == built.sha256
    assert exported[1].detail["media_approved_by"] == "supervisor"
    assert f"referral package {built.referral.id} to ES (with its content)" in exported[1].reason


def test_the_chat_bundle_validates(factory: sessionmaker[Session], settings: Settings,
                                   accounts: dict[str, Account], chat_case: ChatCase,
                                   tmp_path: Path) -> None:
    files = _contents(_build(factory, settings, accounts["investigator"],
                             chat_case.reference).data)
    graph = json.loads(files["case-uco.jsonld"])["@graph"]
    types = {node["@type"] for node in graph}
    assert {"uco-observable:Message", "uco-observable:PhoneAccount", "uco-observable:File",
            "uco-core:Annotation", "uco-core:Relationship"} <= types
    message = next(n for n in graph if n["@type"] == "uco-observable:Message")
    assert message["uco-core:hasFacet"][0]["uco-observable:messageText"]
    _validates(files["case-uco.jsonld"], tmp_path)


def _validates(bundle: bytes, folder: Path) -> None:
    """`case_validate` (case-utils ships the ontology: offline) finds the bundle conformant."""
    path = folder / "case-uco.jsonld"
    path.write_bytes(bundle)
    tool = CASE_VALIDATE if CASE_VALIDATE.exists() else Path(shutil.which("case_validate") or "")
    assert tool.is_file(), "case-utils (test extra) provides case_validate"
    done = subprocess.run([str(tool), "--allow-info", str(path)], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "Conforms: True" in done.stdout


def test_a_member_shown_by_name_only_is_attributed_by_hand(
        factory: sessionmaker[Session], settings: Settings, chat_case: ChatCase,
        cli: CliRunner, tmp_path: Path) -> None:
    with transaction(factory) as session:
        member = session.execute(select(ChatMember).where(
            ChatMember.display_name == "Nerea Cousin")).scalar_one()
        assert member.phone_e164 is None and member.country == ""
    args = ["referral", "attribute-member", "--case", chat_case.reference, "--member",
            str(member.id), "--country", "es", "--reason", "number from the seized SIM",
            "--as", "investigator"]
    done = cli.invoke(app, args)
    assert done.exit_code == 0 and "attributed to ES" in done.stdout, done.stderr
    again = cli.invoke(app, args)
    assert again.exit_code == 1 and again.stderr.strip() == (
        f"error: chat member {member.id} is already attributed to ES")
    missing = cli.invoke(app, [*args[:5], "999999", *args[6:]])
    assert missing.exit_code == 1
    assert f"no chat group member 999999 in case {chat_case.reference}" in missing.stderr
    out = tmp_path / "es.zip"
    built = cli.invoke(app, ["referral", "build", "--case", chat_case.reference, "--country",
                             "ES", "--out", str(out), "--as", "investigator"])
    assert built.exit_code == 0, built.stderr
    rows = _rows(_contents(out.read_bytes()), "chat_members")
    (row,) = [r for r in rows if r["member"] == "Nerea Cousin"]
    assert row["why"] == "set by hand by investigator: number from the seized SIM"


def test_possible_victims_are_withheld_outside_the_team(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        chat_case: ChatCase, tmp_path: Path) -> None:
    with transaction(factory) as session:
        victims = session.execute(select(ChatMember).where(
            ChatMember.country == "ES", ChatMember.triage == "possible_victim")).scalars().all()
    assert victims, "the synthetic group has Spanish members advised possible victims"
    files = _contents(_build(factory, settings, accounts["supervisor"],
                             chat_case.reference).data)
    everything = b"".join(files.values()).decode()
    for victim in victims:
        for label in {victim.phone_e164 or "", victim.display_name, *victim.aliases}:
            assert len(label) < 3 or label not in everything, label
    rows = _rows(files, "chat_members")
    assert sum(r["member"] == "[possible victim]" for r in rows) == len(victims)
    _validates(files["case-uco.jsonld"], tmp_path)
    inside = _contents(_build(factory, settings, accounts["investigator"],
                              chat_case.reference).data)
    assert str(victims[0].phone_e164) in inside["data/chat_members.json"].decode()


def test_the_console_offers_the_countries_of_the_chat_members(
        client: TestClient, accounts: dict[str, Account], chat_case: ChatCase) -> None:
    login(client, accounts["investigator"])
    page = client.get(f"/cases/{chat_case.reference}/international")
    assert page.status_code == 200
    offered = set(re.findall(r'<option value="([A-Z]{2})">', page.text))
    assert {m["country"] for m in chat_case.truth["members"]
            if m in numbered(chat_case.truth, m["country"])} <= offered
    chats = client.get(f"/cases/{chat_case.reference}/chats").text
    group = re.search(rf'href="(/cases/{chat_case.reference}/chats/\d+)"', chats)
    assert group is not None
    page_text = client.get(group.group(1)).text
    start = page_text.index('id="countries"')
    breakdown = page_text[start:page_text.index("</ul>", start)]
    links = re.findall(r'href="(/cases/[^"]+/international\?country=([A-Z]{2})#build-form)"',
                       breakdown)
    assert "ES" in {code for _, code in links} and "PK" not in {code for _, code in links}
    spain = next(link for link, code in links if code == "ES")
    chosen = re.findall(r'<option value="([A-Z]{2})" selected>', client.get(spain).text)
    assert chosen == ["ES"]


def test_a_package_lists_a_members_number_change(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        tmp_path: Path) -> None:
    """WhatsApp's line `A changed to B` joins both numbers into one member; the receiving
    country sees the line itself among the membership events, so it learns the other number."""
    path = tmp_path / "WhatsApp Chat with Walk.txt"
    path.write_text("13/03/2023, 09:12 - You created group \"Walk\"\n"
                    "13/03/2023, 09:13 - You added +92 300 1111111\n"
                    "13/03/2023, 09:14 - +92 300 1111111: first number\n"
                    "13/03/2023, 09:15 - +92 300 1111111 changed to +34 612 345 678\n"
                    "13/03/2023, 09:16 - +34 612 345 678: send me your pics\n", "utf-8")
    actor = accounts["investigator"].actor
    with transaction(factory) as session:
        reference = case_with_persons(session, actor, settings, persons=[]).reference
        importer.import_export(session, actor, reference, path)
    files = _contents(_build(factory, settings, accounts["investigator"], reference).data)
    (member,) = _rows(files, "chat_members")
    assert member["phone"] == "+34612345678" and "+92 300 1111111" in member["names"]
    changed = [e for e in _rows(files, "chat_membership") if e["event"] == "number changed"]
    assert [e["raw"] for e in changed] == [
        "13/03/2023, 09:15 - +92 300 1111111 changed to +34 612 345 678"]
