"""The portal's per-process state, typed, from the app it was built into."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.core.settings import Settings
from nigehbaan.intake.ratelimit import PortalLimits


@dataclass(frozen=True)
class Portal:
    settings: Settings
    unit: str
    key: bytes
    limits: PortalLimits
    factory: sessionmaker[Session]
    exit_url: str


def portal(request: Request) -> Portal:
    state = request.app.state
    return Portal(state.settings, state.unit, state.key, state.limits, state.session_factory,
                  state.config.exit_url)
