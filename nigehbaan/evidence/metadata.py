"""The EXIF facts a court asks about: when, with which camera, where.

Each field is read on its own and a broken one is recorded as a problem, never raised: a phone
that wrote a bad GPS block still has a good date, and the investigator needs whatever is there.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

from PIL import ExifTags, Image

from nigehbaan.core.errors import describe
from nigehbaan.evidence.pillow_warnings import pillow_warnings
from nigehbaan.evidence.source import MediaSource, UnreadableMedia

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class MediaMetadata:
    taken_at: datetime | None = None
    """The camera's clock as written (naive) unless the file also records its UTC offset."""
    camera_make: str | None = None
    camera_model: str | None = None
    gps_lat: float | None = None
    gps_lon: float | None = None
    width: int | None = None
    height: int | None = None
    problems: tuple[str, ...] = ()


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    cleaned = value.replace("\x00", "").strip()
    return cleaned or None


def _taken_at(exif: Image.Exif) -> datetime | None:
    details = exif.get_ifd(ExifTags.IFD.Exif)
    raw = _text(details.get(ExifTags.Base.DateTimeOriginal)) or _text(
        exif.get(ExifTags.Base.DateTime))
    if raw is None:
        return None
    taken = datetime.strptime(raw[:19], "%Y:%m:%d %H:%M:%S")
    offset = _text(details.get(ExifTags.Base.OffsetTimeOriginal))
    if offset and len(offset) == 6 and offset[0] in "+-":
        sign = 1 if offset[0] == "+" else -1
        delta = timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
        taken = taken.replace(tzinfo=timezone(sign * delta))
    return taken


def _degrees(value: Any, reference: Any, negative: str, limit: float) -> float | None:
    if value is None:
        return None
    degrees, minutes, seconds = (float(part) for part in value)
    result = degrees + minutes / 60 + seconds / 3600
    if _text(reference) == negative:
        result = -result
    if not math.isfinite(result) or abs(result) > limit:
        raise ValueError(f"coordinate {result} out of range")
    return round(result, 7)


def _gps(exif: Image.Exif) -> tuple[float | None, float | None]:
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    if not gps:
        return None, None
    lat = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef),
                   "S", 90)
    lon = _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef),
                   "W", 180)
    return (lat, lon) if lat is not None and lon is not None else (None, None)


def attempt(label: str, read: Callable[[], T], fallback: T, problems: list[str]) -> T:
    try:
        return read()
    except Exception as error:  # any malformed field: keep the rest
        problems.append(f"{label}: {describe(error)}")
        return fallback


def read_metadata(source: MediaSource) -> MediaMetadata:
    """Whatever could be read; an image without EXIF gives only its size, without problems."""
    size = source.image_size()
    width, height = size if size else (None, None)
    try:
        exif = source.exif()
    except UnreadableMedia as error:
        return MediaMetadata(width=width, height=height, problems=(f"EXIF: {error}",))
    problems = list(source.decoder_warnings())
    with pillow_warnings() as caught:  # sub-IFDs are parsed only when read
        taken_at = attempt("date taken", lambda: _taken_at(exif), None, problems)
        make = attempt("camera make", lambda: _text(exif.get(ExifTags.Base.Make)), None,
                       problems)
        model = attempt("camera model", lambda: _text(exif.get(ExifTags.Base.Model)), None,
                        problems)
        no_position: tuple[float | None, float | None] = (None, None)
        lat, lon = attempt("GPS", lambda: _gps(exif), no_position, problems)
    problems += caught
    return MediaMetadata(taken_at, make, model, lat, lon, width, height,
                         tuple(dict.fromkeys(problems)))
