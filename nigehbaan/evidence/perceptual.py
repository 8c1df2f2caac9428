"""Perceptual hashes: PDQ for images, PDQ of one frame a second (vPDQ-style) for videos.

A perceptual hash that cannot be computed is a result, not an error: the item is still stored
and hashed with SHA/MD5, and the reason (truncated file, unknown codec) is recorded so an
analyst knows why near-duplicate matching could not look at it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pdqhash

from nigehbaan.core.errors import describe
from nigehbaan.evidence import video
from nigehbaan.evidence.filetype import FileType, Kind
from nigehbaan.evidence.hashers import MediaHasher
from nigehbaan.evidence.source import MediaSource, UnreadableMedia


@dataclass(frozen=True, slots=True)
class FrameHash:
    seconds: float
    """Position in the video; 0.0 for a still image."""
    pdq: str
    """256 bits as 64 hex digits, first bit most significant (the reference's text form)."""
    quality: int


@dataclass(frozen=True, slots=True)
class PerceptualResult:
    algorithm: str
    frames: tuple[FrameHash, ...] = ()
    duration: float | None = None
    reason: str | None = None
    """Why nothing could be hashed, or why only part of a video was."""

    @property
    def available(self) -> bool:
        return bool(self.frames)

    @property
    def pdq(self) -> str | None:
        """The image's hash (a video's first sampled frame)."""
        return self.frames[0].pdq if self.frames else None

    @property
    def quality(self) -> int | None:
        return self.frames[0].quality if self.frames else None


def pdq_of(rgb: npt.NDArray[np.uint8]) -> tuple[str, int]:
    bits, quality = pdqhash.compute(np.ascontiguousarray(rgb))
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex(), int(quality)


class ImagePdq(MediaHasher):
    name = "pdq"

    def applies_to(self, filetype: FileType) -> bool:
        return filetype.kind is Kind.IMAGE

    def compute(self, source: MediaSource) -> PerceptualResult:
        try:
            pixels = np.asarray(source.image())
            digest, quality = pdq_of(pixels)
        except UnreadableMedia as error:
            return PerceptualResult(self.name, reason=str(error))
        except Exception as error:  # the C++ binding rejects odd shapes with various types
            return PerceptualResult(self.name, reason=describe(error))
        return PerceptualResult(self.name, (FrameHash(0.0, digest, quality),))


class VideoFramePdq(MediaHasher):
    """PDQ of the first frame at or after each second, as vPDQ samples."""

    name = "vpdq"
    every = 1.0

    def applies_to(self, filetype: FileType) -> bool:
        return filetype.kind is Kind.VIDEO

    def compute(self, source: MediaSource) -> PerceptualResult:
        frames: list[FrameHash] = []
        length: float | None = None
        reason: str | None = None
        try:
            with video.open_video(source.path) as container:
                length = video.duration(container)
                for seconds, frame in video.sample_frames(container, self.every):
                    digest, quality = pdq_of(frame.to_ndarray(format="rgb24"))
                    frames.append(FrameHash(round(seconds, 3), digest, quality))
        except Exception as error:  # FFmpeg reports corrupt input through many error classes
            reason = describe(error)
            if frames:
                reason = f"stopped after {len(frames)} frames: {reason}"
        if not frames and reason is None:
            reason = "no frame could be decoded"
        if length is None and frames:
            length = frames[-1].seconds
        return PerceptualResult(self.name, tuple(frames), length, reason)
