import numpy as np
import pytest

from nigehbaan.matching.video import FrameHashes, match_video
from tests.matching.pdq_data import flip_bits, random_codes


def frames(codes: np.ndarray, quality: int = 90) -> FrameHashes:
    return FrameHashes(codes, np.full(len(codes), quality, dtype=np.int64))


@pytest.fixture
def known() -> np.ndarray:
    return random_codes(np.random.default_rng(21), 20)


def near_copies(known: np.ndarray, count: int, distance: int) -> np.ndarray:
    rng = np.random.default_rng(22)
    return np.concatenate([flip_bits(rng, known[i], distance) for i in range(count)])


@pytest.mark.parametrize(("shared", "matched"), [(8, True), (7, False)])
def test_query_share_threshold_at_80_percent(known: np.ndarray, shared: int, matched: bool) -> None:
    rng = np.random.default_rng(23)
    query = np.concatenate([near_copies(known, shared, 20), random_codes(rng, 10 - shared)])
    result = match_video(frames(query), frames(known))
    assert result.matched is matched
    assert result.query_share == shared / 10 and result.candidate_share == shared / 20


def test_frames_beyond_the_radius_do_not_count(known: np.ndarray) -> None:
    result = match_video(frames(near_copies(known, 10, 32)), frames(known))
    assert (result.matched, result.query_share) == (False, 0.0)
    assert match_video(frames(near_copies(known, 10, 32)), frames(known), radius=32).matched


def test_low_quality_frames_are_ignored_and_repeats_count_once(known: np.ndarray) -> None:
    rng = np.random.default_rng(24)
    good = near_copies(known, 4, 5)
    query = FrameHashes(
        np.concatenate([good, good, random_codes(rng, 6)]),
        np.array([90] * 8 + [10] * 6, dtype=np.int64),
    )
    result = match_video(query, frames(known))
    assert result.query_frames == 4 and result.matched and result.query_share == 1.0


def test_nothing_comparable_is_not_a_no(known: np.ndarray) -> None:
    result = match_video(frames(known, quality=49), frames(known))
    assert not result.comparable and not result.matched
    with pytest.raises(ValueError, match="2 frames but 1 qualities"):
        FrameHashes(known[:2], np.array([1]))


def test_threshold_is_configurable(known: np.ndarray) -> None:
    rng = np.random.default_rng(25)
    query = np.concatenate([near_copies(known, 5, 3), random_codes(rng, 5)])
    assert not match_video(frames(query), frames(known)).matched
    assert match_video(frames(query), frames(known), threshold=0.5).matched
