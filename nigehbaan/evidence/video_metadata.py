"""The container facts a court asks about a video: when it was recorded, by which device, where.

Phones write them as container tags, not EXIF: `creation_time` (UTC), `location` in ISO 6709
(`+31.5204+074.3587/`), and make and model (QuickTime's `com.apple.quicktime.*`, Android's
`com.android.*`, or plain `make`/`model`). Each is read on its own; a malformed one is a
recorded problem, never an exception, as for images.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from nigehbaan.core.errors import describe, shown
from nigehbaan.evidence import video
from nigehbaan.evidence.metadata import MediaMetadata, attempt
from nigehbaan.evidence.source import MediaSource

CREATED = ("com.apple.quicktime.creationdate", "creation_time")
MAKE = ("com.apple.quicktime.make", "com.android.manufacturer", "make")
MODEL = ("com.apple.quicktime.model", "com.android.model", "model")
LOCATION = ("com.apple.quicktime.location.ISO6709", "location")
ISO6709 = re.compile(r"^([+-]\d{1,2}(?:\.\d+)?)([+-]\d{1,3}(?:\.\d+)?)")
UNSET_BEFORE = 1971
"""Muxers write the zero of their epoch (1904 or 1970) when no date is known."""


def _tag(tags: dict[str, str], names: tuple[str, ...]) -> str | None:
    return next((tags[name].strip() for name in names if tags.get(name, "").strip()), None)


def _created(tags: dict[str, str]) -> datetime | None:
    raw = _tag(tags, CREATED)
    if raw is None:
        return None
    created = datetime.fromisoformat(raw)
    return created if created.year >= UNSET_BEFORE else None


def _location(tags: dict[str, str]) -> tuple[float | None, float | None]:
    raw = _tag(tags, LOCATION)
    if raw is None:
        return None, None
    found = ISO6709.match(raw)
    if found is None:
        raise ValueError(f"not an ISO 6709 position: {shown(raw)}")
    lat, lon = float(found.group(1)), float(found.group(2))
    if abs(lat) > 90 or abs(lon) > 180:
        raise ValueError(f"position {lat},{lon} out of range")
    return round(lat, 7), round(lon, 7)


def _size(container: Any) -> tuple[int | None, int | None]:
    stream = container.streams.video[0]
    return (stream.width or None), (stream.height or None)


def from_tags(tags: dict[str, str], width: int | None = None,
              height: int | None = None) -> MediaMetadata:
    problems: list[str] = []
    created = attempt("date recorded", lambda: _created(tags), None, problems)
    no_position: tuple[float | None, float | None] = (None, None)
    lat, lon = attempt("location", lambda: _location(tags), no_position, problems)
    return MediaMetadata(created, _tag(tags, MAKE), _tag(tags, MODEL), lat, lon, width, height,
                         tuple(problems))


def read_video_metadata(source: MediaSource) -> MediaMetadata:
    try:
        with video.open_video(source.path) as container:
            tags = {str(k): str(v) for k, v in container.metadata.items()}
            width, height = _size(container)
    except Exception as error:  # FFmpeg's many error classes for corrupt input
        return MediaMetadata(problems=(f"container: {describe(error)}",))
    return from_tags(tags, width, height)
