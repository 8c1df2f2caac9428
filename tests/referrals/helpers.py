"""Small builders shared by the referral tests: a case with a suspect, a received referral."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from nigehbaan.cases import register
from nigehbaan.cases.models import Case
from nigehbaan.cases.schemas import CaseIn
from nigehbaan.core.actors import Actor
from nigehbaan.core.settings import Settings

SPANISH_PHONE = "+34612345678"
PAKISTANI_PHONE = "+923001234567"


def case_with_persons(session: Session, actor: Actor, settings: Settings, *,
                      persons: list[dict[str, Any]], channel: str = "walk_in",
                      title: str = "Seized phone group") -> Case:
    """A case registered in `session` with `persons` (`tests.support.open_case` opens one
    through the API)."""
    return register.open_case(session, actor, CaseIn.model_validate(
        {"title": title, "channel": channel, "summary": "Synthetic test case.",
         "offences": ["PECA-2016-22"], "persons": persons}), settings)


def group_case(session: Session, actor: Actor, settings: Settings) -> Case:
    """A case with a Spanish suspect, a Pakistani victim (minor) and a UK member by hand."""
    return case_with_persons(session, actor, settings, persons=[
        {"role": "suspect", "full_name": "Mateo Example",
         "identifiers": [{"kind": "phone", "value": SPANISH_PHONE},
                         {"kind": "handle", "value": "mateo_x", "platform": "telegram"}]},
        {"role": "victim", "full_name": "Child Example", "is_minor": True,
         "identifiers": [{"kind": "phone", "value": PAKISTANI_PHONE}]},
        {"role": "group_member", "full_name": "Member Example",
         "identifiers": [{"kind": "email", "value": "member@example.org"}]},
    ])
