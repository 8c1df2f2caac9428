"""Portal fixtures: the portal app beside the console, on the same test database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Browser

from nigehbaan.core.settings import Settings
from nigehbaan.intake.config import PortalConfig
from nigehbaan.intake.portal import create_portal_app
from tests.intake.browsing import Reporter
from tests.intake.portal_support import UNIT
from tests.support import serving


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


@pytest.fixture
def site(portal_app: FastAPI) -> Iterator[str]:
    """The portal served for real, for a browser."""
    with serving(portal_app) as base:
        yield base


@pytest.fixture
def reporter(browser: Browser, site: str) -> Iterator[Reporter]:
    made = Reporter(browser, site)
    yield made
    made.close()
