"""Invented group members: countries, valid phone numbers, profile and contact names.

Every number is checked with `phonenumbers` (valid, and in the intended region: a UK-looking
+44 7911 number is Guernsey, for instance). Where a country reserves fictional numbers that
`phonenumbers` still accepts (US 555-0100 to 555-0199) we use them, so no invented "offender" is
given a number that can ring a real phone.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import phonenumbers

from nigehbaan.synth.chat_model import Role

_US_AREAS = ("202", "212", "213", "305", "312", "404", "415", "617", "646", "702", "713", "718",
             "786", "917", "929", "972")


def _pk(rng: random.Random) -> str:
    return f"+923{rng.randint(0, 4)}{rng.randint(0, 9)}{rng.randint(0, 9_999_999):07d}"


def _es(rng: random.Random) -> str:
    return f"+346{rng.randint(0, 99_999_999):08d}"


def _us(rng: random.Random) -> str:
    return f"+1{rng.choice(_US_AREAS)}5550{rng.randint(100, 199)}"


def _ae(rng: random.Random) -> str:
    return f"+9715{rng.choice('024568')}{rng.randint(0, 9_999_999):07d}"


def _gb(rng: random.Random) -> str:
    return f"+447{rng.randint(400, 999)}{rng.randint(0, 999_999):06d}"


def _sa(rng: random.Random) -> str:
    return f"+9665{rng.choice('0345689')}{rng.randint(0, 9_999_999):07d}"


PHONE_MAKERS: Mapping[str, Callable[[random.Random], str]] = {
    "PK": _pk, "ES": _es, "US": _us, "AE": _ae, "GB": _gb, "SA": _sa,
}

FIRST_NAMES: Mapping[str, Sequence[str]] = {
    "PK": ("Ahmed", "Ali", "Bilal", "Hamza", "Usman", "Imran", "Kashif", "Faisal", "Ayesha",
           "Fatima", "Sana", "Zainab", "Hira", "Mehwish", "Saad", "Waqas", "Adnan", "Nadia"),
    "ES": ("Javier", "Lucía", "Carmen", "Pablo", "Sergio", "Marta", "Alejandro", "Elena",
           "Daniel", "Laura", "Raúl", "Paula", "Iván", "Nerea"),
    "US": ("Michael", "Jessica", "David", "Ashley", "Chris", "Sarah", "Kevin", "Emily", "Jason",
           "Megan"),
    "AE": ("Mohammed", "Omar", "Khalid", "Noura", "Saeed", "Mariam", "Rashid", "Hessa"),
    "GB": ("Oliver", "Amelia", "Jack", "Isla", "Harry", "Olivia", "George", "Emily", "Tom"),
    "SA": ("Abdullah", "Faisal", "Nasser", "Reem", "Turki", "Lama", "Sultan", "Haya"),
}
LAST_NAMES: Mapping[str, Sequence[str]] = {
    "PK": ("Khan", "Malik", "Butt", "Qureshi", "Sheikh", "Chaudhry", "Raza", "Iqbal", "Awan",
           "Siddiqui", "Javed", "Anwar"),
    "ES": ("García", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Ruiz", "Díaz", "Moreno"),
    "US": ("Smith", "Johnson", "Williams", "Brown", "Miller", "Davis", "Garcia", "Wilson"),
    "AE": ("Al Mansoori", "Al Nuaimi", "Al Shamsi", "Al Ketbi", "Al Dhaheri"),
    "GB": ("Taylor", "Brown", "Wilson", "Evans", "Thomas", "Roberts", "Walker"),
    "SA": ("Al Harbi", "Al Qahtani", "Al Otaibi", "Al Ghamdi", "Al Zahrani"),
}
CONTACT_SUFFIXES = ("", "", "", " Cousin", " Office", " Gym", " Uni", " (old)", " Shop")
URDU_CONTACT_NAMES = ("علی بھائی", "احمد", "ثنا باجی")


@dataclass(slots=True)
class Member:
    """One invented person. Index 0 is always the seized phone's owner."""

    index: int
    country: str
    phone: str
    tg_id: int
    name: str
    contact: str | None
    tilde: bool
    role: Role = "other"

    @property
    def digits(self) -> str:
        """The number as WhatsApp writes it in a mention: digits only, no plus."""
        return self.phone[1:]


def format_number(e164: str) -> str:
    """The number as WhatsApp shows an unsaved contact: `+92 300 1234567`, `+1 (202) 555-0143`."""
    parsed = phonenumbers.parse(e164)
    if parsed.country_code == 1:
        national = str(parsed.national_number)
        return f"+1 ({national[:3]}) {national[3:6]}-{national[6:]}"
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def is_valid_for(e164: str, country: str) -> bool:
    parsed = phonenumbers.parse(e164)
    return bool(
        phonenumbers.is_valid_number(parsed)
        and phonenumbers.region_code_for_number(parsed) == country
    )


def _new_phone(rng: random.Random, country: str, taken: set[str]) -> str:
    maker = PHONE_MAKERS[country]
    while True:
        e164 = maker(rng)
        if e164 not in taken and is_valid_for(e164, country):
            taken.add(e164)
            return e164


def _new_tg_id(rng: random.Random, taken: set[int]) -> int:
    while True:
        tg_id = rng.randint(100_000_000, 6_999_999_999)
        if tg_id not in taken:
            taken.add(tg_id)
            return tg_id


def make_members(
    rng: random.Random,
    count: int,
    weights: Mapping[str, float],
    owner_country: str,
    owner_name: str,
) -> list[Member]:
    """`count` distinct members; a third are saved contacts, the rest show as numbers."""
    countries = list(weights)
    cum = list(weights.values())
    phones: set[str] = set()
    tg_ids: set[int] = set()
    members: list[Member] = []
    for index in range(count):
        country = owner_country if index == 0 else rng.choices(countries, cum)[0]
        name = (
            owner_name if index == 0
            else f"{rng.choice(FIRST_NAMES[country])} {rng.choice(LAST_NAMES[country])}"
        )
        saved = index > 0 and rng.random() < 0.33
        contact = (name.split(" ")[0] + rng.choice(CONTACT_SUFFIXES)) if saved else None
        members.append(Member(
            index=index, country=country, phone=_new_phone(rng, country, phones),
            tg_id=_new_tg_id(rng, tg_ids), name=name, contact=contact,
            tilde=not saved and index > 0 and rng.random() < 0.5,
        ))
    _make_contacts_unique(members)
    return members


def _make_contacts_unique(members: list[Member]) -> None:
    """Two contacts saved under one label would make the ground truth ambiguous: number them."""
    used: set[str] = set()
    for member in members:
        if member.contact is None:
            continue
        label, count = member.contact, 1
        while label in used:
            count += 1
            label = f"{member.contact} {count}"
        used.add(label)
        member.contact = label
