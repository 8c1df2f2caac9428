from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nigehbaan.evidence.perceptual import ImagePdq, PerceptualResult, VideoFramePdq
from nigehbaan.evidence.source import MediaSource
from nigehbaan.synth.media import Manifest
from tests.evidence.conftest import SHARED

CONFORMANCE = SHARED / "conformance" / "pdq"
TOLERANCE = 12
"""Bits: pdqhash decoding with Pillow lands 0-12 bits from the reference (see its README)."""
MATCH = 31


def distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _expected() -> list[tuple[str, str]]:
    with (CONFORMANCE / "expected.csv").open(newline="") as stream:
        return [(row["file"], row["pdq"]) for row in csv.DictReader(stream)]


@pytest.mark.parametrize(("name", "reference"), _expected())
def test_pdq_agrees_with_the_reference_hashes(name: str, reference: str) -> None:
    result = ImagePdq().compute(MediaSource(CONFORMANCE / "images" / name))
    assert result.pdq is not None and len(result.pdq) == 64
    assert distance(result.pdq, reference) <= TOLERANCE


def _hash(folder: Path, name: str, hasher: ImagePdq | VideoFramePdq) -> PerceptualResult:
    return hasher.compute(MediaSource(folder / name))


def test_image_variants_stay_near_their_original(media: tuple[Path, Manifest]) -> None:
    folder, manifest = media
    images = [f for f in manifest.files if f.kind == "image"]
    hashes = {f.path: _hash(folder, f.path, ImagePdq()).pdq for f in images}
    for variant in (f for f in images if f.variant_of):
        assert variant.variant_of is not None
        assert distance(hashes[variant.path] or "", hashes[variant.variant_of] or "") <= MATCH
    originals = [hashes[f.path] or "" for f in images if f.variant_of is None]
    assert min(distance(a, b) for i, a in enumerate(originals) for b in originals[i + 1:]) > MATCH


def test_image_quality_is_reported(media: tuple[Path, Manifest]) -> None:
    folder, manifest = media
    images = [f.path for f in manifest.originals() if f.kind == "image"]
    qualities = [_hash(folder, path, ImagePdq()).quality for path in images]
    assert all(q is not None and 0 <= q <= 100 for q in qualities)
    assert sum(q is not None and q >= 50 for q in qualities) >= 0.7 * len(qualities)


def test_video_has_one_frame_a_second_and_its_duration(media: tuple[Path, Manifest]) -> None:
    folder, manifest = media
    for video in (f for f in manifest.files if f.kind == "video" and f.variant_of is None):
        result = _hash(folder, video.path, VideoFramePdq())
        seconds = video.params["seconds"]
        assert result.reason is None
        assert result.duration == pytest.approx(seconds, abs=0.15)
        assert [frame.seconds for frame in result.frames] == [float(s) for s in range(seconds)]


def test_reencoded_video_frames_match_the_original(media: tuple[Path, Manifest]) -> None:
    folder, manifest = media
    variant = next(f for f in manifest.files if f.kind == "video" and f.variant_of)
    assert variant.variant_of is not None
    query = _hash(folder, variant.path, VideoFramePdq()).frames
    known = _hash(folder, variant.variant_of, VideoFramePdq()).frames
    close = [q for q in query if min(distance(q.pdq, k.pdq) for k in known) <= MATCH]
    assert len(close) / len(query) >= 0.8


def test_corrupt_image_is_unavailable_with_a_reason(corrupt: dict[str, Path]) -> None:
    result = ImagePdq().compute(MediaSource(corrupt["image"]))
    assert not result.available and result.pdq is None
    assert result.reason is not None and "truncated" in result.reason


def test_corrupt_video_is_unavailable_with_a_reason(corrupt: dict[str, Path]) -> None:
    result = VideoFramePdq().compute(MediaSource(corrupt["video"]))
    assert not result.available
    assert result.reason is not None and "Invalid data" in result.reason


def test_garbage_after_a_video_signature_is_unavailable(tmp_path: Path) -> None:
    fake = tmp_path / "fake.mp4"
    fake.write_bytes(b"\x00\x00\x00\x18ftypisom" + bytes(range(256)) * 8)
    result = VideoFramePdq().compute(MediaSource(fake))
    assert not result.available and result.reason


def test_hashers_apply_only_to_their_kind(media: tuple[Path, Manifest]) -> None:
    folder, manifest = media
    video = MediaSource(folder / next(f.path for f in manifest.files if f.kind == "video"))
    assert not ImagePdq().applies_to(video.filetype)
    assert VideoFramePdq().applies_to(video.filetype)
    assert ImagePdq().compute(video).reason == "mp4 is not an image"
