"""The portal's pages. Every form posts to the URL it was shown on, and the answer is rendered
in place (no redirect), so a report leaves no trace in the browser's history beyond the page's
own address, and the language lives in the path (`/ur/...`, `/en/...`), not in a cookie."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from nigehbaan.core.db import transaction
from nigehbaan.intake import additions, conversation, reports, tokens
from nigehbaan.intake.forms import (
    AGE_BANDS,
    ROLES,
    SPREADING,
    read_hashes,
    read_message,
    read_report,
)
from nigehbaan.intake.i18n import Language, languages
from nigehbaan.intake.models import PortalReport
from nigehbaan.intake.portal.rendering import render
from nigehbaan.intake.portal.state import Portal, portal
from nigehbaan.intake.receipts import first_match, lookup_key, normalise
from nigehbaan.intake.status import reporter_view
from nigehbaan.intake.words import N_

router = APIRouter()
GUIDES = ("added-to-a-group", "leave-and-report", "keep-evidence", "get-help")
CHOOSER_WORDS = (N_("Report safely"), N_("Nigehbaan · report safely"),
                 N_("Continue in this language"), N_("Leave this site quickly"),
                 N_("Or press the Esc key twice."))
"""Shown on the first screen in every language at once (see choose.html)."""
REPORT_FIELDS = ("description", "platform", "groups", "people", "contact", "reporter_role",
                 "age_band", "spreading_now")


def _language(code: str) -> Language:
    found = languages().get(code)
    if found is None:
        raise HTTPException(404)
    return found


async def _form(request: Request) -> dict[str, str]:
    form = await request.form(max_files=0, max_fields=40)
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _page(p: Portal, language: Language, template: str, status: int = 200,
          **context: Any) -> Response:
    """A page with this deployment's quick-exit address (see `PortalConfig.exit_url`)."""
    return render(language, template, status, exit_url=p.exit_url, **context)


@router.get("/")
def choose(request: Request) -> Response:
    first = next(iter(languages().values()))
    return _page(portal(request), first, "choose.html", languages=list(languages().values()))


@router.get("/{code}")
@router.get("/{code}/")
def home(request: Request, code: str) -> Response:
    return _page(portal(request), _language(code), "home.html", guides=GUIDES)


@router.get("/{code}/help/{guide}")
def guide(request: Request, code: str, guide: str) -> Response:
    language, p = _language(code), portal(request)
    if guide not in GUIDES:
        return _page(p, language, "error.html", 404, kind="not_found")
    return _page(p, language, f"guide-{guide}.html", guides=GUIDES)


def _report_form(p: Portal, language: Language, status: int = 200,
                 values: dict[str, str] | None = None, problems: dict[str, str] | None = None,
                 notice: str = "") -> Response:
    return _page(p, language, "report.html", status, values=values or {},
                  problems=problems or {}, notice=notice, roles=ROLES, age_bands=AGE_BANDS,
                  spreading=SPREADING, token=tokens.issue_form(p.key, "report"))


@router.get("/{code}/report")
def report_page(request: Request, code: str) -> Response:
    return _report_form(portal(request), _language(code))


def _receipt_page(p: Portal, language: Language, receipt: str, status: int = 200,
                  unconfirmed: bool = False) -> Response:
    return _page(p, language, "receipt.html", status, receipt=receipt, unconfirmed=unconfirmed)


@router.post("/{code}/report")
async def report_send(request: Request, code: str) -> Response:
    language, p = _language(code), portal(request)
    form = await _form(request)
    # Argon2id and the database are blocking work: off the event loop, or every reporter waits.
    return await run_in_threadpool(_report_send, p, language, form)


def _report_send(p: Portal, language: Language, form: dict[str, str]) -> Response:
    if form.get("step") == "confirm":
        receipt = normalise(form.get("receipt", ""))
        if receipt is None:
            return _page(p, language, "error.html", 400, kind="broken")
        if form.get("saved") != "yes":
            return _receipt_page(p, language, receipt, 422, unconfirmed=True)
        return _page(p, language, "saved.html")
    values = {name: form.get(name, "") for name in REPORT_FIELDS}
    check = tokens.check_form(p.key, "report", form.get("token", ""))
    if check.nonce is None:
        return _report_form(p, language, 400, values, notice=f"form_{check.problem}")
    draft, problems = read_report(form)
    if problems:
        if draft.hashes:  # valid fingerprints are kept, so the files need not be picked again
            values["hashes"] = form.get("hashes", "")
        return _report_form(p, language, 422, values, {x.field: x.message for x in problems})
    if not p.limits.submissions.take():
        return _report_form(p, language, 429, values, notice="busy")
    prepared = reports.prepare_receipt(p.key)
    try:
        with transaction(p.factory) as session:
            submitted = reports.submit(session, p.settings, p.unit, p.key, draft,
                                       nonce=check.nonce, language=language.code,
                                       prepared=prepared)
            receipt = submitted.receipt
    except (reports.Replayed, IntegrityError):
        return _page(p, language, "error.html", 409, kind="replayed")
    return _receipt_page(p, language, receipt)


@router.get("/{code}/return")
def return_page(request: Request, code: str) -> Response:
    return _page(portal(request), _language(code), "return.html", problem="")


def _status_page(p: Portal, language: Language, report: PortalReport, status: int = 200,
                 **extra: Any) -> Response:
    context: dict[str, Any] = {"problems": {}, "sent": "", "values": {}, "notice": "",
                               "added": None}
    context.update(extra)
    return _page(p, language, "status.html", status, view=reporter_view(report),
                  access=tokens.issue_access(p.key, report.id),
                  token=tokens.issue_form(p.key, "message"), **context)


def _open(p: Portal, language: Language, typed: str) -> Response:
    receipt = normalise(typed)
    if not p.limits.attempts.take():
        return _page(p, language, "return.html", 429, problem="busy")
    if receipt is None:
        return _page(p, language, "return.html", 422, problem="malformed")
    lookup = lookup_key(p.key, receipt)
    if p.limits.per_code.locked(lookup):
        return _page(p, language, "return.html", 429, problem="locked")
    with transaction(p.factory) as session:
        rows = reports.candidates(session, p.key, receipt)
    found = first_match(receipt, rows)  # Argon2id outside the transaction: no lock held
    if found is None:
        p.limits.per_code.fail(lookup)
        return _page(p, language, "return.html", 404, problem="unknown")
    with transaction(p.factory) as session:
        report = session.get(PortalReport, found)
        if report is None:
            return _page(p, language, "return.html", 404, problem="unknown")
        return _status_page(p, language, report)


Addition = Callable[[Session, PortalReport, tokens.FormCheck], Response]


def _as_visitor(p: Portal, language: Language, form: dict[str, str], act: Addition) -> Response:
    """What every addition on the status page starts with: the visit must still be live (the
    access token) and its report exist; `act` then runs in the one transaction, with the
    form token checked (replays are each addition's own business)."""
    report_id = tokens.check_access(p.key, form.get("access", ""))
    if report_id is None:
        return _page(p, language, "return.html", 401, problem="timed_out")
    with transaction(p.factory) as session:
        report = session.get(PortalReport, report_id)
        if report is None:
            return _page(p, language, "return.html", 401, problem="timed_out")
        return act(session, report, tokens.check_form(p.key, "message", form.get("token", "")))


def _post_message(p: Portal, language: Language, form: dict[str, str]) -> Response:
    kind = "information" if form.get("action") == "information" else "message"
    kept = {kind: form.get("body", "")}

    def act(session: Session, report: PortalReport, check: tokens.FormCheck) -> Response:
        if check.nonce is None:
            return _status_page(p, language, report, 400, notice=f"form_{check.problem}",
                                values=kept)
        body, problems = read_message(form)
        if problems:
            return _status_page(p, language, report, 422, values=kept,
                                problems={kind: problems[0].message})
        if not p.limits.submissions.take():
            return _status_page(p, language, report, 429, notice="busy", values=kept)
        try:
            with session.begin_nested():
                conversation.from_reporter(session, report, body, kind, nonce=check.nonce,
                                           unit=p.unit)
        except (reports.Replayed, IntegrityError):
            return _status_page(p, language, report, 409, notice="replayed")
        return _status_page(p, language, report, sent=kind)

    return _as_visitor(p, language, form, act)


def _post_hashes(p: Portal, language: Language, form: dict[str, str]) -> Response:
    """More fingerprints from the status page: only hashes arrive (the file input has no
    name, see hashreport.js), checked and rate-limited like any other addition. A replay
    needs no nonce: what the report already holds is skipped (`additions`)."""

    def act(session: Session, report: PortalReport, check: tokens.FormCheck) -> Response:
        if check.nonce is None:
            return _status_page(p, language, report, 400, notice=f"form_{check.problem}")
        entries, problems = read_hashes(form)
        if problems:
            return _status_page(p, language, report, 422,
                                problems={"hashes": problems[0].message})
        if not p.limits.submissions.take():
            # Valid fingerprints are kept in the page, so the files need not be picked again.
            return _status_page(p, language, report, 429, notice="busy",
                                values={"hashes": form.get("hashes", "")})
        added = additions.add_hashes(session, report, entries, unit=p.unit)
        return _status_page(p, language, report, added=added)

    return _as_visitor(p, language, form, act)


@router.post("/{code}/return")
async def return_send(request: Request, code: str) -> Response:
    language, p = _language(code), portal(request)
    form = await _form(request)
    if form.get("action") in ("message", "information"):
        return await run_in_threadpool(_post_message, p, language, form)
    if form.get("action") == "hashes":
        return await run_in_threadpool(_post_hashes, p, language, form)
    return await run_in_threadpool(_open, p, language, form.get("receipt", ""))
