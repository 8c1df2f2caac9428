"""Generated media: same seed, same bytes; variants are what the manifest says they are."""

from __future__ import annotations

import hashlib
from pathlib import Path

import av
import pytest
from PIL import Image

from nigehbaan.synth.media import (
    IMAGE_TRANSFORMS,
    Manifest,
    write_corrupt_image,
    write_corrupt_video,
    write_media,
)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    folder = tmp_path_factory.mktemp("synth-media")
    return folder, write_media(folder, seed=21, images=16, videos=3)


def _digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_gives_the_same_bytes(written: tuple[Path, Manifest], tmp_path: Path) -> None:
    folder, _ = written
    write_media(tmp_path, seed=21, images=16, videos=3)
    assert _digests(tmp_path) == _digests(folder)


def test_another_seed_gives_other_files(written: tuple[Path, Manifest], tmp_path: Path) -> None:
    folder, _ = written
    write_media(tmp_path, seed=22, images=16, videos=3)
    same = set(_digests(tmp_path).values()) & set(_digests(folder).values())
    assert same == set()


def test_manifest_lists_every_file_and_round_trips(written: tuple[Path, Manifest]) -> None:
    folder, manifest = written
    listed = {f.path for f in manifest.files}
    on_disk = set(_digests(folder)) - {"manifest.json"}
    assert listed == on_disk
    assert Manifest.from_json((folder / "manifest.json").read_text()) == manifest
    assert sum(f.kind == "image" for f in manifest.files) == 16
    assert sum(f.kind == "video" for f in manifest.files) == 3


def test_variants_point_at_earlier_originals_and_match_their_transform(
        written: tuple[Path, Manifest]) -> None:
    folder, manifest = written
    originals = {f.path for f in manifest.originals()}
    images = [f for f in manifest.variants() if f.kind == "image"]
    assert {f.transform for f in images} == set(IMAGE_TRANSFORMS)
    for variant in manifest.variants():
        assert variant.variant_of in originals
    for variant in images:
        assert variant.variant_of is not None
        with Image.open(folder / variant.path) as copy, \
                Image.open(folder / variant.variant_of) as source:
            if variant.transform == "recompressed":
                assert copy.size == source.size
                assert (folder / variant.path).stat().st_size < \
                    (folder / variant.variant_of).stat().st_size
            else:
                assert copy.width < source.width and copy.height < source.height


def test_some_images_carry_camera_exif(written: tuple[Path, Manifest]) -> None:
    folder, manifest = written
    makes = []
    for item in manifest.originals():
        if item.kind == "image":
            with Image.open(folder / item.path) as image:
                makes.append(image.getexif().get(0x010F))
    assert any(makes) and not all(makes)


def test_videos_are_short_and_decodable(written: tuple[Path, Manifest]) -> None:
    folder, manifest = written
    for item in (f for f in manifest.files if f.kind == "video"):
        with av.open(str(folder / item.path)) as container:
            frames = sum(1 for _ in container.decode(video=0))
            assert container.duration is not None
            seconds = container.duration / av.time_base
        assert 2 <= seconds <= 4.2 and frames >= 20
    reencoded = next(f for f in manifest.variants() if f.kind == "video")
    assert reencoded.transform == "re-encoded" and reencoded.params["codec"] == "mpeg4"


def test_corrupt_writers_produce_undecodable_files(tmp_path: Path) -> None:
    image = write_corrupt_image(tmp_path / "cut.jpg", seed=1)
    with Image.open(image) as opened, pytest.raises(OSError, match="truncated"):
        opened.load()
    video = write_corrupt_video(tmp_path / "cut.mp4", seed=1)
    with pytest.raises(av.error.InvalidDataError):
        av.open(str(video)).close()
