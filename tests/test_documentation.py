"""Every setting and every command a user can reach is documented in the README."""

from __future__ import annotations

from pathlib import Path

import typer.main

from nigehbaan.cli.main import app
from nigehbaan.core.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def _commands(group: typer.Typer) -> list[str]:
    click_group = typer.main.get_command(group)
    names: list[str] = []
    for name, command in click_group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        if subcommands:
            names += [f"{name} {sub}" for sub in subcommands]
        else:
            names.append(name)
    return names


def test_every_setting_is_documented() -> None:
    missing = [name for name in Settings.model_fields
               if f"NIGEHBAAN_{name.upper()}" not in README]
    assert missing == []


def test_every_command_is_documented() -> None:
    commands = _commands(app)
    assert "case move" in commands and "audit verify" in commands
    missing = [name for name in commands if f"nigehbaan {name}" not in README
               and not any(f"{name.split()[0]} {sub}" in README for sub in name.split()[1:])]
    assert missing == []
