"""Statistics over a seized chat group, the vault and the hash lists: members by triage advice,
by the analysts' decisions and by country (against the synthetic ground truth), evidence items
per year and known-material matches by category, in the CLI, the CSV and the dashboard."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from nigehbaan.cases import register
from nigehbaan.cases.schemas import CaseIn
from nigehbaan.chats import importer, queries
from nigehbaan.chats.models import ChatGroup, ChatMember
from nigehbaan.chats.views import DecisionIn
from nigehbaan.cli.main import app
from nigehbaan.core.clock import utcnow
from nigehbaan.core.countries import country_name
from nigehbaan.core.db import transaction
from nigehbaan.core.settings import Settings
from nigehbaan.matching import review
from nigehbaan.stats import report
from nigehbaan.stats.model import Cell
from tests.chats.groups import export_path
from tests.referrals.chat_case import LAYOUT, ChatCase, numbered
from tests.support import Account, login


def _label(code: str) -> str:
    return f"{code} {country_name(code)}" if code else "(unknown)"


def _tables(factory: sessionmaker[Session], settings: Settings,
            account: Account) -> dict[str, list[list[Cell]]]:
    with transaction(factory) as session:
        stats = report.collect(session, account.actor, settings)
    return {t.key: t.rows for t in stats.tables}


def test_members_by_role_and_country_match_the_ground_truth(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        chat_case: ChatCase) -> None:
    truth = chat_case.truth
    shown = {m["phone_e164"] for code in {m["country"] for m in truth["members"]}
             for m in numbered(truth, code)}
    expected = Counter(_label(m["country"]) if m["phone_e164"] in shown else "(unknown)"
                       for m in truth["members"])
    tables = _tables(factory, settings, accounts["investigator"])
    counted = {str(c): int(n) for c, n in tables["chat_members_by_country"]}
    unknown = counted.pop("(unknown)")
    assert counted == {c: n for c, n in expected.items() if c != "(unknown)"}
    # A contact saved as `Name: Work` reads as a message of `Name` (see tests/chats/test_triage):
    # the export cannot tell, so such a member may count twice among the unnumbered.
    colon = len(truth["names_with_colon"])
    assert expected["(unknown)"] <= unknown <= expected["(unknown)"] + colon
    total = sum(counted.values()) + unknown
    advice = {str(a): int(n) for a, n in tables["chat_members_by_advice"]}
    assert sum(advice.values()) == total
    by_pair = {(str(a), str(c)): int(n)
               for a, c, n in tables["chat_members_by_advice_country"]}
    offenders = [m for m in numbered(truth, "ES") if m["role"] == "offender"]
    assert len(offenders) == 2 and by_pair[("priority_suspect", _label("ES"))] >= 2
    assert tables["chat_members_by_decision"] == [["(no decision)", total, 0]]
    assert "chat_members_by_decision_country" in tables
    assert tables["matches_by_category"] == [["1", 1, 1, 0]]
    contents = {m["content"] for m in truth["media"]}
    ((year, items, links),) = tables["evidence_items_by_year"]
    assert (year, items, links) == (str(utcnow().year), len(contents), len(truth["media"]))

    investigator = accounts["investigator"]
    with transaction(factory) as session:
        group = session.execute(select(ChatGroup)).scalar_one()
        phones = {m.phone_e164: m for m in session.execute(select(ChatMember)).scalars()}
        for member in offenders:
            queries.decide(session, investigator.actor, chat_case.reference, group.id,
                           phones[member["phone_e164"]].id,
                           DecisionIn(category="priority_suspect", reason="read the chat"))
        victim = next(m for m in numbered(truth, "US") if m["role"] == "victim")
        queries.decide(session, investigator.actor, chat_case.reference, group.id,
                       phones[victim["phone_e164"]].id,
                       DecisionIn(category="possible_victim", reason="age stated"))
        review.confirm(session, investigator.actor, chat_case.reference, chat_case.match_id)
    tables = _tables(factory, settings, investigator)
    decisions = {d: (n, agree) for d, n, agree in tables["chat_members_by_decision"]}
    assert decisions["priority_suspect"] == (2, 2)
    assert decisions["possible_victim"][0] == 1
    assert decisions["(no decision)"] == (total - 3, 0)
    assert sorted(tables["chat_members_by_decision_country"]) == [
        ["possible_victim", _label("US"), 1], ["priority_suspect", _label("ES"), 2]]
    assert tables["matches_by_category"] == [["1", 1, 1, 1]]
    assert tables["matches_by_confirmed_category"] == [["1", 1]]
    outsider = _tables(factory, settings, accounts["outsider"])
    assert "chat_members_by_country" not in outsider and "matches_by_category" not in outsider


def test_cli_csv_and_dashboard_show_the_chat_figures(
        settings: Settings, accounts: dict[str, Account], chat_case: ChatCase,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, client: TestClient) -> None:
    monkeypatch.setenv("NIGEHBAAN_HOME", str(settings.home))
    monkeypatch.setenv("NIGEHBAAN_DATABASE_URL", settings.database_url)
    done = CliRunner().invoke(app, ["stats", "--json", "--csv", str(tmp_path / "out"),
                                    "--as", "investigator"])
    assert done.exit_code == 0, done.stderr
    tables = {t["key"]: t for t in json.loads(done.stdout)["tables"]}
    spanish = next(n for c, n in tables["chat_members_by_country"]["rows"] if c == _label("ES"))
    assert spanish == len(numbered(chat_case.truth, "ES"))
    csv_text = (tmp_path / "out" / "chat_members_by_advice.csv").read_text()
    assert csv_text.startswith("advice,members\n") and "priority_suspect," in csv_text
    assert (tmp_path / "out" / "matches_by_category.csv").read_text() == (
        "category,matches,items,confirmed by an analyst\n1,1,1,0\n")
    login(client, accounts["investigator"])
    page = client.get("/stats")
    assert page.status_code == 200
    for key in ("chat_members_by_advice", "chat_members_by_country", "evidence_items_by_year",
                "matches_by_category"):
        assert f'data-key="{key}"' in page.text
    assert client.get("/stats/chat_members_by_advice_country.csv").text.startswith(
        "advice,country,members\n")


def test_one_export_in_two_cases_counts_once(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        chat_case: ChatCase, groups: tuple[Path, dict[str, Any]]) -> None:
    """The phone's case and a referral about one member may both hold the group: its members
    are the same people, counted once; a decision taken on either copy is theirs."""
    investigator = accounts["investigator"]
    before = _tables(factory, settings, investigator)
    export = export_path(groups[0], groups[1], LAYOUT, "zip")
    with transaction(factory) as session:
        second = register.open_case(session, investigator.actor, CaseIn(
            title="Referral about one member", channel="walk_in"), settings).reference
        copy = importer.import_export(session, investigator.actor, second, export,
                                      owner_phone=chat_case.truth["owner"]).group.id
    after = _tables(factory, settings, investigator)
    keys = ("chat_members_by_advice", "chat_members_by_country",
            "chat_members_by_advice_country", "chat_members_by_decision")
    assert {k: after[k] for k in keys} == {k: before[k] for k in keys}
    offender = next(m for m in numbered(chat_case.truth, "ES") if m["role"] == "offender")
    with transaction(factory) as session:
        member = session.execute(select(ChatMember.id).where(
            ChatMember.group_id == copy,
            ChatMember.phone_e164 == offender["phone_e164"])).scalar_one()
        queries.decide(session, investigator.actor, second, copy, member,
                       DecisionIn(category="priority_suspect", reason="read the chat"))
    decided = _tables(factory, settings, investigator)["chat_members_by_decision"]
    total = sum(int(n) for _, n in before["chat_members_by_advice"])
    assert {d: n for d, n, _ in decided} == {"priority_suspect": 1, "(no decision)": total - 1}
