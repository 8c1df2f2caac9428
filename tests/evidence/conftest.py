"""Generated media shared by the evidence tests: written once per run, never real content."""

from __future__ import annotations

from pathlib import Path

import pytest

from nigehbaan.synth.media import Manifest, write_corrupt_image, write_corrupt_video, write_media

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    folder = tmp_path_factory.mktemp("media")
    return folder, write_media(folder, seed=11, images=10, videos=3)


@pytest.fixture(scope="session")
def corrupt(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("corrupt")
    return {"image": write_corrupt_image(folder / "cut.jpg", seed=3),
            "video": write_corrupt_video(folder / "cut.mp4", seed=3)}


def first(manifest: Manifest, kind: str, *, variant: bool = False) -> str:
    return next(f.path for f in manifest.files
                if f.kind == kind and (f.variant_of is not None) == variant)
