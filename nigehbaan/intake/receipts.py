"""Receipt codes: the anonymous reporter's only credential, and how the portal finds its report.

A receipt is 16 random digits (about 53 bits), shown as `1234 5678 9012 3456`. Only digits, so
it can be written down, read out over a phone and typed on any keyboard; Urdu (Eastern
Arabic-Indic) and Arabic-Indic digits are accepted as typed.

Stored: an Argon2id hash of all 16 digits (the same hasher and cost as passwords), plus a
lookup key, HMAC(portal key, first 6 digits). Why not a lookup key over the whole code? With
the portal key, an HMAC is fast to compute, so a full-code HMAC would let whoever holds database
and key recover every receipt by enumeration, making the Argon2id hash decorative. A 6-digit
prefix narrows a lookup to about one row per million reports (then Argon2id confirms), and
even with the key leaked, recovering a receipt still means 10^10 Argon2id guesses per report.
Why not a public id plus a secret? Then the secret alone would be ~9 digits against offline
guessing once the database leaks; here the whole code stays secret.

Argon2id costs tens of megabytes per call: `_slots` bounds how many run at once, so a burst of
submissions queues instead of exhausting the portal's memory.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Iterable

from nigehbaan.core.credentials import hash_password, password_matches
from nigehbaan.intake.keys import derive

DIGITS = 16
PREFIX_DIGITS = 6
_TRANSLATE = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_SEPARATORS = " -–—.\u00a0\u200e\u200f\t"
_slots = threading.BoundedSemaphore(max(2, os.cpu_count() or 2))


def new_receipt() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(DIGITS))


def grouped(receipt: str) -> str:
    return " ".join(receipt[i:i + 4] for i in range(0, len(receipt), 4))


def normalise(typed: str) -> str | None:
    """The 16 digits of a typed code, or None if it is not one (wrong length, letters...)."""
    text = typed.translate(_TRANSLATE)
    for separator in _SEPARATORS:
        text = text.replace(separator, "")
    if len(text) != DIGITS or not text.isascii() or not text.isdigit():
        return None
    return text


def lookup_key(key: bytes, receipt: str) -> str:
    return derive(key, "receipt-prefix", receipt[:PREFIX_DIGITS])


def hash_receipt(receipt: str) -> str:
    with _slots:
        return hash_password(receipt)


def first_match(receipt: str, candidates: Iterable[tuple[int, str]]) -> int | None:
    """The id of the candidate whose stored hash is this receipt's, if any."""
    for report_id, stored in candidates:
        with _slots:
            if password_matches(stored, receipt):
                return report_id
    return None
