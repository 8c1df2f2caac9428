"""Frames of a video sampled at a fixed interval, decoded through PyAV.

vPDQ hashes one frame per second: enough to match a re-encoded or cut copy, and it keeps the
cost proportional to the duration, not the frame rate. Frames are yielded one at a time so a
long video never sits in memory.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import av

from nigehbaan.evidence import source


@contextmanager
def open_video(path: Path) -> Iterator[Any]:
    """The container and its first video stream; raises `ValueError` when there is none."""
    with av.open(str(path), mode="r") as container:
        if not container.streams.video:
            raise ValueError("no video stream")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        yield container


def duration(container: Any) -> float | None:
    """Seconds, from the container header or else the stream's; None when neither says."""
    if container.duration:
        return float(container.duration / av.time_base)
    stream = container.streams.video[0]
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    return None


def check_size(width: int, height: int) -> None:
    """Frames are held by the pixel limit of images: a few hundred kilobytes of video can
    declare 8192x8192 frames, each costing gigabytes once converted and hashed."""
    if width * height > source.MAX_PIXELS:
        raise ValueError(f"{width}x{height} frames are more pixels than the "
                         f"{source.MAX_PIXELS} limit")


def sample_frames(container: Any, every: float = 1.0) -> Iterator[tuple[float, Any]]:
    """The first frame at or after each multiple of `every` seconds, as (seconds, VideoFrame).
    Raises `ValueError` before decoding when the stream declares frames over the pixel limit,
    and at any frame over it."""
    stream = container.streams.video[0]
    check_size(stream.width or 0, stream.height or 0)
    rate = float(stream.average_rate) if stream.average_rate else 25.0
    due = 0.0
    for index, frame in enumerate(container.decode(stream)):
        seconds = frame.time if frame.time is not None else index / rate
        if seconds + 1e-6 >= due:
            check_size(frame.width, frame.height)
            yield seconds, frame
            due = (math.floor(seconds / every + 1e-6) + 1) * every
