"""The portal application: a separate process from the console, with its own factory.

It touches the intake tables, creates cases through `cases.register.open_case` (which also
writes `cases`, `case_counters`, the audit log and its chain head) and reads a report's case
status; nothing else. tests/intake/test_portal_privacy.py checks that list against the SQL
the portal actually runs. No cookie is ever set; the client's address is removed from each
request before any code sees it; the server's own access log is off (`nigehbaan portal`).
"""

from __future__ import annotations

import logging
import traceback

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from nigehbaan import __version__
from nigehbaan.core.credentials import configure_password_hashing
from nigehbaan.core.db import make_engine, make_session_factory
from nigehbaan.core.settings import Settings
from nigehbaan.intake import keys
from nigehbaan.intake.config import PortalConfig
from nigehbaan.intake.i18n import languages
from nigehbaan.intake.portal import routes
from nigehbaan.intake.portal.guards import PortalGuard, Scope, TooLarge
from nigehbaan.intake.portal.rendering import render, render_bytes
from nigehbaan.intake.ratelimit import PortalLimits

log = logging.getLogger("nigehbaan.portal")
ALLOWED_TABLES = frozenset({
    "portal_reports", "portal_messages", "portal_contacts", "portal_hashes",
    "cases", "case_counters", "case_offences", "case_assignments", "persons", "identifiers",
    "statutes", "audit_events", "chain_heads",
})
"""What the portal may touch: its own tables, and what opening a case writes or reads."""


def _language_of(path: str) -> str:
    code = path.strip("/").split("/", 1)[0]
    return code if code in languages() else next(iter(languages()))


def _too_large(exit_url: str) -> TooLarge:
    def answer(scope: Scope) -> tuple[int, bytes]:
        language = languages()[_language_of(scope.get("path", "/"))]
        return 413, render_bytes(language, "error.html", exit_url=exit_url, kind="too_large")
    return answer


def create_portal_app(settings: Settings, config: PortalConfig | None = None) -> FastAPI:
    config = config or PortalConfig()
    exit_url = config.exit_url
    app = FastAPI(title="Nigehbaan portal", version=__version__, docs_url=None,
                  redoc_url=None, openapi_url=None)
    configure_password_hashing(settings.password_time_cost, settings.password_memory_kib)
    engine = make_engine(settings.effective_database_url)
    app.state.settings = settings
    app.state.config = config
    app.state.unit = config.unit_for(settings)
    app.state.key = keys.load_or_create(config.key_path(settings))
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.limits = PortalLimits(config.submissions_per_minute,
                                    config.receipt_attempts_per_minute,
                                    config.receipt_failures_per_code)
    languages()

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        language = languages()[_language_of(request.url.path)]
        kind = "not_found" if error.status_code in (404, 405) else "broken"
        return render(language, "error.html", status=error.status_code,
                      exit_url=exit_url, kind=kind)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        # The type and the frames only: an exception's message can quote what the reporter
        # typed (SQL parameters, for one), and the log must not hold a report's words.
        frames = "".join(traceback.format_tb(error.__traceback__))
        log.error("unhandled %s in the portal\n%s", type(error).__name__, frames)
        language = languages()[_language_of(request.url.path)]
        return render(language, "error.html", status=500, exit_url=exit_url,
                      kind="broken")

    @app.get("/health")
    def health() -> JSONResponse:
        return JSONResponse({"status": "ok", "version": __version__})

    @app.get("/favicon.ico")
    def favicon() -> Response:
        """Browsers ask for it unprompted; 'nothing here' beats a 404 page each time."""
        return Response(status_code=204)

    app.include_router(routes.router)
    app.mount("/static", StaticFiles(packages=[("nigehbaan.intake", "static")]), name="static")
    app.add_middleware(PortalGuard, max_body=config.max_body_kib * 1024,
                       too_large=_too_large(exit_url))
    return app
