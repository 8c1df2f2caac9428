"""`nigehbaan hashlist …`, `nigehbaan match` and `nigehbaan matches …`: known-material matching."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO, cast

import typer

from nigehbaan.cli.common import (
    AsUser,
    Json,
    acting,
    database,
    emit,
    handles_errors,
    settings,
    whole_file,
)
from nigehbaan.core.errors import Invalid
from nigehbaan.matching import catalogue, engine, export, links, lists, notices, review
from nigehbaan.matching.api import run_options
from nigehbaan.matching.lists import ListOptions

hashlist_app = typer.Typer(help="Known-material hash lists.", no_args_is_help=True)
matches_app = typer.Typer(help="A case's matches, review queue and links.", no_args_is_help=True)
Case = typer.Option(..., "--case", help="Case reference.")


@hashlist_app.command("import")
@handles_errors
def import_list(file: Path, fmt: str = typer.Option(..., "--format",
                                                    help="vics, csv, hma or plain"),
                name: str = typer.Option(..., "--name"),
                version: str = typer.Option("", "--version", help="Label; default v<N>."),
                scheme: str = typer.Option("", "--scheme", help="The list's category scheme."),
                source: str = typer.Option("", "--source", help="Agency or exchange."),
                threshold: int | None = typer.Option(None, "--threshold",
                                                     help="PDQ distance (default 31)."),
                mapping: Path | None = typer.Option(None, "--mapping",
                                                    help="JSON: list category → unit's."),
                target_scheme: str = typer.Option("", "--unit-scheme"),
                as_user: str = AsUser, as_json: bool = Json) -> None:
    """Import FILE as the next version of list NAME (streamed, all or nothing)."""
    table = None
    if mapping is not None:
        try:
            table = {str(k): str(v) for k, v in json.loads(mapping.read_text("utf-8")).items()}
        except (OSError, ValueError, AttributeError) as error:
            raise Invalid(f"--mapping: not a JSON object of categories ({error})") from None
    with database(settings()) as session:
        report = lists.import_list(session, acting(session, as_user), file, ListOptions(
            name=name, format=fmt, version=version, scheme=scheme, source=source,
            threshold=threshold, mapping=table, target_scheme=target_scheme))
    emit(report.__dict__, as_json, lambda: (
        f"{report.hash_list} {report.version}: {report.read} read, {report.added} added, "
        f"{report.changed} changed, {report.withdrawn} withdrawn, {report.duplicates} "
        f"duplicate(s), {report.skipped} without a matchable hash; {report.entries} live "
        f"({report.seconds:.1f} s)"
        + (f"\n  {report.cases_behind} case(s) hold evidence not matched since this version: "
           "'nigehbaan match --all' (by each case's team) applies it" if report.cases_behind
           else "")
        + "".join(f"\n  repeated on lines {', '.join(map(str, lines))}"
                  for lines in report.duplicate_lines)))


@hashlist_app.command("list")
@handles_errors
def list_lists(as_user: str = AsUser, as_json: bool = Json) -> None:
    """The unit's lists with their versions."""
    with database(settings()) as session:
        found = catalogue.hash_lists(session, acting(session, as_user))
    emit(found, as_json, lambda: "\n".join(
        f"{h.name} ({h.kind}, {h.source or 'no source'}, scheme {h.scheme or 'none'}, PDQ ≤ "
        f"{h.pdq_threshold}): {h.entries} entries, versions "
        + ", ".join(f"{v.label} +{v.added}/~{v.changed}/-{v.withdrawn}" for v in h.versions)
        for h in found) or "no lists")


Format = typer.Option("csv", "--format", help="csv or vics")
Out = typer.Option(None, "--out", help="File (default stdout).")


def _exported(out: Path | None, write: Callable[[TextIO], int]) -> int:
    if out is None:
        return write(sys.stdout)
    with whole_file(out) as stream:
        return write(cast(TextIO, stream))


@hashlist_app.command("export-new")
@handles_errors
def export_new(fmt: str = Format, out: Path | None = Out,
               case: str = typer.Option("", "--case", help="One case (default all yours)."),
               as_user: str = AsUser) -> None:
    """Items reviewers categorised that no list holds, as a list to submit."""
    with database(settings()) as session:
        actor = acting(session, as_user)
        count = _exported(out, lambda stream: export.export_new_material(
            session, actor, fmt, stream, case))
    typer.echo(f"{count} new item(s) exported", err=True)


@hashlist_app.command("export-case")
@handles_errors
def export_case(case: str = Case, fmt: str = Format, out: Path | None = Out,
                as_user: str = AsUser) -> None:
    """Every item of a case with its reviewed category, for other tools to read."""
    with database(settings()) as session:
        actor = acting(session, as_user)
        count = _exported(out, lambda stream: export.export_case_media(
            session, actor, fmt, stream, case))
    typer.echo(f"{count} item(s) exported", err=True)


def _run_line(report: engine.RunReport) -> str:
    return (f"{report.case}: {report.items} items, {report.matched_items} matched "
            f"({', '.join(f'{k} {v}' for k, v in report.by_method.items()) or 'none'}), "
            f"{report.new_matches} new; {report.not_comparable} not comparable, "
            f"{report.unmatched} unmatched; {report.notifications} notification(s)")


@handles_errors
def match(case: str = typer.Option("", "--case", help="Case reference."),
          every: bool = typer.Option(False, "--all", help="Every case you may see that holds "
                                     "evidence, each on its own (after a new list version)."),
          dihedral: bool = typer.Option(
              False, "--dihedral", help="Also compare rotations and flips."),
          video_threshold: float = typer.Option(0.8, "--video-threshold"),
          as_user: str = AsUser, as_json: bool = Json) -> None:
    """Match a case's evidence (or every case's) against every list (exact, PDQ, video)."""
    if bool(case) == every:
        raise Invalid("say which: --case REF, or --all")
    config = settings()
    options = run_options(config, dihedral, video_threshold)
    with database(config) as session:
        actor = acting(session, as_user)
        references = [case] if case else engine.cases_with_evidence(session, actor)
    reports = []
    for reference in references:
        with database(config) as session:  # one unit of work per case: each keeps its result
            reports.append(engine.match_case(session, acting(session, as_user), reference,
                                             options))
    if case:
        emit(reports[0].__dict__, as_json, lambda: _run_line(reports[0]))
        return
    emit([r.__dict__ for r in reports], as_json, lambda: "\n".join(
        [_run_line(r) for r in reports] + [f"{len(reports)} case(s) matched, "
                                           f"{sum(r.new_matches for r in reports)} new match(es)"]))


@matches_app.command("list")
@handles_errors
def list_matches(case: str = Case, as_user: str = AsUser, as_json: bool = Json) -> None:
    """Matches with the list's suggested category and any confirmation."""
    with database(settings()) as session:
        found = review.case_matches(session, acting(session, as_user), case)
    emit(found, as_json, lambda: "\n".join(
        f"#{m.id} {m.sha256[:16]}… {m.list} {m.version} {m.method}"
        + (f" d={m.distance}" if m.distance is not None else "")
        + f" suggested {m.suggested or '-'}"
        + (f" confirmed {m.confirmed} by {m.confirmed_by}" if m.confirmed else "")
        for m in found) or "no matches")


@matches_app.command("confirm")
@handles_errors
def confirm(match_id: int, case: str = Case, category: str | None = typer.Option(
                None, "--category", help="Instead of the suggestion."),
            as_user: str = AsUser) -> None:
    """Accept a match's suggested category (or give another) for the case."""
    with database(settings()) as session:
        done = review.confirm(session, acting(session, as_user), case, match_id, category)
        typer.echo(f"match {match_id}: category {done.category} confirmed")


@matches_app.command("queue")
@handles_errors
def queue(case: str = Case, as_user: str = AsUser, as_json: bool = Json) -> None:
    """Unmatched items, most likely new material first."""
    with database(settings()) as session:
        found = review.review_queue(session, acting(session, as_user), case)
    emit(found, as_json, lambda: "\n".join(
        f"{q.score:>4.1f} {q.sha256[:16]}… {q.source}: {q.path}"
        + (f" ({'; '.join(q.reasons)})" if q.reasons else "") for q in found) or "empty")


@matches_app.command("shared")
@handles_errors
def shared(case: str = Case, as_user: str = AsUser, as_json: bool = Json) -> None:
    """Other cases holding the same or near-identical items."""
    with database(settings()) as session:
        found = links.shared_cases(session, acting(session, as_user), case)
    emit(found, as_json, lambda: "\n".join(
        f"{s.reference} {s.title}: " + ", ".join(f"{i.sha256[:12]}… ({i.how})"
                                                 for i in s.shared) for s in found) or "none")


@matches_app.command("notices")
@handles_errors
def notices_command(case: str = typer.Option("", "--case"), as_user: str = AsUser,
                    as_json: bool = Json) -> None:
    """Notifications: victims' reported material found in seized evidence."""
    with database(settings()) as session:
        found = notices.notifications(session, acting(session, as_user), case)
    emit(found, as_json, lambda: "\n".join(
        f"#{n.id} {n.case} {'read' if n.read_at else 'UNREAD'}: {n.message}"
        for n in found) or "none")
