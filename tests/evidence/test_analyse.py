from __future__ import annotations

import io
import pickle
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from PIL import Image, ImageStat

from nigehbaan.evidence.analyse import Facts, analyse, analyse_path
from nigehbaan.evidence.filetype import FileType, Kind
from nigehbaan.evidence.hashers import MediaHasher
from nigehbaan.evidence.hashing import hash_file
from nigehbaan.evidence.ingest import ingest_file
from nigehbaan.evidence.perceptual import FrameHash, PerceptualResult
from nigehbaan.evidence.plugins import default_registry
from nigehbaan.evidence.source import MediaSource
from nigehbaan.evidence.vault import Vault
from nigehbaan.evidence.video_metadata import from_tags
from nigehbaan.synth.media import Manifest, encode_video
from tests.evidence.conftest import first


def test_image_facts(media: tuple[Path, Manifest]) -> None:
    folder, manifest = media
    path = folder / first(manifest, "image")
    facts = analyse(path)
    assert facts.digests == hash_file(path)
    assert (facts.filetype.kind, facts.filetype.mime) == (Kind.IMAGE, "image/jpeg")
    assert facts.metadata is not None and facts.metadata.camera_make
    pdq = facts.signal("pdq")
    assert pdq is not None and pdq.available and facts.signal("vpdq") is None
    assert facts.preview is not None and facts.preview.startswith(b"\xff\xd8")
    assert facts.duration is None


def test_video_facts(media: tuple[Path, Manifest]) -> None:
    folder, manifest = media
    facts = analyse(folder / first(manifest, "video"))
    assert facts.filetype.kind is Kind.VIDEO and facts.metadata is not None
    assert facts.metadata.taken_at is not None and facts.metadata.taken_at.year == 2018
    assert facts.metadata.taken_at.utcoffset() is not None
    assert facts.metadata.gps_lat is not None and 24 <= facts.metadata.gps_lat <= 36
    assert facts.metadata.width and facts.metadata.problems == ()
    frames = facts.signal("vpdq")
    assert frames is not None and len(frames.frames) >= 2
    assert facts.duration is not None and facts.duration >= 2
    assert facts.preview is not None


def test_corrupt_media_is_hashed_with_perceptual_unavailable(corrupt: dict[str, Path]) -> None:
    for kind, algorithm in (("image", "pdq"), ("video", "vpdq")):
        facts = analyse(corrupt[kind])
        assert facts.digests == hash_file(corrupt[kind])
        signal = facts.signal(algorithm)
        assert signal is not None and not signal.available and signal.reason
        assert facts.preview is None and facts.preview_problem


def test_other_files_get_digests_only(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("12/03/2019, 21:04 - Sara: hello\n")
    facts = analyse(path)
    assert facts.filetype.name == "text"
    assert (facts.metadata, facts.signals, facts.preview, facts.preview_problem) == (
        None, (), None, None)


def test_facts_survive_pickling_and_a_stream_gives_the_same(
        media: tuple[Path, Manifest]) -> None:
    folder, manifest = media
    for path in (folder / first(manifest, "image"), folder / first(manifest, "video")):
        facts = analyse(path)
        assert pickle.loads(pickle.dumps(facts)) == facts
        assert analyse(io.BytesIO(path.read_bytes())) == facts


class _Brightness(MediaHasher):
    name = "brightness"

    def applies_to(self, filetype: FileType) -> bool:
        return filetype.kind is Kind.IMAGE

    def compute(self, source: MediaSource) -> PerceptualResult:
        level = int(ImageStat.Stat(source.image().convert("L")).mean[0])
        return PerceptualResult(self.name, (FrameHash(0.0, f"{level:02x}", 100),))


def test_a_registered_media_hasher_runs_in_the_pipeline(media: tuple[Path, Manifest]) -> None:
    folder, manifest = media
    registry = default_registry()
    registry.register(_Brightness())
    facts = analyse_path(folder / first(manifest, "image"), registry=registry)
    assert [s.algorithm for s in facts.signals] == ["pdq", "brightness"]
    brightness = facts.signal("brightness")
    assert brightness is not None and brightness.pdq is not None and len(brightness.pdq) == 2


def test_ingest_stores_then_reuses_the_digests(media: tuple[Path, Manifest],
                                               tmp_path: Path) -> None:
    folder, manifest = media
    vault = Vault(tmp_path / "vault", tmp_path / "vault.key")
    path = folder / first(manifest, "image")
    done = ingest_file(path, vault)
    assert done.created and done.facts == analyse(path)
    assert vault.read_bytes(done.facts.digests.sha256) == path.read_bytes()
    assert not ingest_file(path, vault).created
    assert isinstance(done.facts, Facts)


def test_heic_photos_are_decoded_like_any_other(media: tuple[Path, Manifest],
                                                 tmp_path: Path) -> None:
    folder, manifest = media
    jpeg = folder / first(manifest, "image")
    heic = tmp_path / "IMG_0001.HEIC"
    with Image.open(jpeg) as image:
        image.save(heic, format="HEIF", quality=90, exif=image.getexif().tobytes())
    facts = analyse(heic)
    assert (facts.filetype.name, facts.filetype.kind) == ("heic", Kind.IMAGE)
    assert facts.metadata is not None and facts.metadata.camera_make
    original, reencoded = analyse(jpeg).signal("pdq"), facts.signal("pdq")
    assert original is not None and original.pdq is not None
    assert reencoded is not None and reencoded.pdq is not None, reencoded
    distance = bin(int(original.pdq, 16) ^ int(reencoded.pdq, 16)).count("1")
    assert distance <= 31
    assert facts.preview is not None and facts.preview_problem is None


def test_quicktime_tags_give_device_and_bad_tags_are_problems(tmp_path: Path) -> None:
    frames = [np.full((48, 64, 3), shade, np.uint8) for shade in range(0, 200, 20)]
    movie = tmp_path / "IMG_0002.MOV"
    encode_video(frames, movie, codec="mpeg4", tags={
        "creation_time": "2019-03-04T05:06:07.000000Z", "make": "Apple", "model": "iPhone 8",
        "location": "-33.8688+151.2093+012.000/"})
    meta = analyse(movie).metadata
    assert meta is not None and meta.problems == ()
    assert (meta.camera_make, meta.camera_model) == ("Apple", "iPhone 8")
    assert (meta.gps_lat, meta.gps_lon) == (-33.8688, 151.2093)
    assert meta.taken_at == datetime(2019, 3, 4, 5, 6, 7, tzinfo=UTC)
    # FFmpeg's muxer drops malformed tags, so they are fed to the reader directly
    meta = from_tags({"creation_time": "yesterday", "location": "somewhere", "make": " "})
    assert meta.taken_at is None and meta.gps_lat is None and meta.camera_make is None
    assert [p.split(":")[0] for p in meta.problems] == ["date recorded", "location"]
