"""Synthetic groups for the chat import, triage and network tests, written once per session.

The media folder holds many small distinct images (generated noise, benign), so that each
planted content key lands on its own file and re-shared content has the same bytes.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from PIL import Image

from nigehbaan.synth.chats import write_chat_groups

SEED = 7
FSI, PDI = "\u2068", "\u2069"
"""The isolate marks newer WhatsApp exports put around a name in a mention."""
RANK = {"priority_suspect": 3, "possible_victim": 2, "undetermined": 1, "passive": 0}


def write(folder: Path, name: str, lines: list[str]) -> Path:
    """An export named `name` in `folder` holding `lines`, each ended by a line break."""
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def media_folder(folder: Path, count: int = 150) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(5)
    for index in range(count):
        image = Image.new("RGB", (16, 16), tuple(rng.randrange(256) for _ in range(3)))
        image.putpixel((index % 16, index // 16 % 16), (index % 256, 0, 0))
        image.save(folder / f"m{index:04d}.png")
    return folder


def write_groups(out: Path, with_media: bool) -> dict[str, Any]:
    media = media_folder(out / "media") if with_media else None
    manifest = write_chat_groups(out / "chats", SEED, media_dir=media)
    return manifest.to_json()


def export_path(root: Path, manifest: dict[str, Any], layout: str, kind: str) -> Path:
    chosen = [f for f in manifest["files"] if f["layout"] == layout and f["kind"] == kind]
    return root / "chats" / str(chosen[0]["path"])


def truth(root: Path, layout: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / "chats" / layout / "ground_truth.json")
                                      .read_text("utf-8"))
    return data
