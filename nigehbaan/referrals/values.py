"""Cleaning what foreign partners send besides phones, e-mails and handles: IP addresses and
file hashes. One function per type, so a referral, a platform report and a look-up agree."""

from __future__ import annotations

import ipaddress
import re

from nigehbaan.core.errors import Invalid, shown

HASH_LENGTHS: dict[str, int] = {"md5": 32, "sha1": 40, "sha256": 64, "pdq": 64}
"""Hex digits per algorithm. PhotoDNA is not here: it is licensed and not hex; such hashes are
kept verbatim with the report instead."""
_ALIASES = {"sha-256": "sha256", "sha-1": "sha1", "sha_256": "sha256", "sha_1": "sha1"}
_HEX = re.compile(r"^[0-9a-f]+$")
MAX_ADDRESS = 45
"""The longest written address (IPv4-mapped IPv6), and what an address column holds; only an
IPv6 zone id (`fe80::1%eth0`) can make a valid address longer."""


def hash_algorithm(name: str, field: str = "algorithm") -> str:
    algorithm = name.strip().lower()
    algorithm = _ALIASES.get(algorithm, algorithm)
    if algorithm not in HASH_LENGTHS:
        allowed = ", ".join(HASH_LENGTHS)
        raise Invalid(f"{field}: unknown hash algorithm {shown(name)} (allowed: {allowed})")
    return algorithm


def hash_value(algorithm: str, value: str, field: str = "hash") -> str:
    algorithm = hash_algorithm(algorithm, field)
    cleaned = value.strip().lower()
    if len(cleaned) != HASH_LENGTHS[algorithm] or not _HEX.match(cleaned):
        raise Invalid(f"{field}: {shown(value)} is not a {algorithm} "
                      f"({HASH_LENGTHS[algorithm]} hex digits)")
    return cleaned


def ip_address(value: str, field: str = "ip") -> str:
    """The address in its compressed canonical form: equal strings mean the same address."""
    try:
        address = str(ipaddress.ip_address(value.strip()))
    except ValueError:
        raise Invalid(f"{field}: {shown(value)} is not an IP address") from None
    if len(address) > MAX_ADDRESS:
        raise Invalid(f"{field}: {shown(value)} is longer than an IP address "
                      f"({MAX_ADDRESS} characters)")
    return address
