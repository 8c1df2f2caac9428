"""The human-readable half of a package: one self-contained HTML page (it travels by itself,
so its styles are inside it and it links to nothing)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from nigehbaan.referrals.sections import Section

_env = Environment(loader=PackageLoader("nigehbaan.web", "templates"),
                   autoescape=select_autoescape(["html"]))


def render(about: dict[str, Any], sections: list[Section], *, media: bool) -> str:
    return _env.get_template("referrals/package_summary.html").render(
        about=about, sections=sections, media=media)
