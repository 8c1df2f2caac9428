"""Normalising phone numbers, e-mail addresses and handles so that equal means the same account.

Phone numbers become E.164 with their country through `phonenumbers`; that country is what an
international referral is built on, so an unparseable or impossible number is refused, not kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import phonenumbers

from nigehbaan.cases.models import Identifier
from nigehbaan.core.columns import lengths
from nigehbaan.core.errors import Invalid, shown


class IdentifierKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    HANDLE = "handle"


@dataclass(frozen=True)
class Normalised:
    kind: IdentifierKind
    value: str
    country: str = ""
    platform: str = ""


def normalise_phone(raw: str, default_region: str, field: str = "phone") -> Normalised:
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException as error:
        raise Invalid(f"{field}: {shown(raw)} is not a phone number ({error})") from None
    if not phonenumbers.is_valid_number(number):
        raise Invalid(f"{field}: {shown(raw)} is not a valid phone number for any country")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Normalised(IdentifierKind.PHONE, e164, phonenumbers.region_code_for_number(number) or "")


def normalise_email(raw: str, field: str = "email") -> Normalised:
    value = raw.strip()
    local, _, domain = value.rpartition("@")
    if not local or "." not in domain or " " in value:
        raise Invalid(f"{field}: {shown(raw)} is not an e-mail address")
    return Normalised(IdentifierKind.EMAIL, f"{local}@{domain.lower()}".lower())


def normalise_handle(raw: str, platform: str, field: str = "handle") -> Normalised:
    handle = raw.strip().removeprefix("@").lower()
    if not handle or any(char.isspace() for char in handle):
        raise Invalid(f"{field}: {shown(raw)} is not a handle")
    platform = platform.strip().lower()
    if not platform:
        raise Invalid(f"{field}: say on which platform {shown(raw)} is a handle")
    return Normalised(IdentifierKind.HANDLE, f"{platform}:{handle}", platform=platform)


def normalise(kind: str, raw: str, *, default_region: str, platform: str = "",
              field: str = "identifier") -> Normalised:
    if kind == IdentifierKind.PHONE:
        found = normalise_phone(raw, default_region, field)
    elif kind == IdentifierKind.EMAIL:
        found = normalise_email(raw, field)
    elif kind == IdentifierKind.HANDLE:
        found = normalise_handle(raw, platform, field)
    else:
        allowed = ", ".join(kind.value for kind in IdentifierKind)
        raise Invalid(f"{field}: unknown identifier kind {shown(kind)} (allowed: {allowed})")
    longest = lengths(Identifier)["value"]
    if len(found.value) > longest:  # a handle is kept with its platform: `telegram:name`
        raise Invalid(f"{field}: {shown(raw)} is longer than an identifier may be "
                      f"({longest} characters with its platform)")
    return found
