"""The statute catalogue is data: shipped as JSON, and a unit can load its own the same way."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nigehbaan.cases.models import Statute
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.audit import AuditEvent
from nigehbaan.core.columns import lengths
from nigehbaan.core.errors import Invalid, NotFound
from nigehbaan.core.roles import Permission

REQUIRED = ("code", "law", "title")
FIELDS = ("code", "law", "section", "title", "description")
LIMITS = {**lengths(Statute), "description": 20_000}
"""The longest each part may be: what the `statutes` table holds (a description is free text,
bounded so one entry cannot fill the database). SQLite would store a longer code where
PostgreSQL refuses it, so the loader checks, and the API's model takes the same numbers."""
CATALOGUE_NAME_MAX = lengths(AuditEvent)["object_ref"]


def shipped_catalogue() -> dict[str, Any]:
    text = resources.files("nigehbaan.cases").joinpath("data/statutes.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def read_catalogue(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Invalid(f"{path}: not a readable JSON catalogue ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("statutes"), list):
        raise Invalid(f"{path}: a catalogue is an object with a 'statutes' list")
    return data


def _validated(entries: list[Any]) -> list[dict[str, str]]:
    """The entries as stored, or one error naming the first entry and part that cannot be:
    the CLI loads a unit's file through here without the API's model, and must refuse the same
    things on either database."""
    clean: list[dict[str, str]] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise Invalid(f"statutes[{index}]: each entry is an object")
        parts = {key: str(entry.get(key, "")).strip() for key in FIELDS}
        missing = [key for key in REQUIRED if not parts[key]]
        if missing:
            raise Invalid(f"statutes[{index}]: missing {', '.join(missing)}")
        for key, value in parts.items():
            _check_part(f"statutes[{index}].{key}", value, LIMITS[key])
        clean.append(parts)
    codes = [entry["code"] for entry in clean]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise Invalid(f"statutes: duplicate codes {', '.join(duplicates)}")
    return clean


def _check_part(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise Invalid(f"{field}: {len(value)} characters, at most {limit}")
    if "\x00" in value:
        raise Invalid(f"{field}: holds a NUL character")


def load_catalogue(session: Session, actor: Actor, catalogue: dict[str, Any]) -> int:
    """Add or update every entry; entries no longer listed stay (old cases cite them) but retire."""
    actor.require(Permission.CATALOGUE_ADMIN)
    _check_part("catalogue", str(catalogue.get("catalogue", "")), CATALOGUE_NAME_MAX)
    entries = _validated(catalogue["statutes"])
    for entry in entries:
        row = session.get(Statute, entry["code"])
        if row is None:
            session.add(Statute(**entry, active=True))
        else:
            for key, value in entry.items():
                setattr(row, key, value)
            row.active = True
    audit.record(session, actor, "statute.load", "catalogue", str(catalogue.get("catalogue", "")),
                 detail={"entries": len(entries)})
    return len(entries)


def list_statutes(session: Session, *, include_retired: bool = False) -> list[Statute]:
    query = select(Statute).order_by(Statute.code)
    if not include_retired:
        query = query.where(Statute.active.is_(True))
    return list(session.execute(query).scalars())


def resolve(session: Session, codes: list[str]) -> list[Statute]:
    found: list[Statute] = []
    for code in dict.fromkeys(codes):
        statute = session.get(Statute, code)
        if statute is None or not statute.active:
            raise NotFound(f"offences: no statute '{code}' in the catalogue")
        found.append(statute)
    return found
