from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageOps, ImageStat

from nigehbaan.evidence.previews import DETAIL, PREVIEW_SIZE, SHEET_COLUMNS, make_preview
from nigehbaan.evidence.source import MediaSource, UnreadableMedia
from nigehbaan.synth.media import Manifest
from tests.evidence.conftest import first


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _detail(image: Image.Image, keep: int = DETAIL) -> float:
    """Mean grey-level difference from the same picture rebuilt from `keep` pixels a side:
    what an image shows beyond a tiny thumbnail."""
    small = image.copy()
    small.thumbnail((keep, keep), Image.Resampling.BOX)
    rebuilt = small.resize(image.size, Image.Resampling.BICUBIC)
    return float(ImageStat.Stat(ImageChops.difference(image, rebuilt)).mean[0])


def test_image_preview_is_small_grey_and_without_detail(media: tuple[Path, Manifest]) -> None:
    folder, manifest = media
    path = folder / first(manifest, "image")
    preview = _open(make_preview(MediaSource(path)))
    assert preview.format == "JPEG" and preview.mode == "L"
    assert max(preview.size) == PREVIEW_SIZE
    sharp = ImageOps.grayscale(Image.open(path))
    sharp.thumbnail(preview.size)
    assert _detail(preview) < 3.0
    assert _detail(sharp) > 2 * _detail(preview)


def test_previews_still_tell_items_apart(media: tuple[Path, Manifest]) -> None:
    folder, manifest = media
    a, b = (make_preview(MediaSource(folder / f.path)) for f in manifest.originals()[:2])
    assert a != b


def test_video_preview_is_a_contact_sheet_of_obscured_frames(
        media: tuple[Path, Manifest]) -> None:
    folder, manifest = media
    sheet = _open(make_preview(MediaSource(folder / first(manifest, "video"))))
    assert sheet.mode == "L"
    assert sheet.width > PREVIEW_SIZE
    assert sheet.width <= SHEET_COLUMNS * PREVIEW_SIZE and sheet.height <= 2 * PREVIEW_SIZE
    assert _detail(sheet, SHEET_COLUMNS * DETAIL) < 3.0


@pytest.mark.parametrize("kind", ["image", "video"])
def test_corrupt_media_has_no_preview_and_says_why(corrupt: dict[str, Path], kind: str) -> None:
    with pytest.raises(UnreadableMedia) as caught:
        make_preview(MediaSource(corrupt[kind]))
    assert str(caught.value)


def test_other_files_get_no_preview(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("nothing to see\n")
    with pytest.raises(UnreadableMedia, match="no preview for text"):
        make_preview(MediaSource(text))
