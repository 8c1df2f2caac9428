"""`nigehbaan synth`: reproducible synthetic scenarios for tests, demos and benchmarks."""

from __future__ import annotations

from pathlib import Path

import typer

from nigehbaan.cli.common import fail, handles_errors
from nigehbaan.synth import scenario
from nigehbaan.synth.chat_plan import PlanError
from nigehbaan.synth.chats import write_chat_groups


@handles_errors
def synth(out: Path, seed: int = typer.Option(1, "--seed", help="Same seed, same bytes."),
          members: int = typer.Option(60, "--members", min=1, help="Members per chat group."),
          messages: int = typer.Option(2000, "--messages", min=10,
                                       help="Messages per chat group.")) -> None:
    """Write a synthetic scenario into OUT: cases and persons with international numbers, and
    chat-group exports in every supported layout with their ground truth."""
    path = scenario.write(out, seed)
    try:
        manifest = write_chat_groups(out / "chats", seed, members=members, messages=messages)
    except PlanError as error:
        fail(str(error))
    typer.echo(f"wrote {path} and {len(manifest.files)} chat files under {out / 'chats'}")
