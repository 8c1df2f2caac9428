"""Parse speed and memory of our WhatsApp parser beside whatstk on the issue's synth group.

Run: /work/venv/bin/python benchmarks/chat_parse_bench.py [--members 1600] [--messages 200000]
     [--runs 3] [--seed 7]

The export is the `synth` Android English group (day-first, 24-hour) that issue 5 names, written
by `nigehbaan.synth.chats.write_chat_groups`. Both parsers run `--runs` times, alternately, on
the same file in the same process; best and median are reported. whatstk is given the header
format; it keeps messages only, so we compare message counts per author and report our system
events beside them. whatstk also reads every header-shaped line typed inside a message as a new
message, which we keep as text (with a warning): those lines are listed as the only difference.
Peak memory is measured in a fresh child process that does only our parse, so whatstk's pandas
cannot inflate it.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from nigehbaan.chats import Message, parse
from nigehbaan.synth.chats import write_chat_groups

_LAYOUT = "whatsapp-android-en"
_HFORMAT = "%d/%m/%Y, %H:%M - %name:"


def ours(path: Path) -> tuple[float, Counter[str], int, int]:
    started = time.perf_counter()
    export = parse(path)
    elapsed = time.perf_counter() - started
    counts = Counter(r.sender.label for r in export.records if isinstance(r, Message) and r.sender)
    kept_as_text = sum("header-shaped line" in w for w in export.report.warnings)
    return elapsed, counts, export.report.events, kept_as_text


def theirs(path: Path) -> tuple[float, Counter[str]]:
    from whatstk import WhatsAppChat  # type: ignore[import-untyped]

    started = time.perf_counter()
    chat = WhatsAppChat.from_source(str(path), auto_header=False, hformat=_HFORMAT)
    elapsed = time.perf_counter() - started
    return elapsed, Counter(chat.df["username"].astype(str).tolist())


def child_peak(path: Path) -> None:
    parse(path)
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)


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
        our_times: list[float] = []
        their_times: list[float] = []
        for _ in range(args.runs):
            our_time, our_counts, events, kept = ours(path)
            their_time, their_counts = theirs(path)
            our_times.append(our_time)
            their_times.append(their_time)
        peak = subprocess.run(
            [sys.executable, __file__, "--peak-of", str(path)],
            check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        best, median = min(our_times), statistics.median(our_times)
        their_best, their_median = min(their_times), statistics.median(their_times)
        print(f"nigehbaan: best {best:.3f} s, median {median:.3f} s; "
              f"{sum(our_counts.values())} messages, {len(our_counts)} authors, "
              f"{events} events, {kept} header-shaped lines kept as text")  # fmt: skip
        print(f"whatstk:   best {their_best:.3f} s, median {their_median:.3f} s; "
              f"{sum(their_counts.values())} messages, {len(their_counts)} authors, "
              "events dropped")  # fmt: skip
        print(f"speed-up: {their_best / best:.1f}x best-to-best, "
              f"{their_median / median:.1f}x median-to-median")  # fmt: skip
        extra = their_counts - our_counts
        missing = our_counts - their_counts
        same = not missing and sum(extra.values()) == kept
        print(f"same messages per author (whatstk's extras = our kept-as-text lines): {same}")
        if not same:
            print("differences (first 5):", (extra + missing).most_common(5))
        print(f"peak memory of our parse (child process max RSS): {peak} MB")


if __name__ == "__main__":
    main()
