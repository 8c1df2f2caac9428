"""Identity resolution: which of the keys an export produced are the same person.

The parser keys each label it meets (`tel:+E164`, `tg:user123`, `name:LABEL`, `owner`) without
looking ahead, which over-counts people in two known ways:

- Telegram service actions (`create_group`, `invite_members`) list members by display name,
  before or without their user id: a `name:X` member is merged into the one `tg:userN` who
  appears under the display name X. Two ids under one name stay apart: a wrong merge would
  attribute one person's messages to another, which is worse than a visible duplicate.
- WhatsApp writes a mention as `@` and the number's digits, even for a contact saved under a
  name, and the owner appears as "You" and their own name. A number that is only ever mentioned
  belongs to the owner or to a member shown by contact name; nothing in the file says which, so
  it is kept as its own member flagged `mention_only` (and left out of the member count) unless
  the investigator gives the owner's number, which merges it into the owner.
- WhatsApp says when a member's number changes (`+92 300 1111111 changed to +92 300 2222222`):
  both numbers are one person, keyed by the newer one. Only a change between two numbers
  joins; the line for a saved contact names no new number, so it joins nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from nigehbaan.chats.members import OWNER_KEY, phone_identity
from nigehbaan.chats.model import ChatFormat, MemberRef


@dataclass
class Seen:
    """What the collector saw of one raw key: its first ref, its labels, in which roles."""

    ref: MemberRef
    labels: Counter[str] = field(default_factory=Counter)
    sender: int = 0
    event: int = 0
    mention: int = 0


@dataclass(frozen=True)
class Person:
    key: str
    display_name: str
    aliases: tuple[str, ...]
    phone_e164: str | None
    country: str
    telegram_id: str | None
    is_owner: bool
    mention_only: bool
    merged: tuple[str, ...]


@dataclass(frozen=True)
class Identity:
    """`canonical[raw_key]` is the person a raw key belongs to."""

    canonical: dict[str, str]
    people: dict[str, Person]

    def of(self, raw_key: str) -> str:
        return self.canonical.get(raw_key, raw_key)


def resolve(seen: dict[str, Seen], fmt: ChatFormat, *, owner_phone: str | None = None,
            default_region: str = "PK", renumbered: Iterable[tuple[str, str]] = ()) -> Identity:
    canonical = {key: key for key in seen}
    if fmt == ChatFormat.TELEGRAM:
        _merge_telegram_names(seen, canonical)
    joins = _People(canonical)
    for old, new in renumbered:
        joins.join(old, new)
    if owner_phone:
        found = phone_identity(owner_phone, default_region)
        owner_tel = f"tel:{found[0]}" if found else ""
        if owner_tel in seen and OWNER_KEY in seen:
            joins.join(owner_tel, OWNER_KEY)
    canonical = joins.canonical()
    groups: dict[str, list[str]] = {}
    for raw, target in canonical.items():
        groups.setdefault(target, []).append(raw)
    people = {target: _person(target, [seen[k] for k in raws], fmt, owner_phone, default_region)
              for target, raws in groups.items()}
    return Identity(canonical, people)


class _People:
    """Keys joined into people (union-find): `join(old, new)` makes `old`, `new` and everyone
    joined to either one person keyed by `new`, so a chain of number changes (even back to an
    earlier number) ends on the latest. Near-linear: a crafted export can hold thousands."""

    def __init__(self, canonical: dict[str, str]) -> None:
        self.parent = dict(canonical)
        self.name = {person: person for person in canonical.values()}

    def find(self, key: str) -> str:
        parent = self.parent
        while parent[key] != key:
            parent[key] = key = parent[parent[key]]
        return key

    def join(self, old: str, new: str) -> None:
        if old not in self.parent or new not in self.parent:
            return
        root, other = self.find(new), self.find(old)
        if root != other:
            self.parent[other] = root
        self.name[root] = new

    def canonical(self) -> dict[str, str]:
        """Each key's person, in one step."""
        return {key: self.name[self.find(key)] for key in self.parent}


def _merge_telegram_names(seen: dict[str, Seen], canonical: dict[str, str]) -> None:
    ids_by_label: dict[str, set[str]] = {}
    for key, info in seen.items():
        if key.startswith("tg:"):
            for label in info.labels:
                ids_by_label.setdefault(label, set()).add(key)
    for key in seen:
        if key.startswith("name:"):
            ids = ids_by_label.get(key[5:], set())
            if len(ids) == 1:
                canonical[key] = next(iter(ids))


def _number(main: Seen, parts: list[Seen]) -> tuple[str | None, str]:
    """The person's number and its country: their key's own (the latest, after a change),
    else the first another of their keys shows."""
    source = main if main.ref.phone_e164 else next((p for p in parts if p.ref.phone_e164), None)
    if source is not None:
        return source.ref.phone_e164, source.ref.country or ""
    return None, next((p.ref.country for p in parts if p.ref.country), None) or ""


def _person(key: str, parts: list[Seen], fmt: ChatFormat, owner_phone: str | None,
            default_region: str) -> Person:
    main = next((p for p in parts if p.ref.key == key), parts[0])
    labels: Counter[str] = Counter()
    for part in (main, *(p for p in parts if p is not main)):  # ties go to the person's key
        labels.update(part.labels)
    shown = [label for label, _ in labels.most_common() if not label.startswith("@")]
    owner = any(p.ref.is_owner for p in parts)
    phone, country = _number(main, parts)
    if owner and owner_phone:
        found = phone_identity(owner_phone, default_region)
        phone, country = (found[0], found[1] or "") if found else (phone, country)
    named = [label for label in shown if label not in ("You", "Tú", "Tu")] or shown
    display = named[0] if named else (phone or key)
    mention_only = (fmt == ChatFormat.WHATSAPP and not owner
                    and all(p.sender == 0 and p.event == 0 for p in parts)
                    and all(label.startswith("@") for p in parts for label in p.labels))
    return Person(
        key=key, display_name=display, aliases=tuple(sorted(labels)), phone_e164=phone,
        country=country, telegram_id=main.ref.telegram_id, is_owner=owner,
        mention_only=mention_only,
        merged=tuple(sorted(p.ref.key for p in parts if p.ref.key != key)),
    )
