"""Reproducible benign media: generated images and short videos, their re-shared variants, and
deliberately broken files.

Tests, demos and benchmarks need files that behave like a seized phone's (JPEGs with EXIF, PNGs,
MP4s, copies re-compressed and resized by messaging apps) without any real content. Every pixel
here is a gradient, a shape, a line of neutral text or noise drawn from `numpy`'s generator seeded
by the caller, so one seed always gives the same files and the manifest says which file is a
variant of which, the ground truth for near-duplicate matching.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

import av
import numpy as np
import numpy.typing as npt
from PIL import ExifTags, Image, ImageDraw

WORDS = ["river", "garden", "blue", "morning", "station", "window", "lamp", "paper", "cloud",
         "market", "bridge", "orange", "seven", "north", "quiet", "table"]
CAMERAS = [("SynthCam", "Model S1"), ("Example Optics", "EX-200"), ("Testco", "Phone 9")]
IMAGE_TRANSFORMS = ("resized", "recompressed", "cropped")
VIDEO_SIZE = (160, 120)
VIDEO_FPS = 10

Pixels = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class MediaFile:
    path: str
    """Relative to the folder the manifest describes."""
    kind: str
    variant_of: str | None = None
    transform: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Manifest:
    seed: int
    files: tuple[MediaFile, ...]

    def originals(self) -> list[MediaFile]:
        return [f for f in self.files if f.variant_of is None]

    def variants(self) -> list[MediaFile]:
        return [f for f in self.files if f.variant_of is not None]

    def to_json(self) -> str:
        return json.dumps({"seed": self.seed, "files": [asdict(f) for f in self.files]}, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        return cls(data["seed"], tuple(MediaFile(**item) for item in data["files"]))


def _gradient(rng: np.random.Generator, width: int, height: int) -> Pixels:
    start, end = rng.integers(0, 256, size=(2, 3))
    ramp = np.linspace(0.0, 1.0, width)[None, :, None]
    tilt = np.linspace(0.0, rng.uniform(0.0, 0.6), height)[:, None, None]
    mix = np.clip(ramp + tilt, 0.0, 1.0)
    pixels: Pixels = (start * (1 - mix) + end * mix).astype(np.uint8)
    return pixels


def _draw_shapes(rng: np.random.Generator, image: Image.Image) -> None:
    draw = ImageDraw.Draw(image)
    width, height = image.size
    for _ in range(int(rng.integers(10, 18))):
        x0, x1 = sorted(rng.integers(0, width, size=2).tolist())
        y0, y1 = sorted(rng.integers(0, height, size=2).tolist())
        colour = tuple(int(c) for c in rng.integers(0, 256, size=3))
        box = (x0, y0, max(x1, x0 + 4), max(y1, y0 + 4))
        shape = rng.random()
        if shape < 0.4:
            draw.ellipse(box, fill=colour)
        elif shape < 0.8:
            draw.rectangle(box, fill=colour)
        else:
            draw.line(box, fill=colour, width=int(rng.integers(2, 8)))
    text = " ".join(rng.choice(WORDS, size=3).tolist())
    draw.text((int(rng.integers(0, width // 2)), int(rng.integers(0, height - 12))), text,
              fill=(255, 255, 255))


def generate_image(rng: np.random.Generator, width: int, height: int) -> Image.Image:
    """A gradient, a few filled shapes, three neutral words and light sensor-like noise."""
    image = Image.fromarray(_gradient(rng, width, height), "RGB")
    _draw_shapes(rng, image)
    noise = rng.normal(0.0, 6.0, size=(height, width, 3))
    pixels = np.clip(np.asarray(image, dtype=np.float64) + noise, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels, "RGB")


def camera_exif(rng: np.random.Generator) -> Image.Exif:
    """Date taken, camera and a GPS position, as a phone writes them."""
    exif = Image.Exif()
    make, model = CAMERAS[int(rng.integers(len(CAMERAS)))]
    exif[ExifTags.Base.Make] = make
    exif[ExifTags.Base.Model] = model
    day, minute = int(rng.integers(1, 28)), int(rng.integers(0, 60))
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = \
        f"2018:11:{day:02d} 14:{minute:02d}:05"
    lat, lon = float(rng.uniform(24.0, 36.0)), float(rng.uniform(61.0, 75.0))
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = _dms(lat)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = _dms(lon)
    return exif


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 2)
    return float(degrees), float(minutes), seconds


def _save(image: Image.Image, path: Path, quality: int = 88,
          exif: Image.Exif | None = None) -> None:
    if path.suffix == ".png":
        image.save(path, "PNG")
    else:
        image.save(path, "JPEG", quality=quality, exif=exif or Image.Exif())


def image_variant(image: Image.Image, transform: str,
                  rng: np.random.Generator) -> tuple[Image.Image, dict[str, Any]]:
    """What re-sharing does to a picture: smaller, more compressed, or trimmed at the edges."""
    width, height = image.size
    if transform == "resized":
        scale = round(float(rng.uniform(0.5, 0.8)), 2)
        size = (max(1, int(width * scale)), max(1, int(height * scale)))
        return image.resize(size, Image.Resampling.BILINEAR), {"scale": scale}
    if transform == "recompressed":
        return image.copy(), {"quality": int(rng.integers(25, 45))}
    if transform == "cropped":
        margin = round(float(rng.uniform(0.03, 0.07)), 3)
        dx, dy = int(width * margin), int(height * margin)
        return image.crop((dx, dy, width - dx, height - dy)), {"margin": margin}
    raise ValueError(f"unknown transform {transform!r}")


def _video_frames(rng: np.random.Generator, seconds: float) -> list[Pixels]:
    width, height = VIDEO_SIZE
    background = np.asarray(generate_image(rng, width, height))
    x, y = rng.integers(0, width - 40), rng.integers(0, height - 30)
    dx, dy = rng.integers(-4, 5, size=2)
    colour = tuple(int(c) for c in rng.integers(0, 256, size=3))
    frames = []
    for index in range(int(seconds * VIDEO_FPS)):
        image = Image.fromarray(background, "RGB")
        left, top = (x + dx * index) % (width - 40), (y + dy * index) % (height - 30)
        ImageDraw.Draw(image).rectangle((left, top, left + 40, top + 30), fill=colour)
        ImageDraw.Draw(image).text((4, 4), f"frame {index}", fill=(255, 255, 255))
        frames.append(np.asarray(image))
    return frames


def camera_tags(index: int) -> dict[str, str]:
    """Recording date, device and position as a phone writes them into a video container;
    derived from the index, not the generator, so adding them changed no other output."""
    make, model = CAMERAS[index % len(CAMERAS)]
    return {"creation_time": f"2018-11-{index % 27 + 1:02d}T15:{index % 60:02d}:07.000000Z",
            "make": make, "model": model,
            "location": f"+{24 + index % 12:02d}.5000+0{61 + index % 14:02d}.2500/"}


def encode_video(frames: list[Pixels], path: Path, *, codec: str = "libx264",
                 scale: float = 1.0, bit_rate: int = 400_000,
                 tags: dict[str, str] | None = None) -> None:
    """Encode RGB frames at `VIDEO_FPS`; deterministic bytes for deterministic frames."""
    height, width = frames[0].shape[:2]
    size = (int(width * scale) // 2 * 2, int(height * scale) // 2 * 2)
    with av.open(str(path), mode="w") as container:
        container.metadata.update(tags or {})
        stream = cast("av.VideoStream", container.add_stream(codec, rate=VIDEO_FPS))
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.bit_rate = bit_rate
        if codec == "libx264":
            stream.options = {"threads": "1", "preset": "veryfast"}
        for pixels in frames:
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            if size != (width, height):
                frame = frame.reformat(width=size[0], height=size[1])
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


def _write_images(out: Path, rng: np.random.Generator, count: int,
                  size: tuple[int, int]) -> list[MediaFile]:
    """Variants are made from the saved original, as a messaging app re-encodes the file it
    received; holding only names keeps memory flat for thousands of images."""
    files: list[MediaFile] = []
    originals: list[str] = []
    for index in range(count):
        if index % 5 == 4 and originals:
            source_name = originals[int(rng.integers(len(originals)))]
            transform = IMAGE_TRANSFORMS[(index // 5) % len(IMAGE_TRANSFORMS)]
            with Image.open(out / source_name) as source:
                image, params = image_variant(source.convert("RGB"), transform, rng)
            name = f"images/img_{index:05d}_{transform}.jpg"
            _save(image, out / name, quality=params.get("quality", 80))
            files.append(MediaFile(name, "image", source_name, transform, params))
            continue
        width = int(rng.integers(size[0] // 2, size[0] + 1))
        height = int(rng.integers(size[1] // 2, size[1] + 1))
        name = f"images/img_{index:05d}.{'png' if index % 10 == 3 else 'jpg'}"
        _save(generate_image(rng, width, height), out / name,
              exif=camera_exif(rng) if index % 2 == 0 else None)
        files.append(MediaFile(name, "image"))
        originals.append(name)
    return files


def _decoded_frames(path: Path) -> list[Pixels]:
    with av.open(str(path)) as container:
        return [np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8)
                for frame in container.decode(video=0)]


def _write_videos(out: Path, rng: np.random.Generator, count: int) -> list[MediaFile]:
    files: list[MediaFile] = []
    originals: list[str] = []
    for index in range(count):
        if index % 3 == 2 and originals:
            source_name = originals[int(rng.integers(len(originals)))]
            name = f"videos/vid_{index:03d}_reencoded.mp4"
            params = {"codec": "mpeg4", "scale": 0.75, "bit_rate": 150_000}
            encode_video(_decoded_frames(out / source_name), out / name, codec="mpeg4",
                         scale=0.75, bit_rate=150_000)
            files.append(MediaFile(name, "video", source_name, "re-encoded", params))
            continue
        seconds = int(rng.integers(2, 5))
        name = f"videos/vid_{index:03d}.mp4"
        encode_video(_video_frames(rng, seconds), out / name, tags=camera_tags(index))
        files.append(MediaFile(name, "video", params={"seconds": seconds}))
        originals.append(name)
    return files


def write_media(out_dir: Path, seed: int, images: int = 20, videos: int = 3,
                image_size: tuple[int, int] = (640, 480)) -> Manifest:
    """Write `images` images and `videos` videos (every fifth image and third video a variant
    of an earlier original) and `manifest.json` into `out_dir`."""
    rng = np.random.default_rng(seed)
    (out_dir / "images").mkdir(parents=True, exist_ok=True)
    (out_dir / "videos").mkdir(parents=True, exist_ok=True)
    files = _write_images(out_dir, rng, images, image_size)
    files += _write_videos(out_dir, rng, videos)
    manifest = Manifest(seed, tuple(files))
    (out_dir / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def write_corrupt_image(path: Path, seed: int, keep: float = 0.4) -> Path:
    """A JPEG cut after `keep` of its bytes: the header opens, the pixels do not decode."""
    rng = np.random.default_rng(seed)
    generate_image(rng, 320, 240).save(path, "JPEG", quality=90)
    _truncate(path, keep)
    return path


def write_corrupt_video(path: Path, seed: int, keep: float = 0.5) -> Path:
    """An MP4 cut after `keep` of its bytes, losing the index written at its end."""
    rng = np.random.default_rng(seed)
    encode_video(_video_frames(rng, 2.0), path)
    _truncate(path, keep)
    return path


def _truncate(path: Path, keep: float) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: max(1, int(len(data) * keep))])
