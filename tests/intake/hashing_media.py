"""Seeded benign test images for the browser-hashing tests: gradients, shapes, text, noise.

Nothing here resembles real material: every picture is drawn from a seeded generator, so the
same seed gives the same files on every machine.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SEED = 20240611

SIZES = [
    (64, 64),
    (100, 100),
    (256, 256),
    (640, 480),
    (480, 640),
    (1024, 768),
    (1200, 300),
    (300, 1600),
    (37, 53),
    (800, 800),
    (1600, 900),
    (333, 777),
]
LARGE = {29: (4000, 3000), 57: (3000, 4000), 86: (2500, 2500), 118: (4608, 2592)}  # index: size
KINDS = ["gradient", "shapes", "text", "noise", "mixed"]
WORDS = ["nigehbaan", "guardian", "report", "safe", "help", "نگہبان", "school", "river", "kite"]


def _colour(rng: np.random.Generator) -> tuple[int, int, int]:
    return (int(rng.integers(256)), int(rng.integers(256)), int(rng.integers(256)))


def _gradient(rng: np.random.Generator, w: int, h: int) -> Image.Image:
    if w * h > 1_000_000:  # smooth anyway: draw it small and enlarge, to keep the test quick
        return _gradient(rng, w // 4, h // 4).resize((w, h), Image.Resampling.BILINEAR)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    angle = rng.uniform(0, 2 * np.pi)
    t = (x * np.cos(angle) + y * np.sin(angle)) / max(w, h)
    if rng.random() < 0.4:  # radial
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        t = np.hypot(x - cx, y - cy) / max(w, h)
    t = (t - t.min()) / max(np.ptp(t), 1e-9)
    a, b = np.array(_colour(rng)), np.array(_colour(rng))
    waves = 1 + 0.15 * np.sin(t[..., None] * rng.uniform(3, 20))
    rgb = (a * (1 - t[..., None]) + b * t[..., None]) * waves
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))


def shapes(
    rng: np.random.Generator, w: int, h: int, base: Image.Image | None = None
) -> Image.Image:
    image = base or Image.new("RGB", (w, h), _colour(rng))
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(3, 15))):
        x0, x1 = sorted(rng.integers(-w // 4, w + w // 4, 2).tolist())
        y0, y1 = sorted(rng.integers(-h // 4, h + h // 4, 2).tolist())
        shape = rng.integers(3)
        if shape == 0:
            draw.rectangle((x0, y0, x1, y1), fill=_colour(rng))
        elif shape == 1:
            draw.ellipse((x0, y0, x1, y1), fill=_colour(rng))
        else:
            points = [(int(rng.integers(w)), int(rng.integers(h))) for _ in range(5)]
            draw.polygon(points, fill=_colour(rng))
    return image


def _text(rng: np.random.Generator, w: int, h: int) -> Image.Image:
    image = Image.new("RGB", (w, h), _colour(rng))
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(2, 8))):
        size = int(rng.integers(max(6, h // 30), max(8, h // 4)))
        font = ImageFont.load_default(size=size)
        xy = (int(rng.integers(-w // 8, w)), int(rng.integers(-h // 8, h)))
        draw.text(xy, str(rng.choice(WORDS)), fill=_colour(rng), font=font)
    return image


def _noise(rng: np.random.Generator, w: int, h: int) -> Image.Image:
    scale = int(rng.choice([1, 4, 16, 64]))
    small = rng.integers(0, 256, (max(1, h // scale), max(1, w // scale), 3), dtype=np.uint8)
    image = Image.fromarray(small).resize((w, h), Image.Resampling.BICUBIC)
    radius = rng.uniform(0, 2)
    return image if w * h > 2_000_000 else image.filter(ImageFilter.GaussianBlur(radius))


def _image(kind: str, rng: np.random.Generator, w: int, h: int) -> Image.Image:
    if kind == "gradient":
        return _gradient(rng, w, h)
    if kind == "shapes":
        return shapes(rng, w, h)
    if kind == "text":
        return _text(rng, w, h)
    if kind == "noise":
        return _noise(rng, w, h)
    return shapes(rng, w, h, base=Image.blend(_gradient(rng, w, h), _noise(rng, w, h), 0.4))


def generate_images(folder: Path, count: int = 120) -> list[Path]:
    """`count` seeded benign images: five kinds, many sizes, PNG and JPEG, colour and grey."""
    rng = np.random.default_rng(SEED)
    paths = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        w, h = LARGE.get(i) or SIZES[int(rng.integers(len(SIZES)))]
        image = _image(kind, rng, w, h)
        if rng.random() < 0.15:
            image = image.convert("L")
        if i % 2 == 0:
            path = folder / f"{i:03d}-{kind}-{w}x{h}.png"
            image.save(path, compress_level=1)  # fast; the pixels are what matter
        else:
            path = folder / f"{i:03d}-{kind}-{w}x{h}.jpg"
            image.save(path, quality=int(rng.integers(60, 96)))
        paths.append(path)
    return paths
