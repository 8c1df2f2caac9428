"""WhatsApp's wording per language, loaded from `nigehbaan/chats/locales/*.json`.

System events carry no marker on iOS (a sender stands in front of them), so the wording is the
only way to know them; keeping it as data means a new language is a JSON file, reviewed by
someone who reads that language, with no code change.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import NotRequired, TypedDict

from nigehbaan.chats.model import EventKind, MediaKind
from nigehbaan.chats.whatsapp.keywords import ACTOR_FIRST, actor_keyword, lead_words


class _EventSpec(TypedDict, total=False):
    kind: str
    pattern: str
    actor: str
    target: str
    typable: bool


class _LocaleFile(TypedDict):
    locale: str
    you: list[str]
    list_separator: str
    file_name_prefixes: list[str]
    media_omitted: list[str]
    file_attached: str
    deleted: list[str]
    deleted_by_owner: list[str]
    deleted_by_admin: NotRequired[list[str]]
    """What a message deleted by a group admin says before the admin's name (optional)."""
    edited: list[str]
    ios_omitted: list[list[str]]
    events: list[_EventSpec]


@dataclass(frozen=True)
class EventPattern:
    """One wording; `actor_owner` / `target_owner` mark wordings where "you" is implied.

    `typable` marks wordings a person could well type as a message ("Bob left", "I added
    sugar"): on Android, `Ali: Bob left` under a known sender Ali stays Ali's message unless
    `Ali: Bob` is itself a known name. `keyword` is a literal every match of a wording that starts
    with its actor holds, so a line is tested with a substring search before any regex; `leads`
    are the shorter words right after the actor, searched for in whole chunks.
    """

    kind: EventKind
    regex: re.Pattern[str]
    actor_owner: bool
    target_owner: bool
    typable: bool = False
    keyword: str | None = None
    leads: tuple[str, ...] = ()


@dataclass(frozen=True)
class Locale:
    code: str
    you: frozenset[str]
    list_separator: re.Pattern[str]
    file_name_prefixes: tuple[str, ...]
    media_omitted: frozenset[str]
    file_attached: str
    deleted: frozenset[str]
    deleted_by_owner: frozenset[str]
    deleted_by_admin: tuple[str, ...]
    edited: tuple[str, ...]
    ios_omitted: tuple[tuple[re.Pattern[str], MediaKind], ...]
    events: tuple[EventPattern, ...]


def _build(data: _LocaleFile) -> Locale:
    return Locale(
        code=data["locale"],
        you=frozenset(data["you"]),
        list_separator=re.compile(data["list_separator"]),
        file_name_prefixes=tuple(data["file_name_prefixes"]),
        media_omitted=frozenset(data["media_omitted"]),
        file_attached=data["file_attached"],
        deleted=frozenset(data["deleted"]),
        deleted_by_owner=frozenset(data["deleted_by_owner"]),
        deleted_by_admin=tuple(data.get("deleted_by_admin", ())),
        edited=tuple(data["edited"]),
        ios_omitted=tuple((re.compile(p), MediaKind(k)) for p, k in data["ios_omitted"]),
        events=tuple(
            EventPattern(
                EventKind(e["kind"]),
                re.compile(e["pattern"]),
                e.get("actor") == "owner",
                e.get("target") == "owner",
                e.get("typable", False),
                actor_keyword(e["pattern"]),
                lead_words(e["pattern"]) if e["pattern"].startswith(ACTOR_FIRST) else (),
            )
            for e in data["events"]
        ),
    )


@cache
def locales() -> tuple[Locale, ...]:
    """Every shipped locale, English first because it is by far the most common export."""
    folder = resources.files("nigehbaan.chats") / "locales"
    loaded = [
        _build(json.loads(entry.read_text(encoding="utf-8")))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".json")
    ]
    return tuple(sorted(loaded, key=lambda loc: loc.code != "en"))
