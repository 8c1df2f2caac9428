"""`nigehbaan audit …`: proving the logs are intact."""

from __future__ import annotations

import typer

from nigehbaan.cli.common import Json, database, emit, fail, handles_errors, settings
from nigehbaan.core.chain import chained_models, verify

app = typer.Typer(help="The audit and custody logs.", no_args_is_help=True)


@app.command("verify")
@handles_errors
def verify_(as_json: bool = Json) -> None:
    """Re-hash every chained log; exit 1 naming the first broken event."""
    with database(settings()) as session:
        reports = [verify(session, model) for model in chained_models()]
    data = [{"chain": r.chain, "ok": r.ok, "checked": r.checked, "first_broken": r.first_broken,
             "reason": r.reason} for r in reports]
    emit(data, as_json, lambda: "\n".join(
        f"{r.chain}: intact, {r.checked} events" if r.ok else
        f"{r.chain}: BROKEN at event {r.first_broken}: {r.reason}" for r in reports))
    broken = next((r for r in reports if not r.ok), None)
    if broken is not None:
        fail(f"{broken.chain} log broken at event {broken.first_broken}: {broken.reason}")
