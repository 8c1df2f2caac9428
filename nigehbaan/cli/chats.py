"""`nigehbaan chat …`: import chat exports into a case and read the triaged members."""

from __future__ import annotations

from pathlib import Path

import typer

from nigehbaan.chats import importer, queries
from nigehbaan.chats.views import ImportView, MemberView
from nigehbaan.cli.common import AsUser, Json, acting, database, emit, handles_errors, settings
from nigehbaan.core.errors import Invalid

app = typer.Typer(help="Import WhatsApp and Telegram exports; triage group members.",
                  no_args_is_help=True)


@app.command("import")
@handles_errors
def import_(export: Path, case: str = typer.Option(..., "--case", help="Case reference."),
            date_order: str = typer.Option("", "--date-order",
                                           help="dmy or mdy, when the export cannot tell."),
            owner: str = typer.Option("", "--owner",
                                      help="The name the phone's owner has on their messages."),
            owner_phone: str = typer.Option("", "--owner-phone",
                                            help="The seized phone's own number, if known."),
            as_user: str = AsUser, as_json: bool = Json) -> None:
    """Parse a WhatsApp (.txt/.zip) or Telegram (result.json) export into CASE; the format is
    detected. Importing the same file again changes nothing."""
    if date_order not in ("", "dmy", "mdy"):
        raise Invalid(f"--date-order: '{date_order}' is not dmy or mdy")
    config = settings()
    with database(config) as session:
        outcome = importer.import_export(
            session, acting(session, as_user), case, export,
            date_order=date_order or None, owner=owner or None,  # type: ignore[arg-type]
            owner_phone=owner_phone or None, default_region=config.default_region)
        view = ImportView(created=outcome.created,
                          group=queries.group_view(outcome.group, case.upper()))
    emit(view, as_json, lambda: _imported(view))


def _imported(view: ImportView) -> str:
    report = view.group.report
    if not view.created:
        return f"already imported as chat group {view.group.id}: nothing changed"
    lines = [f"imported chat group {view.group.id} ({view.group.format}) "
             f"'{view.group.title}': {report['messages']} messages, {report['events']} events, "
             f"{report['members']} members, {report['unparsed_lines']} continuation lines"]
    lines += [f"  warning: {w}" for w in report.get("warnings", [])[:20]]
    return "\n".join(lines)


@app.command("members")
@handles_errors
def members(case: str = typer.Option(..., "--case", help="Case reference."),
            group: int = typer.Option(0, "--group", help="One chat group (default: all)."),
            triage: str = typer.Option("", "--triage", help="Only this triage category."),
            country: str = typer.Option("", "--country", help="Only this country (ISO)."),
            as_user: str = AsUser, as_json: bool = Json) -> None:
    """Members with country, indicators and triage advice (JSON: one object per member)."""
    with database(settings()) as session:
        rows = queries.members(session, acting(session, as_user), case, group or None,
                               triage=triage, country=country)
    emit(rows, as_json, lambda: _table(rows))


def _table(rows: list[MemberView]) -> str:
    if not rows:
        return "no chat members"
    lines = [f"{'id':>6}  {'triage':<16} {'cc':<2} {'msgs':>6} {'media':>5} {'added':>5}  "
             f"{'name':<28} indicators"]
    for m in rows:
        codes = ",".join(sorted({i.code for i in m.indicators}))
        name = (m.display_names[0] if m.display_names else m.key)[:28]
        lines.append(f"{m.member_id:>6}  {m.triage:<16} {m.country:<2} {m.messages:>6} "
                     f"{m.media:>5} {m.added_count:>5}  {name:<28} {codes}")
    return "\n".join(lines)
