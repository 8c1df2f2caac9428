"""Parse speed and memory of our WhatsApp parser beside whatstk on the issue's synth group.

Run: /work/venv/bin/python benchmarks/chat_parse_bench.py [--members 1600] [--messages 200000]
     [--runs 3] [--seed 7] [--profile] [--phases]

The export is the `synth` Android English group (day-first, 24-hour) that issue 5 names, written
by `nigehbaan.synth.chats.write_chat_groups`. Both parsers run `--runs` times, alternately, on
the same file in the same process; best and median are reported. whatstk is given the header
format; it keeps messages only, so we compare message counts per author and report our system
events beside them. whatstk also reads every header-shaped line typed inside a message as a new
message, which we keep as text (with a warning): those lines are listed as the only difference.
whatstk also cuts a sender at the first `: `, so a contact saved as `Nadia: Work` becomes `Nadia`
(and her join line a message of `Nadia`): the authors such names touch are listed as a known
difference rather than failing the comparison. Times are wall and CPU (`time.process_time`, which
other processes on a shared machine do not inflate). whatstk is not a dependency of the project:
install it beside the virtualenv (e.g. `pip install --target DIR whatstk` and `PYTHONPATH=DIR`).
Peak memory is measured in a fresh child process that does only our parse, so whatstk's pandas
cannot inflate it.

`floor` is a bound, not a parser: numpy finds the lines that start with this file's fixed-width
header and counts authors, with no events, continuation lines, text, checks or records. Its time
is the least a Python parser working this way can pay, and shows how much of whatstk's time any
target leaves for the real work. `records floor` adds to it what any parser that hands back
one Python record per message must pay: each message's raw text, sender label, body and time as
Python objects, in one `Message` tuple, built in bulk with the cyclic collector paused as ours
is, and freed after the clock stops as ours are (no events, no checks). When it alone is
above whatstk's time divided by 8, no such parser in CPython can be 8x faster; ours hands back
columns instead (`nigehbaan.chats.batch`) and makes records only when they are read.

Our parse hands back columns (`nigehbaan.chats.batch`), as an Arrow table would; whatstk a
filled pandas DataFrame. So the time to make every record from our columns afterwards is also
reported, and the speed-up with it counted: the fair figure for a caller that wants records.

`--phases` times the steps of one of our parses (best of `--runs`): the survey, each numpy
scan of the text, the rows read one by one by the full rules (system lines, new senders,
mentions, attachments) and, within them, reading phone numbers with `phonenumbers`, and the
rest of the column building.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np

if not __package__:  # run as a script: `benchmarks.memory` resolves from the repo root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.memory import peak_mb
from nigehbaan.chats import Message, parse
from nigehbaan.chats.batch import Records, cycles_paused
from nigehbaan.synth.chats import write_chat_groups

_LAYOUT = "whatsapp-android-en"
_HFORMAT = "%d/%m/%Y, %H:%M - %name:"


@dataclass
class Run:
    wall: float
    cpu: float
    counts: Counter[str]
    events: int = 0
    kept: int = 0
    colon_names: frozenset[str] = frozenset()
    made: float = 0.0
    """Wall time to make every record from the columns, after the parse."""


def ours(path: Path) -> Run:
    started, cpu = time.perf_counter(), time.process_time()
    export = parse(path)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert isinstance(export.records, Records)
    made = time.perf_counter()
    records = tuple(export.records)
    made = time.perf_counter() - made
    del records
    counts: Counter[str] = Counter()
    for ref, number in export.records.sender_counts().items():
        counts[ref.label] += number
    kept_as_text = sum("header-shaped line" in w for w in export.report.warnings)
    colon = frozenset(label for m in export.members for label in m.labels if ": " in label)
    return Run(elapsed, cpu, counts, export.report.events, kept_as_text, colon, made)


def theirs(path: Path) -> Run:
    from whatstk import WhatsAppChat

    started, cpu = time.perf_counter(), time.process_time()
    chat = WhatsAppChat.from_source(str(path), auto_header=False, hformat=_HFORMAT)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return Run(elapsed, cpu, Counter(chat.df["username"].astype(str).tolist()))


def compare(our: Run, their: Run) -> None:
    """Same messages per author, except whatstk's extra header-shaped lines and the authors
    that names holding `: ` touch (whatstk cuts them at the first colon)."""
    touched = our.colon_names | {name.split(": ", 1)[0] for name in our.colon_names}
    extra, missing = their.counts - our.counts, our.counts - their.counts
    other_extra = Counter({a: n for a, n in extra.items() if a not in touched})
    other_missing = Counter({a: n for a, n in missing.items() if a not in touched})
    same = not other_missing and sum(other_extra.values()) <= our.kept
    print("same messages per author (whatstk's extras = our kept-as-text lines, authors with "
          f"': ' in their name aside): {same}")
    if not same:
        print("differences (first 5):", (other_extra + other_missing).most_common(5))
    known = sorted(a for a in touched if our.counts[a] != their.counts[a])
    if known:
        shown = "; ".join(f"{a!r} ours {our.counts[a]} whatstk {their.counts[a]}" for a in known)
        print(f"known difference, names holding ': ' ({len(known)} authors): {shown}")


def floor(path: Path, records: bool = False) -> Run:
    started, cpu = time.perf_counter(), time.process_time()
    data = path.read_bytes()
    u = np.frombuffer(data, np.uint8)
    starts = np.concatenate(([0], np.flatnonzero(u == 10) + 1))
    starts = starts[starts + 21 < len(u)]
    shape = "00/00/0000, 00:00 - "
    ok = np.ones(len(starts), dtype=np.bool_)
    for k, ch in enumerate(shape):
        column = u[starts + k]
        ok &= (column - 48 < 10) if ch == "0" else (column == ord(ch))
    heads = starts[ok] + len(shape)
    colons = np.flatnonzero((u[:-1] == 58) & (u[1:] == 32))
    cut = colons[np.minimum(np.searchsorted(colons, heads), len(colons) - 1)]
    line_end = np.searchsorted(starts, heads)
    sender = cut < np.append(starts, len(u))[np.minimum(line_end, len(starts))]
    counts = Counter(map(data.__getitem__, map(slice, heads[sender].tolist(),
                                               cut[sender].tolist())))
    built: list[Message] = []
    if records:
        with cycles_paused():  # as our parse builds its records
            built = _bulk_records(data.decode(), starts[ok], heads, cut, sender)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    del built  # freed once the clock has stopped, as a parse's records are by its caller
    return Run(elapsed, cpu, Counter({k.decode(): v for k, v in counts.items()}))


def _bulk_records(
    text: str, begin: np.ndarray, heads: np.ndarray, cut: np.ndarray, sender: np.ndarray
) -> list[Message]:
    """One `Message` per header line with a sender, its parts sliced from `text`. The file is
    ASCII here, so byte offsets are character offsets; a message's end is taken as the next
    header's start (continuation lines included), its time as a fixed one converted per row."""
    begin, heads, cut = begin[sender], heads[sender], cut[sender]
    end = np.append(begin[1:], len(text)).tolist()
    raws = list(map(text.__getitem__, map(slice, begin.tolist(), end)))
    labels = list(map(text.__getitem__, map(slice, heads.tolist(), cut.tolist())))
    bodies = list(map(text.__getitem__, map(slice, (cut + 2).tolist(), end)))
    stamps = (begin + 1_600_000_000).astype("datetime64[s]").tolist()
    assert len(Message._fields) == 14, "the build below lists every field of Message"
    return list(map(tuple.__new__, repeat(Message), zip(
        begin.tolist(), raws, stamps, repeat(True), labels, bodies, repeat(None), repeat(None),
        repeat(None), repeat(None), repeat(()), repeat(False), repeat(False), repeat(None),
    )))  # fmt: skip


def _times(runs: list[Run]) -> str:
    walls, cpus = [r.wall for r in runs], [r.cpu for r in runs]
    return (f"wall best {min(walls):.3f} s, median {statistics.median(walls):.3f} s; "
            f"CPU best {min(cpus):.3f} s, median {statistics.median(cpus):.3f} s")


def profile(path: Path, rows: int = 15) -> None:
    """Where our parse spends its time: cProfile of one parse, by own time (profiling slows
    Python calls, so read the shares, not the seconds)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(parse, path)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(rows)


_PHONES = "  of which phone numbers (phonenumbers: E.164 and country)"
_SCANS = ("narrow", "units", "scan_fast", "seconds", "block_starts", "pair", "specials",
          "words_at", "literals")


def phases(path: Path, runs: int) -> None:
    """Wall time of each step of our parse, by timing the functions that do them."""
    from unittest.mock import patch

    from nigehbaan.chats import members
    from nigehbaan.chats.whatsapp import chunks, names, parser, survey

    spent: defaultdict[str, float] = defaultdict(float)

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started
        return run

    best: tuple[float, dict[str, float]] | None = None
    with ExitStack() as stack:
        stack.enter_context(patch.object(parser, "survey", timed("survey", survey.survey)))
        phones = timed(_PHONES, members.phone_identity)
        stack.enter_context(patch.object(names, "phone_identity", phones))
        stack.enter_context(patch.object(members, "phone_identity", phones))
        for name in _SCANS:
            stack.enter_context(patch.object(chunks, name, timed(name, getattr(chunks, name))))
        for owner, name, label in ((parser._ChatReader, "record", "rows read one by one"),
                                   (chunks.ChunkReader, "_build", "build")):
            stack.enter_context(patch.object(owner, name, timed(label, getattr(owner, name))))
        for _ in range(runs):
            spent.clear()
            started = time.perf_counter()
            parse(path)
            total = time.perf_counter() - started
            if best is None or total < best[0]:
                best = (total, dict(spent))
    assert best is not None
    total, parts = best
    inside_build = ("pair", "specials", "words_at", "literals", "rows read one by one")
    parts["columns (labels, senders, canned rows, counts)"] = (
        parts.pop("build") - sum(parts.get(n, 0.0) for n in inside_build))
    parts["reading, decoding, the rest"] = total - sum(
        seconds for name, seconds in parts.items() if name != _PHONES)
    print(f"phases of our best parse ({total:.3f} s, timing each call adds a little):")
    phone_time = parts.pop(_PHONES, 0.0)
    for name, seconds in sorted(parts.items(), key=lambda part: -part[1]):
        if seconds > 0.0005:
            print(f"  {seconds:6.3f} s  {name}")
        if name == "rows read one by one":
            print(f"  {phone_time:6.3f} s  {_PHONES}")


def child_peak(path: Path) -> None:
    parse(path)
    print(round(peak_mb()))


def generate(folder: Path, members: int, messages: int, seed: int) -> Path:
    manifest = write_chat_groups(
        folder, seed, members=members, messages=messages, layouts=[_LAYOUT], zips=False
    )
    (txt,) = manifest.by_kind("txt", _LAYOUT)
    return folder / txt.path


def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--members", type=int, default=1600)
    options.add_argument("--messages", type=int, default=200_000)
    options.add_argument("--runs", type=int, default=3)
    options.add_argument("--seed", type=int, default=7)
    options.add_argument("--profile", action="store_true", help="also profile one parse")
    options.add_argument("--phases", action="store_true", help="also time our parse's steps")
    options.add_argument("--peak-of", type=Path, help=argparse.SUPPRESS)
    args = options.parse_args()
    if args.peak_of:
        child_peak(args.peak_of)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = generate(Path(folder), args.members, args.messages, args.seed)
        size = path.stat().st_size / 1e6
        print(f"export: synth {_LAYOUT}, seed {args.seed}, {args.members} members, "
              f"{args.messages} messages, {size:.1f} MB")  # fmt: skip
        our_runs: list[Run] = []
        their_runs: list[Run] = []
        floor_runs: list[Run] = []
        record_runs: list[Run] = []
        for _ in range(args.runs):
            our_runs.append(ours(path))
            their_runs.append(theirs(path))
            floor_runs.append(floor(path))
            record_runs.append(floor(path, records=True))
        peak = subprocess.run(
            [sys.executable, __file__, "--peak-of", str(path)],
            check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        our, their = our_runs[-1], their_runs[-1]
        for name, runs, tail in (
            ("nigehbaan", our_runs, f"{sum(our.counts.values())} messages, {len(our.counts)} "
             f"authors, {our.events} events, {our.kept} header-shaped lines kept as text"),
            ("whatstk", their_runs, f"{sum(their.counts.values())} messages, "
             f"{len(their.counts)} authors, events dropped"),
        ):
            print(f"{name + ':':<10} {_times(runs)}; {tail}")
        print(f"{'floor:':<10} {_times(floor_runs)}; {sum(floor_runs[-1].counts.values())} "
              f"header lines with a sender, {len(floor_runs[-1].counts)} authors; "
              f"{min(r.cpu for r in their_runs) / min(r.cpu for r in floor_runs):.1f}x "
              "whatstk's CPU time (best to best)")
        eighth = min(r.wall for r in their_runs) / 8
        print(f"{'records floor:':<10} {_times(record_runs)}; whatstk's best / 8 = {eighth:.3f} s")
        for what in ("wall", "cpu"):
            mine = [getattr(r, what) for r in our_runs]
            others = [getattr(r, what) for r in their_runs]
            print(f"speed-up ({what}): {min(others) / min(mine):.1f}x best-to-best, "
                  f"{statistics.median(others) / statistics.median(mine):.1f}x median-to-median")
        whole = [r.wall + r.made for r in our_runs]
        others = [r.wall for r in their_runs]
        print(f"with every record made from the columns too (whatstk hands back a filled "
              f"DataFrame): best {min(whole):.3f} s; speed-up {min(others) / min(whole):.1f}x "
              f"best-to-best, {statistics.median(others) / statistics.median(whole):.1f}x "
              "median-to-median")
        compare(our, their)
        print(f"peak memory of our parse (child process max RSS): {peak} MB")
        if args.profile:
            profile(path)
        if args.phases:
            phases(path, args.runs)


if __name__ == "__main__":
    main()
