"""The application factory: one app per `Settings`, nothing built at import time."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.base import RequestResponseEndpoint

from nigehbaan import __version__
from nigehbaan.cases import api as cases_api
from nigehbaan.cases import console as cases_console
from nigehbaan.chats import api as chats_api
from nigehbaan.chats import console as chats_console
from nigehbaan.core import api as core_api
from nigehbaan.core import console as core_console
from nigehbaan.core.credentials import configure_password_hashing
from nigehbaan.core.db import make_engine, make_session_factory
from nigehbaan.core.settings import Settings
from nigehbaan.evidence import api as evidence_api
from nigehbaan.evidence import console as evidence_console
from nigehbaan.intake import api as intake_api
from nigehbaan.intake import console as intake_console
from nigehbaan.matching import api as matching_api
from nigehbaan.matching import console as matching_console
from nigehbaan.referrals import api as referrals_api
from nigehbaan.referrals import console as referrals_console
from nigehbaan.stats import api as stats_api
from nigehbaan.stats import console as stats_console
from nigehbaan.web import assets, errors, filters

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(filters.TEMPLATES))
    filters.register(templates.env)
    return templates


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(title="Nigehbaan", version=__version__, docs_url="/api/docs",
                  openapi_url="/api/v1/openapi.json", redoc_url=None)
    configure_password_hashing(settings.password_time_cost, settings.password_memory_kib)
    engine = make_engine(settings.effective_database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.templates = _templates()
    errors.install(app)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = errors.nul_in_address(request) or await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            if name == "Cache-Control" and request.url.path.startswith("/static/"):
                continue
            response.headers.setdefault(name, value)
        return response

    @app.get("/api/v1/health", tags=["core"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    for api, console in ((core_api, core_console), (cases_api, cases_console),
                         (chats_api, chats_console), (evidence_api, evidence_console),
                         (intake_api, intake_console), (matching_api, matching_console),
                         (referrals_api, referrals_console), (stats_api, stats_console)):
        app.include_router(api.router, prefix="/api/v1", responses=errors.ERROR_RESPONSES)
        app.include_router(console.router)
    app.include_router(assets.router)
    app.mount("/static", StaticFiles(packages=[("nigehbaan.web", "static")]), name="static")
    return app
