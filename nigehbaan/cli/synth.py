"""`nigehbaan synth`: reproducible synthetic scenarios for tests, demos and benchmarks."""

from __future__ import annotations

from pathlib import Path

import typer

from nigehbaan.cli.common import fail, handles_errors
from nigehbaan.synth import scenario
from nigehbaan.synth.chat_plan import PlanError
from nigehbaan.synth.chats import write_chat_groups
from nigehbaan.synth.media import write_media


@handles_errors
def synth(out: Path, seed: int = typer.Option(1, "--seed", help="Same seed, same bytes."),
          members: int = typer.Option(60, "--members", min=1, help="Members per chat group."),
          messages: int = typer.Option(2000, "--messages", min=10,
                                       help="Messages per chat group."),
          images: int = typer.Option(20, "--images", min=0, help="Generated benign images."),
          videos: int = typer.Option(3, "--videos", min=0, help="Generated benign videos.")
          ) -> None:
    """Write a synthetic scenario into OUT: cases and persons with international numbers,
    chat-group exports in every supported layout with their ground truth, and benign generated
    media with near-duplicates (resized, recompressed, cropped, re-encoded) and a manifest."""
    path = scenario.write(out, seed)
    media = write_media(out / "media", seed, images=images, videos=videos)
    try:
        manifest = write_chat_groups(out / "chats", seed, members=members, messages=messages)
    except PlanError as error:
        fail(str(error))
    typer.echo(f"wrote {path}, {len(manifest.files)} chat files under {out / 'chats'} and "
               f"{len(media.files)} media files under {out / 'media'}")
