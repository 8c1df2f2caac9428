"""Pages in the reader's language: one Jinja environment per language, built once.

An environment per language (not translations installed per request) because installing
gettext callables on a shared environment is not thread-safe, and requests run in threads.
Autoescaping is on for every template: what a reporter or an officer typed is always text.
Every page carries the quick-exit link, so its address (`PortalConfig.exit_url`) is a required
argument of `render`: a page cannot be drawn without the way out.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from nigehbaan.intake.i18n import Language, languages
from nigehbaan.intake.receipts import grouped

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "portal"


def spoken(receipt: str) -> str:
    """The receipt for screen readers: digit by digit, a pause between groups."""
    return ", ".join(" ".join(group) for group in grouped(receipt).split(" "))


@cache
def environment(code: str) -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                      undefined=StrictUndefined, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(languages()[code].translations, newstyle=True)  # type: ignore[attr-defined]
    env.filters["grouped"] = grouped
    env.filters["spoken"] = spoken
    return env


def render(language: Language, template: str, status: int = 200, *, exit_url: str,
           **context: Any) -> HTMLResponse:
    others = [other for other in languages().values() if other.code != language.code]
    html = environment(language.code).get_template(template).render(
        lang=language, others=others, exit_url=exit_url, **context)
    return HTMLResponse(html, status_code=status)


def render_bytes(language: Language, template: str, *, exit_url: str, **context: Any) -> bytes:
    return bytes(render(language, template, exit_url=exit_url, **context).body)
