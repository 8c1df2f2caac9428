"""`nigehbaan chat …`: import chat exports into a case and read the triaged members."""

from __future__ import annotations

from pathlib import Path

import typer

from nigehbaan.chats import queries, vaulting
from nigehbaan.chats.views import DecisionIn, ImportView, MemberView
from nigehbaan.cli.common import AsUser, Json, acting, database, emit, handles_errors, settings
from nigehbaan.core.db import make_engine, make_session_factory
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
            media: bool = typer.Option(True, "--media/--no-media",
                                       help="Ingest the attached media into the case's vault "
                                            "(and match them); --no-media for a quick look."),
            as_user: str = AsUser, as_json: bool = Json) -> None:
    """Parse a WhatsApp (.txt/.zip) or Telegram (result.json) export into CASE; the format is
    detected. The attached media are ingested into the case's evidence vault, matched against
    the hash lists and linked to their messages. Importing the same file again changes nothing
    (and finishes the media of an interrupted run)."""
    if date_order not in ("", "dmy", "mdy"):
        raise Invalid(f"--date-order: '{date_order}' is not dmy or mdy")
    config = settings()
    with database(config) as session:
        actor = acting(session, as_user)
    engine = make_engine(config.effective_database_url)
    try:
        factory = make_session_factory(engine)
        done = vaulting.import_chat(
            factory, actor, case, export, config, media=media,
            date_order=date_order or None, owner=owner or None,  # type: ignore[arg-type]
            owner_phone=owner_phone or None)
        view = vaulting.import_view(factory, actor, case, done)
    finally:
        engine.dispose()
    emit(view, as_json, lambda: _imported(view))


def _imported(view: ImportView) -> str:
    report = view.group.report
    if not view.created:
        lines = [f"already imported as chat group {view.group.id}: nothing changed"]
    else:
        lines = [f"imported chat group {view.group.id} ({view.group.format}) "
                 f"'{view.group.title}': {report['messages']} messages, {report['events']} "
                 f"events, {report['members']} members, {report['unparsed_lines']} "
                 "continuation lines"]
        lines += [f"  warning: {w}" for w in report.get("warnings", [])[:20]]
    media = view.media
    if media is not None and not media.requested:
        lines.append("  media: not ingested (--no-media)")
    elif media is not None and (media.attached or view.created):
        if media.newly_linked and not view.created:
            lines[0] = f"already imported as chat group {view.group.id}: media linked now"
        lines.append(f"  media: {media.attached} attached, {media.linked} in the vault "
                     f"({media.newly_linked} linked now, {media.ingested_files} files "
                     f"ingested), {media.matched} matching known lists")
        lines += [f"  refused {path}: {why}" for path, why in media.refused[:20]]
    return "\n".join(lines)


@app.command("members")
@handles_errors
def members(case: str = typer.Option(..., "--case", help="Case reference."),
            group: int = typer.Option(0, "--group", help="One chat group (default: all)."),
            triage: str = typer.Option("", "--triage", help="Only this triage category."),
            country: str = typer.Option("", "--country", help="Only this country (ISO)."),
            indicator: str = typer.Option("", "--indicator",
                                          help="Only members with this indicator code."),
            as_user: str = AsUser, as_json: bool = Json) -> None:
    """Members with country, indicators and triage advice (JSON: one object per member)."""
    with database(settings()) as session:
        rows = queries.members(session, acting(session, as_user), case, group or None,
                               triage=triage, country=country, indicator=indicator)
    emit(rows, as_json, lambda: _table(rows))


@app.command("decide")
@handles_errors
def decide(case: str = typer.Option(..., "--case", help="Case reference."),
           group: int = typer.Option(..., "--group", help="Chat group id."),
           member: int = typer.Option(..., "--member", help="Member id (from `chat members`)."),
           category: str = typer.Option(..., "--category", help="priority_suspect, "
                                        "possible_victim, passive or undetermined."),
           reason: str = typer.Option(..., "--reason", help="Why (kept with the decision)."),
           as_user: str = AsUser, as_json: bool = Json) -> None:
    """Record an analyst's category for a member, with the reason, beside the tool's advice
    (audited; the latest decision is the one shown)."""
    decision = DecisionIn.model_validate({"category": category, "reason": reason})
    with database(settings()) as session:
        row = queries.decide(session, acting(session, as_user), case, group, member, decision)
        done = {"member_id": row.member_id, "category": row.category, "reason": row.reason,
                "advice": row.advice, "decided_by": row.decided_by}
    emit(done, as_json, lambda: f"member {done['member_id']}: {done['category']} (advice was "
                                f"{done['advice']}), recorded for {done['decided_by']}")


def _table(rows: list[MemberView]) -> str:
    if not rows:
        return "no chat members"
    lines = [f"{'id':>6}  {'triage':<16} {'cc':<2} {'msgs':>6} {'media':>5} {'known':>5} "
             f"{'added':>5}  {'name':<28} indicators"]
    for m in rows:
        codes = ",".join(sorted({i.code for i in m.indicators}))
        name = (m.display_names[0] if m.display_names else m.key)[:28]
        lines.append(f"{m.member_id:>6}  {m.triage:<16} {m.country:<2} {m.messages:>6} "
                     f"{m.media:>5} {m.known_matches:>5} {m.added_count:>5}  {name:<28} {codes}")
    return "\n".join(lines)
