"""vPDQ-style video matching: a video is the PDQ hashes (and qualities) of its frames.

A video matches when enough of the query's usable frames have a close frame in the candidate:
order and timing are ignored, so cuts, re-encodes and changed frame rates still match. Both
shares are reported because they answer different questions: the query share says "this is
(part of) that video", the candidate share says how much of the known video is present.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from nigehbaan.matching.pdq_codes import DEFAULT_RADIUS, WORDS, Codes, brute_force_search

MIN_QUALITY = 50
DEFAULT_THRESHOLD = 0.8


@dataclass(frozen=True, slots=True)
class FrameHashes:
    codes: Codes
    qualities: npt.NDArray[np.int64]

    def __post_init__(self) -> None:
        if self.codes.ndim != 2 or self.codes.shape[1] != WORDS:
            raise ValueError(f"frame codes must have shape (n, {WORDS})")
        if len(self.qualities) != len(self.codes):
            raise ValueError(f"{len(self.codes)} frames but {len(self.qualities)} qualities")

    def usable(self, min_quality: int) -> Codes:
        """Frames of enough quality, each distinct hash once.

        Deduplicated so that a long still shot (hundreds of equal frames) weighs as one frame,
        as in the vPDQ reference.
        """
        kept = self.codes[self.qualities >= min_quality]
        return np.unique(kept, axis=0) if len(kept) else kept


@dataclass(frozen=True, slots=True)
class VideoMatch:
    matched: bool
    query_share: float
    """Share of the query's usable frames within the radius of some candidate frame."""
    candidate_share: float
    """Share of the candidate's usable frames within the radius of some query frame."""
    query_frames: int
    candidate_frames: int

    @property
    def comparable(self) -> bool:
        """False when either side has no frame of enough quality: "not comparable", not "no"."""
        return self.query_frames > 0 and self.candidate_frames > 0


def match_video(
    query: FrameHashes,
    candidate: FrameHashes,
    *,
    radius: int = DEFAULT_RADIUS,
    threshold: float = DEFAULT_THRESHOLD,
    min_quality: int = MIN_QUALITY,
) -> VideoMatch:
    """Compare two frame sets; `threshold` is the query share needed (0.8 = 80 %)."""
    ours, theirs = query.usable(min_quality), candidate.usable(min_quality)
    if len(ours) == 0 or len(theirs) == 0:
        return VideoMatch(False, 0.0, 0.0, len(ours), len(theirs))
    q, r, _ = brute_force_search(theirs, ours, radius)
    matched_frames = len(np.unique(q))
    query_share = matched_frames / len(ours)
    candidate_share = len(np.unique(r)) / len(theirs)
    return VideoMatch(
        matched=matched_frames >= threshold * len(ours) - 1e-9,
        query_share=query_share,
        candidate_share=candidate_share,
        query_frames=len(ours),
        candidate_frames=len(theirs),
    )
