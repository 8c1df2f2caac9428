"""The command line, run in-process against the test database."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from nigehbaan.core.settings import Settings


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("NIGEHBAAN_HOME", str(settings.home))
    monkeypatch.setenv("NIGEHBAAN_DATABASE_URL", settings.database_url)
    monkeypatch.delenv("NIGEHBAAN_USER", raising=False)
    return CliRunner()
