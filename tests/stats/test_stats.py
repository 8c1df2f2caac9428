"""Statistics: counts over what each reader may see, every figure as table and CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from nigehbaan.cases import moves, register
from nigehbaan.cases.schemas import CaseIn, MoveIn
from nigehbaan.cli.main import app
from nigehbaan.core.actors import Actor
from nigehbaan.core.db import transaction
from nigehbaan.core.settings import Settings
from nigehbaan.referrals import outgoing, package
from nigehbaan.referrals.schemas import ReferralStatus
from nigehbaan.stats import report
from nigehbaan.stats.model import Cell
from tests.support import Account, login

START = datetime(2018, 1, 10, 9, tzinfo=UTC)


def _open(session: Session, actor: Actor, settings: Settings, channel: str, when: datetime,
          **extra: object) -> str:
    body = {"title": f"{channel} case", "channel": channel, "received_at": when,
            "offences": ["PECA-2016-21"], "region": "Punjab", **extra}
    return register.open_case(session, actor, CaseIn.model_validate(body), settings,
                              now=when).reference


@pytest.fixture
def register_2018(factory: sessionmaker[Session], settings: Settings,
                  accounts: dict[str, Account]) -> None:
    """One case in 2017, three in 2018 (one referral from Spain), one in Unit B."""
    inv, sup = accounts["investigator"].actor, accounts["supervisor"].actor
    with transaction(factory) as session:
        _open(session, inv, settings, "walk_in", datetime(2017, 5, 1, tzinfo=UTC))
        acted = _open(session, inv, settings, "walk_in", START)
        moves.move_case(session, inv, acted, MoveIn(to="inquiry", reason="x"),
                        now=START + timedelta(hours=2))
        late = _open(session, inv, settings, "public_portal", START + timedelta(days=31))
        moves.move_case(session, inv, late, MoveIn(to="inquiry", reason="x"),
                        now=START + timedelta(days=33))
        referred = _open(session, inv, settings, "international_referral",
                         START + timedelta(days=40), referring_agency="Embassy",
                         referring_country="ES", persons=[
                             {"role": "suspect", "identifiers": [
                                 {"kind": "phone", "value": "+34612345678"}]},
                             {"role": "victim", "is_minor": True, "country": "PK"}])
        referral = package.build(session, inv, referred, "ES", settings,
                                 now=START + timedelta(days=41)).referral
        outgoing.move(session, sup, referral.id, ReferralStatus.APPROVED, "ok")
        outgoing.move(session, inv, referral.id, ReferralStatus.SENT, "sent",
                      now=START + timedelta(days=42))
        outgoing.move(session, inv, referral.id, ReferralStatus.ANSWERED, "answered",
                      now=START + timedelta(days=52))
        _open(session, accounts["outsider"].actor, settings, "walk_in", START)


def _rows(stats: report.Statistics, key: str) -> list[list[Cell]]:
    return stats.table(key).rows


@pytest.mark.usefixtures("register_2018")
def test_counts_by_year_month_channel_and_country(session: Session, settings: Settings,
                                                  accounts: dict[str, Account]) -> None:
    stats = report.collect(session, accounts["investigator"].actor, settings)
    assert _rows(stats, "cases_by_year") == [["2017", 1], ["2018", 3]]
    year = report.collect(session, accounts["investigator"].actor, settings, 2018)
    assert _rows(year, "cases_by_month") == [["2018-01", 1], ["2018-02", 2]]
    assert dict(map(tuple, _rows(year, "cases_by_channel"))) == {  # type: ignore[arg-type]
        "walk_in": 1, "public_portal": 1, "international_referral": 1}
    assert _rows(year, "cases_by_referring_country") == [["ES Spain", 1]]
    assert _rows(year, "cases_by_offence") == [["PECA-2016-21", 3]]
    first = {row[0]: row for row in _rows(year, "first_action")}
    assert first["walk_in"][1:7] == [24, 1, 1, 0, 0, 0]
    assert first["public_portal"][3:5] == [0, 1] and first["public_portal"][7] == 48.0
    assert first["international_referral"][5] == 1
    assert _rows(year, "people_by_role") == [["suspect", 1, 0], ["victim", 1, 1]]
    assert ["suspect", "ES Spain", 1] in _rows(year, "people_by_role_country")
    assert _rows(year, "referrals_by_country") == [["ES Spain", 1, 1, 0, 10.0]]
    outsider = report.collect(session, accounts["outsider"].actor, settings)
    assert _rows(outsider, "cases_by_year") == [["2018", 1]]


@pytest.mark.usefixtures("register_2018")
def test_every_figure_is_a_csv(session: Session, settings: Settings,
                               accounts: dict[str, Account], tmp_path: Path) -> None:
    stats = report.collect(session, accounts["investigator"].actor, settings)
    written = report.write_csv(stats, tmp_path / "csv")
    assert sorted(p.name for p in written) == sorted(f"{t.key}.csv" for t in stats.tables)
    channels = list(csv.reader(io.StringIO((tmp_path / "csv/cases_by_channel.csv").read_text())))
    assert channels[0] == ["channel", "cases"] and len(channels) == 4


@pytest.mark.usefixtures("register_2018")
def test_cli_prints_text_json_and_csv(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                      tmp_path: Path) -> None:
    monkeypatch.setenv("NIGEHBAAN_HOME", str(settings.home))
    monkeypatch.setenv("NIGEHBAAN_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    text = runner.invoke(app, ["stats", "--year", "2018", "--as", "investigator"])
    assert text.exit_code == 0 and "Cases by channel" in text.stdout
    as_json = runner.invoke(app, ["stats", "--json", "--csv", str(tmp_path / "out")])
    assert as_json.exit_code == 0
    tables = {t["key"]: t for t in json.loads(as_json.stdout)["tables"]}
    assert tables["cases_by_year"]["rows"] == [["2017", 1], ["2018", 4]]
    assert (tmp_path / "out" / "first_action.csv").exists()
    bad = runner.invoke(app, ["stats", "--year", "12"])
    assert bad.exit_code == 1 and bad.stderr.startswith("error: year: 12")


@pytest.mark.usefixtures("register_2018")
def test_dashboard_annual_report_and_csv_routes(client: TestClient,
                                                accounts: dict[str, Account]) -> None:
    login(client, accounts["investigator"])
    page = client.get("/stats")
    assert page.status_code == 200
    assert page.text.count('type="application/json" class="figure"') >= 8
    assert '<script src="/assets/plotly.min.js">' in page.text and "<script>" not in page.text
    assert 'data-key="first_action"' in page.text
    annual = client.get("/stats/annual?year=2018")
    assert 'id="report-total">3 cases received in 2018' in annual.text
    assert client.get("/stats/cases_by_month.csv?year=2018").text == (
        "month,cases\n2018-01,1\n2018-02,2\n")
    assert client.get("/stats/nothing.csv").status_code == 404
    plotly = client.get("/assets/plotly.min.js")
    assert plotly.status_code == 200 and plotly.headers["content-type"].startswith(
        "text/javascript") and len(plotly.content) > 1_000_000
    assert client.get("/assets/stats/charts.js").status_code == 200
    api = client.get("/api/v1/stats?year=2018", headers=accounts["analyst"].headers).json()
    assert {t["key"] for t in api["tables"]} >= {"cases_by_month", "referrals_by_country"}
