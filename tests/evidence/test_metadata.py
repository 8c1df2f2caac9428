from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from PIL import ExifTags, Image

from nigehbaan.evidence.metadata import read_metadata
from nigehbaan.evidence.source import MediaSource
from nigehbaan.synth.media import Manifest, camera_exif
from tests.evidence.conftest import first


def _photo(path: Path, exif: Image.Exif | bytes) -> Path:
    Image.new("RGB", (40, 30), (90, 120, 150)).save(path, "JPEG", exif=exif)
    return path


def test_reads_date_camera_and_position(tmp_path: Path) -> None:
    exif = camera_exif(np.random.default_rng(1))
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.OffsetTimeOriginal] = "+05:00"
    found = read_metadata(MediaSource(_photo(tmp_path / "a.jpg", exif)))
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    lat = sum(float(v) / 60**i for i, v in enumerate(gps[ExifTags.GPS.GPSLatitude]))
    assert found.problems == ()
    assert (found.camera_make, found.camera_model) == (exif[ExifTags.Base.Make],
                                                       exif[ExifTags.Base.Model])
    assert found.taken_at is not None
    assert found.taken_at.utcoffset() == timedelta(hours=5)
    assert found.taken_at.replace(tzinfo=None) == datetime.strptime(
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal], "%Y:%m:%d %H:%M:%S")
    assert found.gps_lat is not None and abs(found.gps_lat - lat) < 1e-4
    assert found.gps_lon is not None and 61 < found.gps_lon < 75
    assert (found.width, found.height) == (40, 30)


def test_southern_and_western_positions_are_negative(tmp_path: Path) -> None:
    exif = Image.Exif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update({ExifTags.GPS.GPSLatitudeRef: "S", ExifTags.GPS.GPSLatitude: (33.0, 30.0, 0.0),
                ExifTags.GPS.GPSLongitudeRef: "W", ExifTags.GPS.GPSLongitude: (70.0, 15.0, 0.0)})
    found = read_metadata(MediaSource(_photo(tmp_path / "s.jpg", exif)))
    assert (found.gps_lat, found.gps_lon) == (-33.5, -70.25)


def test_a_broken_field_is_a_problem_and_the_rest_is_kept(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SynthCam"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "not a date at all!!"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update({ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (400.0, 0.0, 0.0),
                ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (70.0, 0.0, 0.0)})
    found = read_metadata(MediaSource(_photo(tmp_path / "b.jpg", exif)))
    assert found.camera_make == "SynthCam"
    assert (found.taken_at, found.gps_lat, found.gps_lon) == (None, None, None)
    assert [p.split(":")[0] for p in found.problems] == ["date taken", "GPS"]


def test_garbage_exif_block_never_raises(tmp_path: Path) -> None:
    found = read_metadata(MediaSource(_photo(tmp_path / "g.jpg", b"Exif\x00\x00MM\x00*garbage")))
    assert (found.width, found.height) == (40, 30)
    assert found.camera_make is None
    assert any("Corrupt EXIF" in problem for problem in found.problems)


def test_image_without_exif_has_size_and_no_problems(media: tuple[Path, Manifest]) -> None:
    folder, manifest = media
    png = next(f.path for f in manifest.files if f.path.endswith(".png"))
    found = read_metadata(MediaSource(folder / png))
    assert found.problems == () and found.taken_at is None and found.width


def test_corrupt_or_foreign_content_gives_problems_not_exceptions(
        corrupt: dict[str, Path], media: tuple[Path, Manifest]) -> None:
    folder, manifest = media
    assert read_metadata(MediaSource(corrupt["image"])).width == 320
    found = read_metadata(MediaSource(folder / first(manifest, "video")))
    assert found.width is None and "not an image" in found.problems[0]


def test_utc_offset_absent_leaves_camera_clock_naive(tmp_path: Path) -> None:
    exif = camera_exif(np.random.default_rng(2))
    found = read_metadata(MediaSource(_photo(tmp_path / "n.jpg", exif)))
    assert found.taken_at is not None and found.taken_at.tzinfo is None
