"""How a WhatsApp export writes a person's name, and which member each written form is.

iOS writes a member who is not in the phone's contacts by the name they chose for themselves
(their push name) after a tilde and a space: `~ Nadia` in older exports, `~\\u202fNadia` (a narrow
no-break space) in newer ones, sometimes both in one file. Both forms are one label, shown as
`Nadia`. A push name is chosen by its owner and proves nothing about who they are, so it never
joins a saved contact called `Nadia` nor any phone number the export shows: its key keeps the
tilde (`name:~Nadia`). Two people who both call themselves Nadia are indistinguishable in the
text; joining them to numbers by guesswork would attribute one person's messages to another.
"""

from __future__ import annotations

from nigehbaan.chats.members import _MIN_DIGITS, _PHONE_LIKE, MemberBook, phone_identity
from nigehbaan.chats.model import MemberRef

_LABEL_MARKS = " \u200e\u200f\u202a\u202b\u202c\u2068\u2069"
_PUSH_SPACES = " \u00a0\u202f"
PUSH_KEY = "name:~"


def clean_label(label: str) -> str:
    """Android wraps numbers in bidi marks and iOS adds left-to-right marks; names are kept."""
    return label.strip(_LABEL_MARKS)


def push_name(label: str) -> str | None:
    """The name of a `~ Name` push-name label, or None for any other label."""
    if len(label) < 3 or label[0] != "~" or label[1] not in _PUSH_SPACES:
        return None
    name = label[2:].strip(_LABEL_MARKS + _PUSH_SPACES)
    return name or None


def mentioned_label(name: str) -> str | None:
    """The label a header writes for a name in a mention, where a push name comes without
    iOS's space (`~Nadia` is `~ Nadia`); None for marks and nothing else."""
    label = clean_label(name)
    if not label.lstrip("~").strip(_PUSH_SPACES):
        return None
    return "~ " + label[1:] if label.startswith("~") and push_name(label) is None else label


def same_label(label: str) -> str:
    """One spelling per written form, for comparing labels: `~\\u202fNadia` is `~ Nadia`."""
    label = clean_label(label)
    name = push_name(label)
    return label if name is None else "~ " + name


def plus_digits(label: str) -> str | None:
    """`+923001234567` for an international number however it is spaced (`+92 300 1234567`),
    None for anything else: the form a mention (`@923001234567`) of the same number reduces to.
    """
    if not label.startswith("+") or not _PHONE_LIKE.match(label):
        return None
    digits = "".join(filter(str.isdigit, label))
    return "+" + digits if len(digits) >= _MIN_DIGITS else None


class WhatsAppBook(MemberBook):
    """The member book, plus push names: `~ Nadia` is the member `name:~Nadia`, label `Nadia`.

    It also reads each international number once, whether it comes as a label or a mention:
    `phonenumbers` costs about 50 µs a number, a tenth of a large parse before this.
    """

    def __init__(
        self, default_region: str = "PK", owner_words: frozenset[str] = frozenset(),
        owner_label: str | None = None,
    ) -> None:  # fmt: skip
        super().__init__(default_region, owner_words, owner_label)
        self._numbers: dict[str, tuple[str, str | None] | None] = {}

    def label(self, label: str, *, system: bool = False) -> MemberRef:
        name = push_name(label)
        if name is None:
            return super().label(label, system=system)
        slot = "\x00push:" + name
        ref = self._by_label.get(slot)
        if ref is None:
            ref = self._by_label[slot] = self._remember(MemberRef(PUSH_KEY + name, name))
        return ref

    def phone_digits(self, digits: str) -> MemberRef | None:
        if digits not in self._by_digits:
            found = self._number("+" + digits)
            self._by_digits[digits] = None if found is None else self._remember(
                MemberRef(f"tel:{found[0]}", "@" + digits, found[0], found[1])
            )  # fmt: skip
        return self._by_digits[digits]

    def _new_label_ref(self, label: str) -> MemberRef:
        number = plus_digits(label)
        if number is None or label == self.owner_label:
            return super()._new_label_ref(label)
        found = self._number(number)
        if found is None:
            return self._remember(MemberRef(f"name:{label}", label))
        return self._remember(MemberRef(f"tel:{found[0]}", label, found[0], found[1]))

    def _number(self, number: str) -> tuple[str, str | None] | None:
        if number not in self._numbers:
            self._numbers[number] = phone_identity(number, self.default_region)
        return self._numbers[number]
