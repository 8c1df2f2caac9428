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


def sample_frames(container: Any, every: float = 1.0) -> Iterator[tuple[float, Any]]:
    """The first frame at or after each multiple of `every` seconds, as (seconds, VideoFrame)."""
    stream = container.streams.video[0]
    rate = float(stream.average_rate) if stream.average_rate else 25.0
    due = 0.0
    for index, frame in enumerate(container.decode(stream)):
        seconds = frame.time if frame.time is not None else index / rate
        if seconds + 1e-6 >= due:
            yield seconds, frame
            due = (math.floor(seconds / every + 1e-6) + 1) * every
