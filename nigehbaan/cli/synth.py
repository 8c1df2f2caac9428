"""`nigehbaan synth`: reproducible synthetic scenarios for tests, demos and benchmarks."""

from __future__ import annotations

from pathlib import Path

import typer

from nigehbaan.cli.common import handles_errors
from nigehbaan.synth import scenario


@handles_errors
def synth(out: Path, seed: int = typer.Option(1, "--seed", help="Same seed, same bytes.")) -> None:
    """Write a synthetic scenario (cases, persons, international numbers) into OUT."""
    path = scenario.write(out, seed)
    typer.echo(f"wrote {path}")
