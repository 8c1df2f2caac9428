"""Fixtures shared by the chat tests."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.cases import register
from nigehbaan.cases.schemas import CaseIn
from nigehbaan.core.actors import Actor
from nigehbaan.core.db import transaction
from nigehbaan.core.settings import Settings


@pytest.fixture
def case_ref(factory: sessionmaker[Session], operator: Actor, settings: Settings) -> str:
    """A case opened by the local operator (the CLI's actor), for imports into it."""
    with transaction(factory) as session:
        return register.open_case(session, operator, CaseIn(title="Seized phone",
                                                            channel="walk_in"), settings).reference
