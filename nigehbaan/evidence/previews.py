"""Previews that let an analyst tell items apart without seeing them.

Nobody may see content by accident, so a preview keeps only layout and tone: greyscale, reduced
to a few dozen pixels before being enlarged and blurred, then stored as a small JPEG. A video
gets a contact sheet of such tiles, so its preview never plays. Previews are derived data: the
caller stores them apart from the evidence, and they can always be made again from the vault.
"""

from __future__ import annotations

import io

from PIL import Image, ImageFilter, ImageOps

from nigehbaan.core.errors import describe
from nigehbaan.evidence import video
from nigehbaan.evidence.filetype import Kind
from nigehbaan.evidence.source import MediaSource, UnreadableMedia

PREVIEW_SIZE = 160
DETAIL = 24
"""Longest side, in pixels, of what survives: enough for tone and layout, not for a face."""
BLUR_RADIUS = 3.0
SHEET_TILES = 6
SHEET_COLUMNS = 3
JPEG_QUALITY = 70


def fitted(size: tuple[int, int], box: int) -> tuple[int, int]:
    """`size` scaled to fit a `box`-pixel square, never enlarged, aspect kept."""
    width, height = size
    scale = min(box / width, box / height, 1.0)
    return max(1, round(width * scale)), max(1, round(height * scale))


def obscure(image: Image.Image, size: int = PREVIEW_SIZE) -> Image.Image:
    """Reduced to `DETAIL` pixels and greyscale, enlarged to fit `size` and blurred.

    Reducing before anything else means every later step works on a few hundred pixels, not
    on the full photograph: the preview costs a fraction of the PDQ hash beside it."""
    coarse = ImageOps.grayscale(
        image.resize(fitted(image.size, DETAIL), Image.Resampling.BOX, reducing_gap=2.0))
    enlarged = coarse.resize(fitted(image.size, size), Image.Resampling.BICUBIC)
    return enlarged.filter(ImageFilter.GaussianBlur(BLUR_RADIUS))


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def image_preview(image: Image.Image) -> bytes:
    return _jpeg(obscure(image))


def contact_sheet(tiles: list[Image.Image], columns: int = SHEET_COLUMNS) -> Image.Image:
    width = max(tile.width for tile in tiles)
    height = max(tile.height for tile in tiles)
    rows = -(-len(tiles) // columns)
    sheet = Image.new("L", (width * min(columns, len(tiles)), height * rows), 0)
    for index, tile in enumerate(tiles):
        sheet.paste(tile, ((index % columns) * width, (index // columns) * height))
    return sheet


def video_preview(source: MediaSource, tiles: int = SHEET_TILES) -> bytes:
    """Frames spread over the whole duration, each obscured like an image preview."""
    picked: list[Image.Image] = []
    with video.open_video(source.path) as container:
        length = video.duration(container) or float(tiles)
        every = max(length / tiles, 0.001)
        for _, frame in video.sample_frames(container, every):
            picked.append(obscure(frame.to_image()))
            if len(picked) == tiles:
                break
    if not picked:
        raise UnreadableMedia("no frame could be decoded")
    return _jpeg(contact_sheet(picked))


def make_preview(source: MediaSource) -> bytes:
    """JPEG bytes; raises `UnreadableMedia` with the reason when none can be made."""
    if source.filetype.kind is Kind.IMAGE:
        return image_preview(source.image())
    if source.filetype.kind is Kind.VIDEO:
        try:
            return video_preview(source)
        except UnreadableMedia:
            raise
        except Exception as error:  # FFmpeg's many error classes for corrupt input
            raise UnreadableMedia(describe(error)) from error
    raise UnreadableMedia(f"no preview for {source.filetype.name}")
