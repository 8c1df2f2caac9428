"""Exact-hash lookup at national scale: our sorted-array index against a Python dict.

The dict (digest bytes → id) is the obvious alternative; its memory includes its key objects.

Generated digests only. 10M-entry lists, 100,000 lookups (half present), then an update of
10,000 added and 10,000 withdrawn entries. Each engine runs in its own process.

    /work/venv/bin/python benchmarks/exact_index_bench.py --size 10000000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from typing import Any

import numpy as np

SEED = 7
WIDTHS = {"md5": 16, "sha1": 20, "sha256": 32}


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


def make_data(size: int, lookups: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED)
    listed = np.frombuffer(rng.bytes(size * width), np.uint8).reshape(size, width)
    present = listed[rng.integers(0, size, lookups // 2)]
    absent = np.frombuffer(rng.bytes((lookups - lookups // 2) * width), np.uint8).reshape(-1, width)
    return listed, np.concatenate([present, absent])


def run_ours(size: int, lookups: int, hash_type: str) -> dict[str, Any]:
    from nigehbaan.matching.exact_index import ExactIndex
    from nigehbaan.matching.hashes import HashType

    listed, queries = make_data(size, lookups, WIDTHS[hash_type])
    before = rss_mib()
    start = time.perf_counter()
    index = ExactIndex(HashType(hash_type))
    index.add(listed, np.arange(size))
    build = time.perf_counter() - start
    memory = rss_mib() - before
    start = time.perf_counter()
    matches = index.lookup(queries)
    elapsed = time.perf_counter() - start
    rng = np.random.default_rng(SEED + 1)
    new = np.frombuffer(rng.bytes(10_000 * WIDTHS[hash_type]), np.uint8).reshape(10_000, -1)
    start = time.perf_counter()
    index.add(new, np.arange(size, size + 10_000))
    index.remove(rng.choice(size, 10_000, replace=False))
    update = time.perf_counter() - start
    return {
        "build_s": build,
        "lookups_per_s": lookups / elapsed,
        "rss_mib": memory,
        "nbytes_mib": index.nbytes / 2**20,
        "hits": len(np.unique(matches.query)),
        "update_10k_add_10k_remove_s": update,
    }


def run_dict(size: int, lookups: int, hash_type: str) -> dict[str, Any]:
    listed, queries = make_data(size, lookups, WIDTHS[hash_type])
    before = rss_mib()
    start = time.perf_counter()
    table = {bytes(row): i for i, row in enumerate(listed)}
    build = time.perf_counter() - start
    memory = rss_mib() - before
    keys = [bytes(q) for q in queries]
    start = time.perf_counter()
    hits = sum(1 for k in keys if k in table)
    elapsed = time.perf_counter() - start
    return {"build_s": build, "lookups_per_s": lookups / elapsed, "rss_mib": memory, "hits": hits}


ENGINES = {"ours": run_ours, "dict": run_dict}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--lookups", type=int, default=100_000)
    parser.add_argument("--types", nargs="+", default=["md5", "sha256"], choices=list(WIDTHS))
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        engine, hash_type = args.child
        print(json.dumps(ENGINES[engine](args.size, args.lookups, hash_type)))
        return
    for hash_type in args.types:
        print(f"\n== {hash_type}: {args.size:,} entries, {args.lookups:,} lookups ==")
        for engine in ENGINES:
            command = [
                sys.executable,
                __file__,
                "--child",
                engine,
                hash_type,
                "--size",
                str(args.size),
                "--lookups",
                str(args.lookups),
            ]
            out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            result = json.loads(out.strip().splitlines()[-1])
            print(
                f"{engine:>5}: "
                + ", ".join(
                    f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                    for k, v in result.items()
                )
            )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
