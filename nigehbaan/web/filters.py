"""Template helpers shared by every console page."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from jinja2 import Environment

from nigehbaan.cases.channels import CHANNEL_LABELS, Channel
from nigehbaan.core.countries import country_name

TEMPLATES = Path(__file__).resolve().parent / "templates"


def when(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def words(code: str) -> str:
    return code.replace("_", " ")


def channel_label(code: str) -> str:
    try:
        return CHANNEL_LABELS[Channel(code)]
    except ValueError:
        return words(code)


def register(env: Environment) -> None:
    env.filters["when"] = when
    env.filters["words"] = words
    env.filters["channel"] = channel_label
    env.filters["country"] = country_name
