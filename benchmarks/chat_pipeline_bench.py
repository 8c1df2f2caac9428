"""End-to-end chat triage against our own parse time, with peak memory.

Usage: python benchmarks/chat_pipeline_bench.py [--members 1600] [--messages 200000]
       [--repeat 3] [--db] [--keep DIR]

A synthetic WhatsApp Android group (English, 24-hour clock) is written by `nigehbaan.synth`.
Timed in the same run, each in a fresh process so peak memory is per phase:
- parse: read the export as the parser hands it over (batches: columns, and records for the
  rows read one by one) and count messages and events;
- pipeline: parse, phone normalisation (in the parser's member book), identity resolution,
  networks and their figures, indicators and triage advice: `nigehbaan.chats.analysis`;
- with `--db`: the full `chat import` into an embedded SQLite database (one transaction),
  timed from the import call: creating and migrating the empty database is not counted.
Targets: pipeline under 3x parse, peak resident memory under 400 MB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if not __package__:  # run as a script: `benchmarks.memory` resolves from the repo root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.memory import peak_mb
from nigehbaan.synth.chats import write_chat_groups

LAYOUT = "whatsapp-android-en"


def _phase(phase: str, export: Path, db_dir: Path | None) -> dict[str, float]:
    """Runs in a child process: one phase, its wall time and its peak RSS."""
    from collections import Counter

    from nigehbaan.chats.analysis import analyse
    from nigehbaan.chats.registry import open_chats

    started = time.perf_counter()
    detail: dict[str, float] = {}
    if phase == "parse":
        stream = next(iter(open_chats(export)))
        for _ in stream.batches():  # as the pipeline reads it, the end-of-chat checks included
            pass
        report = stream.report()
        detail = {"messages": report.messages, "events": report.events}
    elif phase == "pipeline":
        stream = next(iter(open_chats(export)))
        result = analyse(stream, stream.header.format)
        advice = Counter(m.triage.category for m in result.members.values())
        detail = {"members": result.counted_members, **advice}
    else:
        assert db_dir is not None
        detail = _import(export, db_dir)
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "peak_mb": peak_mb(), **detail}  # an import times itself


def _import(export: Path, db_dir: Path) -> dict[str, float]:
    from nigehbaan.cases import register
    from nigehbaan.cases.schemas import CaseIn
    from nigehbaan.chats import importer
    from nigehbaan.core.actors import local_operator
    from nigehbaan.core.db import make_engine, make_session_factory, transaction
    from nigehbaan.core.schema import migrate
    from nigehbaan.core.settings import Settings

    settings = Settings(home=db_dir)
    engine = make_engine(settings.effective_database_url)
    migrate(engine)
    factory = make_session_factory(engine)
    actor = local_operator("bench")
    with transaction(factory) as session:
        ref = register.open_case(session, actor, CaseIn(title="bench", channel="walk_in"),
                                 settings).reference
    started = time.perf_counter()
    with transaction(factory) as session:
        group = importer.import_export(session, actor, ref, export).group
        figures = {"messages": group.report["messages"], "members": group.report["members"]}
    return {"seconds": time.perf_counter() - started, **figures}


def _child(phase: str, export: Path, db_dir: Path | None) -> dict[str, float]:
    args = [sys.executable, __file__, "--phase", phase, "--export", str(export)]
    if db_dir is not None:
        args += ["--db-dir", str(db_dir)]
    done = subprocess.run(args, check=True, capture_output=True, text=True)
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=1600)
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", action="store_true")
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--phase")
    parser.add_argument("--export", type=Path)
    parser.add_argument("--db-dir", type=Path)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(_phase(args.phase, args.export, args.db_dir)))
        return
    folder = args.keep or Path(tempfile.mkdtemp(prefix="chat-bench-"))
    started = time.perf_counter()
    manifest = write_chat_groups(folder, 1, members=args.members, messages=args.messages,
                                 layouts=[LAYOUT], zips=False)
    export = folder / next(f.path for f in manifest.files if f.kind == "txt")
    print(f"synth: {args.members} members, {args.messages} messages, "
          f"{export.stat().st_size / 2**20:.1f} MB in {time.perf_counter() - started:.1f} s")
    best: dict[str, dict[str, float]] = {}
    for _ in range(args.repeat):
        for phase in ("parse", "pipeline"):
            figures = _child(phase, export, None)
            if phase not in best or figures["seconds"] < best[phase]["seconds"]:
                best[phase] = figures
    if args.db:
        with tempfile.TemporaryDirectory(prefix="chat-bench-db-") as db_dir:
            best["import"] = _child("import", export, Path(db_dir))
    for phase, figures in best.items():
        extra = ", ".join(f"{k} {v:g}" for k, v in figures.items()
                          if k not in ("seconds", "peak_mb"))
        print(f"{phase:<9} {figures['seconds']:7.2f} s  peak {figures['peak_mb']:6.0f} MB  {extra}")
    ratio = best["pipeline"]["seconds"] / best["parse"]["seconds"]
    print(f"pipeline / parse = {ratio:.2f}x (target < 3x); "
          f"peak {best['pipeline']['peak_mb']:.0f} MB (target < 400 MB)")


if __name__ == "__main__":
    main()
