"""Reading the portal's forms into drafts, with every problem named in translatable words.

Validation here, not in pydantic, because each message is shown to a frightened reporter in
their own language next to the field it is about, and must be a catalogue entry (see `words`).
Text is cleaned of control characters (a NUL byte is legal in a form, illegal in PostgreSQL
text) and line endings are unified, then measured against the limits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from nigehbaan.intake.hashentries import HashEntryIn, NotHashes, parse_entries
from nigehbaan.intake.words import N_

ROLES = ("child", "parent", "other")
AGE_BANDS = ("under_13", "13_15", "16_17", "adult", "unknown")
SPREADING = ("yes", "no", "unsure")
LIMITS = {"description": 10_000, "platform": 200, "groups": 4_000, "people": 4_000,
          "contact": 500, "body": 5_000}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

TOO_LONG = N_("This answer is too long. Please shorten it.")
NEED_DESCRIPTION = N_("Please tell us what happened, or add the fingerprints of your pictures.")
NOT_A_CHOICE = N_("Please choose one of the answers shown.")
NOT_HASHES = N_("What was sent as picture fingerprints is not a list of fingerprints from this "
                "page. Please choose your files again.")
NEED_MESSAGE = N_("Please write your message.")
NEED_FILES = N_("Please choose at least one picture or video first.")


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


@dataclass
class ReportDraft:
    description: str = ""
    platform: str = ""
    groups: str = ""
    people: str = ""
    contact: str = ""
    reporter_role: str = ""
    age_band: str = ""
    spreading_now: str = ""
    hashes: list[HashEntryIn] = field(default_factory=list)

    @property
    def safeguarding(self) -> bool:
        """A child reporting, or material being spread now: the supervisor sees it first."""
        return self.reporter_role == "child" or self.spreading_now == "yes"


def clean(value: str) -> str:
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _text(form: Mapping[str, str], name: str, problems: list[Problem]) -> str:
    value = clean(form.get(name, ""))
    if len(value) > LIMITS[name]:
        problems.append(Problem(name, TOO_LONG))
    return value


def _choice(form: Mapping[str, str], name: str, allowed: tuple[str, ...],
            problems: list[Problem]) -> str:
    value = form.get(name, "").strip()
    if value and value not in allowed:
        problems.append(Problem(name, NOT_A_CHOICE))
        return ""
    return value


def read_report(form: Mapping[str, str]) -> tuple[ReportDraft, list[Problem]]:
    problems: list[Problem] = []
    draft = ReportDraft(
        description=_text(form, "description", problems),
        platform=_text(form, "platform", problems),
        groups=_text(form, "groups", problems),
        people=_text(form, "people", problems),
        contact=_text(form, "contact", problems),
        reporter_role=_choice(form, "reporter_role", ROLES, problems),
        age_band=_choice(form, "age_band", AGE_BANDS, problems),
        spreading_now=_choice(form, "spreading_now", SPREADING, problems),
    )
    try:
        draft.hashes = parse_entries(form.get("hashes", ""))
    except NotHashes:
        problems.append(Problem("hashes", NOT_HASHES))
    if not draft.description and not draft.hashes and not any(
            p.field in ("description", "hashes") for p in problems):
        problems.append(Problem("description", NEED_DESCRIPTION))
    return draft, problems


def read_message(form: Mapping[str, str]) -> tuple[str, list[Problem]]:
    body = clean(form.get("body", ""))
    if not body:
        return body, [Problem("body", NEED_MESSAGE)]
    if len(body) > LIMITS["body"]:
        return body, [Problem("body", TOO_LONG)]
    return body, []


def read_hashes(form: Mapping[str, str]) -> tuple[list[HashEntryIn], list[Problem]]:
    """Fingerprints added from the status page: the same checks as a first report's."""
    try:
        entries = parse_entries(form.get("hashes", ""))
    except NotHashes:
        return [], [Problem("hashes", NOT_HASHES)]
    if not entries:
        return [], [Problem("hashes", NEED_FILES)]
    return entries, []
