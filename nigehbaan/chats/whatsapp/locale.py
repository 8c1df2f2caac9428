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
from typing import TypedDict

from nigehbaan.chats.model import EventKind, MediaKind


class _EventSpec(TypedDict, total=False):
    kind: str
    pattern: str
    actor: str
    target: str


class _LocaleFile(TypedDict):
    locale: str
    you: list[str]
    list_separator: str
    file_name_prefixes: list[str]
    media_omitted: list[str]
    file_attached: str
    deleted: list[str]
    deleted_by_owner: list[str]
    edited: list[str]
    ios_omitted: list[list[str]]
    events: list[_EventSpec]


@dataclass(frozen=True)
class EventPattern:
    """One wording; `actor_owner` / `target_owner` mark wordings where "you" is implied."""

    kind: EventKind
    regex: re.Pattern[str]
    actor_owner: bool
    target_owner: bool


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
        edited=tuple(data["edited"]),
        ios_omitted=tuple((re.compile(p), MediaKind(k)) for p, k in data["ios_omitted"]),
        events=tuple(
            EventPattern(
                EventKind(e["kind"]),
                re.compile(e["pattern"]),
                e.get("actor") == "owner",
                e.get("target") == "owner",
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
