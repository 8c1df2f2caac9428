"""The reviewable phrase lists, one JSON file per language, compiled for a fast first pass.

Every message is lower-cased and tested against one alternation of all patterns; only the rare
message that hits is tested pattern by pattern to name the rule that fired. Patterns are written
in lower case and compiled without `re.IGNORECASE` (25x slower). Each file also lists
`triggers`, plain words one of which every match contains: one alternation of literal words
skips the ~99.9% of messages that cannot match (0.15 s for 200,000 messages, against 1.8 s for
the patterns themselves). The lists are data so a reviewer can
read, change and extend them (a new language is a new file) without touching code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import TypedDict

import numpy as np
from numpy.typing import NDArray

from nigehbaan.chats.batch import not_none

KINDS = ("media_request", "meeting_request", "group_link")


class _PatternSpec(TypedDict):
    id: str
    kind: str
    regex: str


class _PatternFile(TypedDict):
    language: str
    name: str
    triggers: list[str]
    patterns: list[_PatternSpec]


@dataclass(frozen=True)
class Pattern:
    id: str
    kind: str
    language: str
    regex: re.Pattern[str]


@dataclass(frozen=True)
class Hit:
    pattern: Pattern
    text: str


def _load() -> list[_PatternFile]:
    folder = files("nigehbaan.chats.triage").joinpath("patterns")
    loaded: list[_PatternFile] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            loaded.append(json.loads(entry.read_text("utf-8")))
    return loaded


@cache
def languages() -> tuple[str, ...]:
    return tuple(data["language"] for data in _load())


class PatternSet:
    """All patterns of all languages; `find(text)` gives at most one hit per kind."""

    def __init__(self, data: list[_PatternFile] | None = None) -> None:
        self.patterns: list[Pattern] = []
        triggers: set[str] = set()
        for spec_file in data if data is not None else _load():
            triggers.update(word.lower() for word in spec_file["triggers"])
            for spec in spec_file["patterns"]:
                if spec["kind"] not in KINDS:
                    raise ValueError(f"pattern {spec['id']}: unknown kind {spec['kind']!r}")
                if spec["regex"] != spec["regex"].lower():
                    raise ValueError(f"pattern {spec['id']}: write it in lower case")
                self.patterns.append(Pattern(spec["id"], spec["kind"], spec_file["language"],
                                             re.compile(spec["regex"])))
        self._any = re.compile("|".join(re.escape(w) for w in sorted(triggers, key=len,
                                                                     reverse=True)))

    def triggered(self, texts: list[str]) -> NDArray[np.bool_]:
        """Which of `texts` hold a trigger word, so only they need `find`: lower-casing
        and the search run in C over all of them (`map`), with no Python step per text."""
        return not_none(map(self._any.search, map(str.lower, texts)), len(texts))

    def find(self, text: str) -> list[Hit]:
        if not text:
            return []
        text = text.lower()
        if self._any.search(text) is None:
            return []
        hits: dict[str, Hit] = {}
        for pattern in self.patterns:
            if pattern.kind in hits:
                continue
            found = pattern.regex.search(text)
            if found is not None:
                hits[pattern.kind] = Hit(pattern, found.group(0))
        return list(hits.values())


@cache
def default_patterns() -> PatternSet:
    return PatternSet()
