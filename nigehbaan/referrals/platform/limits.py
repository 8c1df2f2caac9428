"""What every reader checks before parsing: size, encoding, and times and hash names as the
formats spell them. Errors name the problem and, where there is one, the place."""

from __future__ import annotations

import codecs
from datetime import datetime
from typing import Any

from nigehbaan.core.errors import Invalid, shown
from nigehbaan.core.inputs import in_utc

MAX_REPORT_BYTES = 20 * 1024 * 1024
"""A CyberTipline report is text about files, not the files: 20 MiB is far beyond any real one,
and bounding it keeps one bad upload from exhausting memory."""
HASH_NAMES = {"md5": "md5", "sha1": "sha1", "sha-1": "sha1", "sha256": "sha256",
              "sha-256": "sha256", "pdq": "pdq"}


def check_size(data: bytes, source: str) -> None:
    if len(data) > MAX_REPORT_BYTES:
        raise Invalid(f"{source}: {len(data)} bytes is too large "
                      f"(a report is at most {MAX_REPORT_BYTES} bytes)")
    if not data.strip():
        raise Invalid(f"{source}: the file is empty")


def utf8_text(data: bytes, source: str) -> str:
    """UTF-8 (a BOM allowed), nothing else: JSON must be UTF-8, and guessing is how names
    get silently mangled."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise Invalid(f"{source}: encoded as UTF-16; convert it to UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise Invalid(f"{source}: not UTF-8 (byte 0x{data[error.start]:02x} at offset "
                      f"{error.start}, line {line}); convert it to UTF-8") from None


def when(value: object, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(f"{field}: {shown(text)} is not an ISO 8601 date-time") from None
    try:  # as the case and its events will hold it, so no later step can refuse it
        return in_utc(moment)  # a time without an offset is UTC
    except ValueError as error:
        raise Invalid(f"{field}: {shown(text)} {error}") from None


def hash_name(value: str) -> str | None:
    """Our algorithm name, or None for one we do not match on (PhotoDNA): kept verbatim."""
    return HASH_NAMES.get(value.strip().lower())


def port(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        port = int(value)
    except (TypeError, ValueError, OverflowError):
        raise Invalid(f"{field}: {shown(str(value))} is not a port number") from None
    if not 0 <= port <= 65535:
        raise Invalid(f"{field}: {port} is not a port number")
    return port


def age(value: Any, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        raise Invalid(f"{field}: {shown(str(value))} is not an age in years") from None
