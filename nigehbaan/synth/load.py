"""Loading a synthetic scenario through the same services a person would use."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from nigehbaan.cases import moves, register
from nigehbaan.cases.schemas import ApprovalIn, CaseIn, MoveIn
from nigehbaan.core.actors import Actor
from nigehbaan.core.errors import Invalid
from nigehbaan.core.settings import Settings


def read(folder: Path) -> dict[str, Any]:
    path = folder / "scenario.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise Invalid(f"{path}: not a synthetic scenario ({error})") from None
    return data


def load_cases(session: Session, scenario: dict[str, Any], settings: Settings,
               investigator: Actor, supervisor: Actor) -> list[str]:
    """Open, approve and move every case at its own historical times; returns the references."""
    references = []
    for item in scenario["cases"]:
        fields = {key: value for key, value in item.items() if key not in ("moves", "approval")}
        received = datetime.fromisoformat(item["received_at"])
        case = register.open_case(session, investigator, CaseIn.model_validate(fields), settings,
                                  now=received)
        for step in item.get("moves", []):
            if step["to"] == "registered" and "approval" in item:
                moves.approve_case(session, supervisor, case.reference,
                                   ApprovalIn(reason=item["approval"]["reason"]))
            move = MoveIn.model_validate({k: v for k, v in step.items() if k != "at"})
            moves.move_case(session, investigator, case.reference, move,
                            now=datetime.fromisoformat(step["at"]))
        references.append(case.reference)
    return references
