"""Portal fixtures: the portal app beside the console, on the same test database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from nigehbaan.core.settings import Settings
from nigehbaan.intake.config import PortalConfig
from nigehbaan.intake.portal import create_portal_app
from tests.intake.portal_support import UNIT


@pytest.fixture
def portal_config() -> PortalConfig:
    return PortalConfig(unit=UNIT)


@pytest.fixture
def portal_app(settings: Settings, portal_config: PortalConfig) -> FastAPI:
    return create_portal_app(settings, portal_config)


@pytest.fixture
def portal(portal_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(portal_app, base_url="https://portal.test") as client:
        yield client
