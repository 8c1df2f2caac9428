"""`nigehbaan evidence …`: acquiring seized media and proving it is unaltered."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import (
    BarColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)

from nigehbaan.cli.common import (
    AsUser,
    Json,
    acting,
    database,
    emit,
    fail,
    handles_errors,
    settings,
    whole_file,
)
from nigehbaan.core.db import make_engine, make_session_factory
from nigehbaan.evidence import acquisition, handling, queries
from nigehbaan.evidence.custody import CustodyAction
from nigehbaan.evidence.store import open_vault
from nigehbaan.evidence.views import CustodyView, ItemView

app = typer.Typer(help="The evidence vault.", no_args_is_help=True)


class _Meter:
    """A Rich progress line: files, files/s, and MB/s (the bar advances by bytes)."""

    def __init__(self, bar: Progress) -> None:
        self.bar, self.files = bar, 0
        self.task = bar.add_task("ingest", total=None, files=0, rate="")

    def __call__(self, size: int) -> None:
        self.files += 1
        elapsed = self.bar.tasks[0].elapsed or 0.0
        rate = f"{self.files / elapsed:.1f} files/s" if elapsed else ""
        self.bar.update(self.task, advance=size, files=self.files, rate=rate)


@app.command("ingest")
@handles_errors
def ingest(path: Path, case: str = typer.Option(..., "--case"),
           source: str = typer.Option(..., "--source", help="Where it came from."),
           scheduler: str = typer.Option("", "--scheduler", envvar="NIGEHBAAN_SCHEDULER",
                                         help="Dask scheduler, e.g. tcp://host:8786."),
           as_user: str = AsUser, as_json: bool = Json) -> None:
    """Hash, analyse and store a file, folder or archive into a case (resumable)."""
    config = settings()
    with database(config) as session:
        actor = acting(session, as_user)
    engine = make_engine(config.effective_database_url)
    columns = (TextColumn("ingesting"), BarColumn(), TextColumn("{task.fields[files]} files"),
               TextColumn("{task.fields[rate]}"), TransferSpeedColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, transient=True, disable=as_json) as bar:
            summary = acquisition.ingest(make_session_factory(engine), actor, case, path,
                                         source, config, scheduler=scheduler or None,
                                         progress=_Meter(bar))
    finally:
        engine.dispose()
    emit(summary.__dict__, as_json, lambda: (
        f"{summary.case}: {summary.files} files recorded ({summary.new_content} new to the "
        f"vault, {summary.bytes / 1e6:.1f} MB, {summary.seconds:.1f} s), "
        f"{summary.already_recorded} already recorded, {len(summary.refused)} refused"
        + "".join(f"\n  refused {path}: {why}" for path, why in summary.refused)))


def _item_line(item: ItemView) -> str:
    pdq = f"pdq {item.pdq} q{item.pdq_quality}" if item.pdq else f"pdq {item.perceptual}"
    where = ", ".join(f"{f.case}:{f.path}" for f in item.findings)
    return f"{item.sha256}  md5 {item.md5}  {item.size:>10}  {item.mime:<16} {pdq}  {where}"


@app.command("list")
@handles_errors
def list_(case: str = typer.Option(..., "--case"), as_user: str = AsUser,
          as_json: bool = Json) -> None:
    """A case's items with their hashes."""
    with database(settings()) as session:
        items = queries.case_items(session, acting(session, as_user), case)
    emit(items, as_json, lambda: "\n".join(_item_line(i) for i in items) or "no items")


@app.command("verify")
@handles_errors
def verify(case: str = typer.Option("", "--case"), as_user: str = AsUser,
           as_json: bool = Json) -> None:
    """Re-hash the vault (or one case's items); exit 1 naming every item that fails."""
    config = settings()
    with database(config) as session:
        result = handling.verify_vault(session, acting(session, as_user), open_vault(config),
                                       case)
    emit(result, as_json, lambda: f"checked {result.checked} items, {len(result.bad)} bad"
         + "".join(f"\n  {b['sha256']}: {b['problem']}" for b in result.bad)
         + (f"\n{len(result.unrecorded)} blob(s) in the vault that no item records (an ingest "
            "interrupted before recording them; run it again): "
            + ", ".join(s[:16] for s in result.unrecorded) if result.unrecorded else ""))
    if result.bad:
        fail(f"{len(result.bad)} of {result.checked} items no longer match their SHA-256: "
             + ", ".join(b["sha256"][:16] for b in result.bad))


def _custody_line(event: CustodyView) -> str:
    return (f"{event.seq:>6} {event.at:%Y-%m-%d %H:%M:%S} {event.actor:<20} {event.action:<9} "
            f"{event.sha256[:16]} {event.case_ref} {event.reason}")


@app.command("custody")
@handles_errors
def custody_(case: str = typer.Option("", "--case"), item: str = typer.Option("", "--item"),
             as_user: str = AsUser, as_json: bool = Json) -> None:
    """The chain-of-custody report for a case or one item (by SHA-256)."""
    if bool(case) == bool(item):
        fail("give exactly one of --case or --item")
    with database(settings()) as session:
        events = queries.custody_report(session, acting(session, as_user), sha256=item,
                                        reference=case)
    emit(events, as_json, lambda: "\n".join(_custody_line(e) for e in events) or "no events")


@app.command("export")
@handles_errors
def export(item: str, out: Path, reason: str = typer.Option(..., "--reason"),
           as_user: str = AsUser) -> None:
    """Write an item's verified content to OUT (a custody event)."""
    config = settings()
    if out.exists():
        fail(f"{out} exists: choose a new file name")
    with database(config) as session:
        _item, chunks = handling.open_content(session, acting(session, as_user),
                                              open_vault(config), item, reason,
                                              action=CustodyAction.EXPORTED)
        with whole_file(out, binary=True) as handle:
            for chunk in chunks:
                handle.write(chunk)
    typer.echo(f"wrote {out}")
