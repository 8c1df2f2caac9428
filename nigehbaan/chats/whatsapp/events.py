"""Recognising WhatsApp system lines by their wording and turning them into `SystemEvent`s.

The locale that matched last is tried first, since one export is written in one language.
For "joined" and "left" the member whose membership changed is the `actor`; for "added" and
"removed" the actor acts on the `targets`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from nigehbaan.chats.members import MemberBook
from nigehbaan.chats.model import MemberRef, SystemEvent
from nigehbaan.chats.whatsapp.keywords import ACTOR_FIRST, fewest
from nigehbaan.chats.whatsapp.locale import EventPattern, Locale, locales
from nigehbaan.chats.whatsapp.names import clean_label

_UNNAMED = re.compile(r"\(\?P<\w+>")
LONGEST_WORDING = 1 << 16
"""No system line is longer: the longest WhatsApp writes is an "added" line naming every
member of a full group (1,024 names, under 30,000 characters). Longer text is a message, and
is not run through every wording (a 5 MB message took seconds)."""


@dataclass(frozen=True)
class Wording:
    locale: Locale
    pattern: EventPattern
    match: re.Match[str]

    def group(self, name: str) -> str | None:
        if name not in self.pattern.regex.groupindex:
            return None
        return self.match.group(name)


class EventReader:
    def __init__(self, book: MemberBook) -> None:
        self.book = book
        self._order = list(locales())
        self.active: Locale | None = None
        every = (p.regex.pattern for loc in self._order for p in loc.events)
        self._union = re.compile("|".join(f"(?:{_UNNAMED.sub('(?:', p)})" for p in every))
        led = [(loc.code, p) for loc in self._order for p in loc.events
               if p.regex.pattern.startswith(ACTOR_FIRST)]
        every_hint = fewest(p.keyword for _, p in led)
        self._any_hint = re.compile("|".join(re.escape(k) for k in every_hint))
        self._hints = {loc.code: fewest(w for code, p in led if code == loc.code
                                        and not p.typable for w in p.leads)
                       for loc in self._order}  # fmt: skip
        self._all_hints = fewest(w for _, p in led if not p.typable for w in p.leads)

    def worded(self, line: str) -> bool:
        """Whether some locale's wording matches the whole line: one regex for them all."""
        return len(line) <= LONGEST_WORDING and self._union.fullmatch(line) is not None

    def may_match(self, line: str) -> bool:
        """Whether a `Name: text` line holds the literal of a wording that could match it."""
        return self._any_hint.search(line) is not None

    @property
    def hints(self) -> tuple[str, ...]:
        """What to search chunks for: literals of the wordings that win over a known sender
        (not `typable` ones), in the export's language once a system line has shown it."""
        return self._all_hints if self.active is None else self._hints[self.active.code]

    def match(self, text: str) -> Wording | None:
        if len(text) > LONGEST_WORDING:
            return None
        text = text.lstrip("\u200e")
        for locale in self._order:
            for pattern in locale.events:
                found = pattern.regex.fullmatch(text)
                if found is not None:
                    if locale is not self._order[0]:
                        self._order.remove(locale)
                        self._order.insert(0, locale)
                    self.active = locale
                    return Wording(locale, pattern, found)
        return None

    def event(
        self, position: int, raw: str, stamp: datetime, text: str, wording: Wording
    ) -> SystemEvent:
        pattern = wording.pattern
        actor = self._actor(wording)
        targets = self._targets(wording)
        self.book.count(actor, "actor")
        for target in targets:
            self.book.count(target, "target")
        return SystemEvent(
            position,
            raw,
            stamp,
            True,
            pattern.kind,
            actor,
            targets,
            wording.group("old"),
            wording.group("new"),
            text.lstrip("\u200e"),
        )

    def _actor(self, wording: Wording) -> MemberRef | None:
        if wording.pattern.actor_owner:
            return self.book.owner(next(iter(sorted(wording.locale.you))))
        label = wording.group("actor")
        return None if label is None else self.book.label(clean_label(label), system=True)

    def _targets(self, wording: Wording) -> tuple[MemberRef, ...]:
        if wording.pattern.target_owner:
            return (self.book.owner(next(iter(sorted(wording.locale.you)))),)
        listed = wording.group("targets")
        if listed is None:
            return ()
        labels = (clean_label(p) for p in wording.locale.list_separator.split(listed))
        return tuple(self.book.label(label, system=True) for label in labels if label)
