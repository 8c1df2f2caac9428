"""Turning the labels an export writes into member identities.

The rule, in order: a label that is a phone number becomes `tel:+E164` (numbers without `+` are
read in `default_region`, e.g. "PK" for a Pakistani handset); a Telegram id becomes `tg:ID`; any
other label is a saved contact or push name, `name:LABEL`. The seized phone's owner is one member,
`owner`: "You" in system lines, and their own name on the messages they sent when that name is
known (given by the investigator, or revealed by "You deleted this message" under it). A saved
contact name never reveals a number, so such a member stays a name; labels are collected as
aliases of a key.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import phonenumbers

from nigehbaan.chats.model import Member, MemberRef

_PHONE_LIKE = re.compile(r"^\+?[\d\s\-().\u00a0\u202f\u2011]{6,24}$")
_MIN_DIGITS = 7
LONGEST_NAME = 200
"""Longest name read from a mention or a deletion notice."""
NAMED_MENTION = re.compile(f"@\u2068([^\u2068\u2069\n]{{1,{LONGEST_NAME}}})\u2069")
"""How newer WhatsApp exports write a mention: the name the phone shows, between isolate
marks: a saved contact `@\u2068Nadia\u2069`, a push name `@\u2068~Nadia\u2069`, an unsaved number
as written. Here beside the identity rules, since triage reads mentions too."""
OWNER_KEY = "owner"


def phone_identity(label: str, default_region: str) -> tuple[str, str | None] | None:
    """The E.164 number and ISO country of a label, or None when it is not a phone number."""
    text = label.strip().strip("\u200e\u202a\u202c")
    if not _PHONE_LIKE.match(text) or sum(c.isdigit() for c in text) < _MIN_DIGITS:
        return None
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164, phonenumbers.region_code_for_number(number)


@dataclass
class _Tally:
    ref: MemberRef
    labels: dict[str, None] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)


class MemberBook:
    """The members of one chat as they are met, with one shared `MemberRef` per label.

    Sharing refs keeps a 200,000-message import to one small object per distinct label.
    """

    def __init__(
        self,
        default_region: str = "PK",
        owner_words: frozenset[str] = frozenset(),
        owner_label: str | None = None,
    ) -> None:
        self.default_region = default_region
        self.owner_words = owner_words
        self.owner_label = owner_label
        self._by_label: dict[str, MemberRef] = {}
        self._by_telegram: dict[str, MemberRef] = {}
        self._tallies: dict[str, _Tally] = {}
        self._tg_by_name: dict[str, set[str]] = {}
        self._messages: dict[str, int] = {}
        self._by_digits: dict[str, MemberRef | None] = {}

    def label(self, label: str, *, system: bool = False) -> MemberRef:
        """The member a WhatsApp label names; `system` lets "You" stand for the owner."""
        if system and label in self.owner_words:
            return self._owner(label)
        ref = self._by_label.get(label)
        if ref is None:
            ref = self._new_label_ref(label)
            self._by_label[label] = ref
        return ref

    def owner(self, label: str = "You") -> MemberRef:
        return self._owner(label)

    def phone_digits(self, digits: str) -> MemberRef | None:
        """The member a WhatsApp `@digits` mention points at, when the digits form a number."""
        if digits in self._by_digits:  # phonenumbers costs ~100 µs a call; mentions repeat
            return self._by_digits[digits]
        found = phone_identity("+" + digits, self.default_region)
        ref = None
        if found is not None:
            ref = self._remember(MemberRef(f"tel:{found[0]}", "@" + digits, found[0], found[1]))
        self._by_digits[digits] = ref
        return ref

    def telegram(self, user_id: str | None, name: str | None) -> MemberRef | None:
        """A Telegram member by id; a deleted account has no name, and sometimes no id either."""
        if user_id is None:
            return self.telegram_name(name) if name else None
        cache_key = f"{user_id}\x00{name}"
        ref = self._by_telegram.get(cache_key)
        if ref is None:
            ref = self._remember(MemberRef(f"tg:{user_id}", name or "", telegram_id=user_id))
            self._by_telegram[cache_key] = ref
            if name:
                self._tg_by_name.setdefault(name, set()).add(user_id)
        return ref

    def telegram_name(self, name: str) -> MemberRef:
        """Service actions list members by display name; use the id when one name has one id."""
        ids = self._tg_by_name.get(name, set())
        if len(ids) == 1:
            return self.telegram(next(iter(ids)), name) or self.label(name)
        return self.label(name)

    def count(self, ref: MemberRef | None, what: str) -> None:
        if ref is not None:
            self._tallies[ref.key].counts[what] += 1

    def count_message(self, ref: MemberRef) -> None:
        """The hot path of a parse, hence a plain int per member rather than a Counter."""
        self._messages[ref.key] = self._messages.get(ref.key, 0) + 1

    def count_messages(self, ref: MemberRef, number: int) -> None:
        """`number` messages at once, for senders counted in bulk."""
        self._messages[ref.key] = self._messages.get(ref.key, 0) + number

    def members(self) -> tuple[Member, ...]:
        return tuple(
            Member(
                ref=t.ref,
                labels=tuple(t.labels),
                messages=t.counts["messages"] + self._messages.get(key, 0),
                events_as_actor=t.counts["actor"],
                events_as_target=t.counts["target"],
                mentioned=t.counts["mentioned"],
            )
            for key, t in self._tallies.items()
        )

    def __len__(self) -> int:
        return len(self._tallies)

    def _owner(self, label: str) -> MemberRef:
        ref = self._by_label.get("\x00owner:" + label)
        if ref is None:
            ref = self._remember(MemberRef(OWNER_KEY, label, is_owner=True))
            self._by_label["\x00owner:" + label] = ref
        return ref

    def _new_label_ref(self, label: str) -> MemberRef:
        if self.owner_label is not None and label == self.owner_label:
            return self._owner(label)
        found = phone_identity(label, self.default_region)
        if found is not None:
            return self._remember(MemberRef(f"tel:{found[0]}", label, found[0], found[1]))
        return self._remember(MemberRef(f"name:{label}", label))

    def _remember(self, ref: MemberRef) -> MemberRef:
        tally = self._tallies.get(ref.key)
        if tally is None:
            tally = self._tallies[ref.key] = _Tally(ref)
        if ref.label:
            tally.labels[ref.label] = None
        return ref
