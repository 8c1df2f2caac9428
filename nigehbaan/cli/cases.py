"""`nigehbaan case …`: the register from the command line."""

from __future__ import annotations

from datetime import datetime

import typer

from nigehbaan.cases import moves, queries, register
from nigehbaan.cases.lifecycle import Status
from nigehbaan.cases.schemas import ApprovalIn, CaseIn, MoveIn, PersonIn
from nigehbaan.cases.views import CaseDetail, CaseSummary
from nigehbaan.cli.common import AsUser, Json, acting, database, emit, handles_errors, settings
from nigehbaan.core.errors import Invalid

app = typer.Typer(help="Register, list, show and move cases.", no_args_is_help=True)


def _line(case: CaseSummary) -> str:
    late = "  OVERDUE" if case.overdue else ""
    return (f"{case.reference}  {case.status:<24} {case.channel:<22} "
            f"{case.received_at:%Y-%m-%d}  {case.title}{late}")


def _describe(case: CaseDetail) -> str:
    lines = [f"{case.reference}  {case.title}",
             f"  status {case.status} · channel {case.channel} · priority {case.priority}",
             f"  received {case.received_at:%Y-%m-%d %H:%M} UTC · first action due "
             f"{case.first_action_due:%Y-%m-%d %H:%M} UTC" + ("  OVERDUE" if case.overdue else ""),
             f"  offences: {', '.join(case.offences) or 'none'}",
             f"  team: {', '.join(case.team) or 'nobody'}",
             f"  allowed moves: {', '.join(case.allowed_moves) or 'none'}"]
    for person in case.persons:
        idents = ", ".join(f"{i.kind} {i.value}" for i in person.identifiers)
        lines.append(f"  person {person.id}: {person.role} {person.name or '(unnamed)'} {idents}")
    for link in case.links:
        lines.append(f"  linked: {link.reference} via {', '.join(link.shared)}")
    for move in case.moves:
        lines.append(f"  {move.at:%Y-%m-%d %H:%M} {move.actor}: {move.from_status} -> "
                     f"{move.to_status} ({move.reason})")
    return "\n".join(lines)


@app.command("open")
@handles_errors
def open_(title: str = typer.Option(..., "--title"), channel: str = typer.Option(..., "--channel"),
          summary: str = typer.Option("", "--summary"),
          offence: list[str] = typer.Option([], "--offence", help="Statute code; repeatable."),
          priority: str = typer.Option("normal", "--priority"),
          region: str = typer.Option("", "--region"),
          received_at: str = typer.Option("", "--received-at", help="ISO date/time, UTC."),
          referring_agency: str = typer.Option("", "--referring-agency"),
          referring_country: str = typer.Option("", "--referring-country"),
          referring_reference: str = typer.Option("", "--referring-reference"),
          as_user: str = AsUser, as_json: bool = Json) -> None:
    """Register a complaint."""
    config = settings()
    draft = CaseIn.model_validate({
        "title": title, "channel": channel, "summary": summary, "offences": offence,
        "priority": priority, "region": region, "received_at": _when(received_at),
        "referring_agency": referring_agency, "referring_country": referring_country,
        "referring_reference": referring_reference})
    with database(config) as session:
        actor = acting(session, as_user)
        case = register.open_case(session, actor, draft, config)
        detail = queries.case_detail(session, actor, case.reference, audit_read=False)
    emit(detail, as_json, lambda: f"registered {detail.reference}")


def _when(text: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(f"--received-at: '{text}' is not an ISO date or date-time") from None


@app.command("list")
@handles_errors
def list_(status: str = typer.Option("", "--status"), channel: str = typer.Option("", "--channel"),
          overdue: bool = typer.Option(False, "--overdue"),
          limit: int = typer.Option(200, "--limit"), as_user: str = AsUser,
          as_json: bool = Json) -> None:
    """The worklist, overdue cases first."""
    chosen = _status(status) if status else None
    with database(settings()) as session:
        rows = queries.list_cases(session, acting(session, as_user), status=chosen,
                                  channel=channel, overdue_only=overdue, limit=limit)
    emit(rows, as_json, lambda: "\n".join(_line(row) for row in rows) or "no cases")


def _status(text: str) -> Status:
    try:
        return Status(text)
    except ValueError:
        raise Invalid(f"unknown status '{text}' (allowed: "
                      f"{', '.join(s.value for s in Status)})") from None


@app.command("show")
@handles_errors
def show(reference: str, as_user: str = AsUser, as_json: bool = Json) -> None:
    """One case with its people, links and history."""
    with database(settings()) as session:
        detail = queries.case_detail(session, acting(session, as_user), reference)
    emit(detail, as_json, lambda: _describe(detail))


@app.command("move")
@handles_errors
def move(reference: str, to: str, reason: str = typer.Option(..., "--reason"),
         police_reference: str = typer.Option("", "--police-reference"),
         merged_into: str = typer.Option("", "--merged-into"), as_user: str = AsUser,
         as_json: bool = Json) -> None:
    """Change a case's status; only the lifecycle's moves are possible."""
    step = MoveIn(to=_status(to), reason=reason, police_reference=police_reference,
                  merged_into=merged_into)
    with database(settings()) as session:
        actor = acting(session, as_user)
        case = moves.move_case(session, actor, reference, step)
        detail = queries.case_detail(session, actor, case.reference, audit_read=False)
    emit(detail, as_json, lambda: f"{detail.reference} is now {detail.status}")


@app.command("approve")
@handles_errors
def approve(reference: str, reason: str = typer.Option(..., "--reason"),
            as_user: str = AsUser) -> None:
    """A supervisor's approval of a proactive-monitoring case for registration."""
    with database(settings()) as session:
        case = moves.approve_case(session, acting(session, as_user), reference,
                                  ApprovalIn(reason=reason))
    typer.echo(f"{case.reference} approved")


@app.command("assign")
@handles_errors
def assign(reference: str, username: str, as_user: str = AsUser) -> None:
    """Add a user to a case's team."""
    with database(settings()) as session:
        case = moves.assign(session, acting(session, as_user), reference, username)
    typer.echo(f"{username} is on the team of {case.reference}")


@app.command("person")
@handles_errors
def person(reference: str, role: str = typer.Option(..., "--role"),
           name: str = typer.Option("", "--name"), minor: bool = typer.Option(False, "--minor"),
           phone: list[str] = typer.Option([], "--phone"),
           email: list[str] = typer.Option([], "--email"),
           handle: list[str] = typer.Option([], "--handle", help="PLATFORM:HANDLE"),
           as_user: str = AsUser) -> None:
    """Record a person in a case with their identifiers."""
    config = settings()
    identifiers = ([{"kind": "phone", "value": v} for v in phone]
                   + [{"kind": "email", "value": v} for v in email]
                   + [_handle(v) for v in handle])
    draft = PersonIn.model_validate({"role": role, "full_name": name, "is_minor": minor,
                                     "identifiers": identifiers})
    with database(config) as session:
        added = register.add_person(session, acting(session, as_user), reference, draft, config)
        typer.echo(f"person {added.id} added to {reference.upper()}")


def _handle(text: str) -> dict[str, str]:
    platform, _, value = text.partition(":")
    if not value:
        raise Invalid(f"--handle: write PLATFORM:HANDLE, e.g. telegram:@name (got '{text}')")
    return {"kind": "handle", "value": value, "platform": platform}
