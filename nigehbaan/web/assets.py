"""Browser assets served from installed packages: plotly's own `plotly.min.js` (no CDN, no
copy in this repository) and the small scripts and styles of the capabilities listed here.

Why a route and not `StaticFiles`: each capability keeps its assets beside its code
(`nigehbaan/<capability>/static/`), and a fixed table means nothing else can be fetched.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import Response

from nigehbaan.core.errors import NotFound

router = APIRouter(include_in_schema=False)
CACHE = {"Cache-Control": "public, max-age=86400"}
PLOTLY = ("plotly", "package_data/plotly.min.js")
CAPABILITY_ASSETS: dict[str, frozenset[str]] = {
    "chats": frozenset({"chats.js", "chats.css"}),
    "referrals": frozenset({"hits.js"}),
    "stats": frozenset({"charts.js", "stats.css"}),
}


def _media_type(name: str) -> str:
    return "text/css" if name.endswith(".css") else "text/javascript"


@router.get("/assets/plotly.min.js")
def plotly_js() -> Response:
    package, path = PLOTLY
    return Response(files(package).joinpath(path).read_bytes(),
                    media_type="text/javascript", headers=CACHE)


@router.get("/assets/{capability}/{name}")
def capability_asset(capability: str, name: str) -> Response:
    if name not in CAPABILITY_ASSETS.get(capability, frozenset()):
        raise NotFound(f"no asset {capability}/{name}")
    body = files(f"nigehbaan.{capability}").joinpath("static", name).read_bytes()
    return Response(body, media_type=_media_type(name), headers=CACHE)
