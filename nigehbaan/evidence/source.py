"""One file opened for analysis: its type, and its pixels and EXIF decoded at most once.

PDQ, metadata and the preview all need the same decoded image; decoding a 12-megapixel JPEG
costs more than hashing its bytes, so the decode is shared. Decoders meet hostile input here,
so every failure is kept as a human-readable reason instead of an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pillow_heif
from PIL import Image

from nigehbaan.core.errors import describe
from nigehbaan.evidence.filetype import FileType, Kind, detect_file
from nigehbaan.evidence.pillow_warnings import pillow_warnings

MAX_PIXELS = 50_000_000
"""About 150 MB once decoded to RGB: two workers stay under the 500 MB budget. Larger JPEGs are
decoded at a reduced scale (JPEG's DCT scaling); other formats that large are not decoded."""


pillow_heif.register_heif_opener()
"""Phones save photos as HEIC (iPhones by default): Pillow reads them through libheif."""


class UnreadableMedia(Exception):
    """The content cannot be decoded; the message is the reason recorded for the item."""


@dataclass(slots=True)
class _Decoded:
    image: Image.Image | None = None
    exif: Image.Exif | None = None
    size: tuple[int, int] | None = None
    image_error: str | None = None
    exif_error: str | None = None
    warnings: tuple[str, ...] = ()


def _read_exif(image: Image.Image, decoded: _Decoded) -> None:
    try:
        decoded.exif = image.getexif()
    except Exception as error:  # broken EXIF comes in every shape; the pixels may still be fine
        decoded.exif_error = describe(error)


def _reduce(image: Image.Image) -> str | None:
    """Scale a JPEG's decode down by the smallest power of two that brings it under the
    limit; the reason it cannot be decoded when even 1/8 is too large, or it is not a JPEG.
    `draft` only ever reduces by a whole factor of 2, 4 or 8 and never below the size asked
    for, so the size asked for is the reduced one itself."""
    width, height = image.size
    too_many = f"{width}x{height} is more pixels than the {MAX_PIXELS} limit"
    if image.format != "JPEG":
        return too_many
    reduction = next((r for r in (2, 4, 8) if -(-width // r) * -(-height // r) <= MAX_PIXELS), 8)
    image.draft("RGB", (max(1, width // reduction), max(1, height // reduction)))
    if image.size[0] * image.size[1] > MAX_PIXELS:
        return f"{too_many}, even decoded at 1/8 scale"
    return None


def _decode_pixels(image: Image.Image, decoded: _Decoded) -> None:
    width, height = image.size
    if width * height > MAX_PIXELS:
        decoded.image_error = _reduce(image)
        if decoded.image_error:
            return
    try:
        decoded.image = image.convert("RGB")
    except Exception as error:  # Pillow's plugins raise many types on malformed data
        decoded.image_error = describe(error)


def _decode(path: Path) -> _Decoded:
    """Pillow warns about damage it works around ("Corrupt EXIF data"); those warnings are
    facts about the item, so they are kept with it rather than printed."""
    decoded = _Decoded()
    with pillow_warnings() as caught:
        try:
            with Image.open(path) as image:
                decoded.size = image.size
                _read_exif(image, decoded)
                _decode_pixels(image, decoded)
        except Exception as error:  # not an image Pillow knows, or a header too broken to open
            decoded.image_error = decoded.image_error or describe(error)
            decoded.exif_error = decoded.exif_error or decoded.image_error
    decoded.warnings = tuple(caught)
    return decoded


class MediaSource:
    def __init__(self, path: Path, filetype: FileType | None = None) -> None:
        self.path = path
        self.filetype = filetype or detect_file(path)
        self._decoded: _Decoded | None = None

    def _image_state(self) -> _Decoded:
        if self.filetype.kind is not Kind.IMAGE:
            return _Decoded(image_error=f"{self.filetype.name} is not an image",
                            exif_error=f"{self.filetype.name} is not an image")
        if self._decoded is None:
            self._decoded = _decode(self.path)
        return self._decoded

    def image(self) -> Image.Image:
        """The pixels as RGB; raises `UnreadableMedia` with the reason when they cannot be had."""
        state = self._image_state()
        if state.image is None:
            raise UnreadableMedia(state.image_error or "image could not be decoded")
        return state.image

    def exif(self) -> Image.Exif:
        state = self._image_state()
        if state.exif is None:
            raise UnreadableMedia(state.exif_error or "no EXIF could be read")
        return state.exif

    def image_size(self) -> tuple[int, int] | None:
        return self._image_state().size

    def decoder_warnings(self) -> tuple[str, ...]:
        return self._image_state().warnings
