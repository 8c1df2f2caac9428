"""PDQ range search at national scale: our index against python-threatexchange and brute force.

Data is generated (random 256-bit codes; no media). Queries: half are near-duplicates planted at
distances 0..31 from index entries, half random non-matches. Each engine runs in its own process
so memory figures do not mix.

    /work/venv/bin/python benchmarks/pdq_index_bench.py --sizes 1000000 10000000

Engines: `ours` (nigehbaan PdqIndex), `peer` (threatexchange PDQIndex through its public
per-hash `query`, on a sample of the queries), `numpy` (blocked brute-force popcount on the
sample: the exactness reference and this machine's yardstick), `faiss-flat` (faiss
IndexBinaryFlat range search on the sample: the compiled brute-force ceiling).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any

import numpy as np

RADIUS = 31
SEED = 20240601


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


def make_data(size: int, queries: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Index codes, query codes, the planted rows and their distances (-1: random query)."""
    rng = np.random.default_rng(SEED)
    codes = np.frombuffer(rng.bytes(size * 32), dtype=np.uint64).reshape(size, 4).copy()
    planted = queries // 2
    rows = rng.integers(0, size, planted)
    dist = np.arange(planted) % (RADIUS + 1)
    bits = np.unpackbits(codes[rows].view(np.uint8), axis=1)
    for i, d in enumerate(dist):
        bits[i, rng.choice(256, d, replace=False)] ^= 1
    near = np.packbits(bits, axis=1).view(np.uint64).reshape(-1, 4)
    noise = np.frombuffer(rng.bytes((queries - planted) * 32), np.uint64).reshape(-1, 4)
    all_rows = np.concatenate([rows, np.full(queries - planted, -1)])
    all_dist = np.concatenate([dist, np.full(queries - planted, -1)])
    return codes, np.concatenate([near, noise]), all_rows, all_dist


def score(
    pairs: set[tuple[int, int, int]], rows: np.ndarray, query_ids: list[int] | None = None
) -> dict[str, Any]:
    """Recall of the planted near-duplicates and results beyond the radius (must be 0)."""
    ids = query_ids if query_ids is not None else range(len(rows))
    planted = [(q, int(r)) for q, r in zip(ids, rows, strict=True) if r >= 0]
    found = {(q, r) for q, r, _ in pairs}
    return {
        "recall_planted": sum(p in found for p in planted) / len(planted),
        "beyond_radius": sum(1 for _, _, d in pairs if d > RADIUS),
        "results": len(pairs),
    }


def run_ours(size: int, queries: int, sample: int) -> dict[str, Any]:
    from nigehbaan.matching.pdq_codes import distances
    from nigehbaan.matching.pdq_index import PdqIndex

    codes, qcodes, rows, _ = make_data(size, queries)
    before = rss_mib()
    start = time.perf_counter()
    index = PdqIndex(RADIUS)
    index.add(codes, np.arange(size))
    build = time.perf_counter() - start
    memory = rss_mib() - before
    start = time.perf_counter()
    matches = index.search(qcodes)
    elapsed = time.perf_counter() - start
    pairs = set(
        zip(matches.query.tolist(), matches.ids.tolist(), matches.distance.tolist(), strict=True)
    )
    true_d = distances(codes[matches.ids], qcodes[matches.query])
    result = {
        "engine": "ours",
        "size": size,
        "build_s": build,
        "qps": queries / elapsed,
        "rss_mib": memory,
        "nbytes_mib": index.nbytes / 2**20,
        **score(pairs, rows),
        "distances_verified": bool((true_d == matches.distance).all()),
        "sample_pairs": sorted(p for p in pairs if p[0] in set(sample_ids(queries, sample))),
    }
    rng = np.random.default_rng(SEED + 1)
    new = np.frombuffer(rng.bytes(10_000 * 32), np.uint64).reshape(-1, 4)
    start = time.perf_counter()
    index.add(new, np.arange(size, size + 10_000))
    result["update_add_10k_s"] = time.perf_counter() - start
    start = time.perf_counter()
    index.remove(rng.choice(size, 10_000, replace=False))
    result["update_remove_10k_s"] = time.perf_counter() - start
    start = time.perf_counter()
    index.search(qcodes[:2000])
    result["qps_after_update"] = 2000 / (time.perf_counter() - start)
    return result


def run_peer(size: int, queries: int, sample: int) -> dict[str, Any]:
    from threatexchange.signal_type.pdq.pdq_index import PDQIndex

    codes, qcodes, rows, _ = make_data(size, queries)
    hexes = [c.tobytes().hex() for c in codes]
    qhex = [c.tobytes().hex() for c in qcodes]
    del codes
    before = rss_mib()
    start = time.perf_counter()
    index = PDQIndex((h, i) for i, h in enumerate(hexes))
    build = time.perf_counter() - start
    memory = rss_mib() - before
    chosen = sample_ids(queries, sample)
    start = time.perf_counter()
    pairs = {
        (q, int(m.metadata), int(m.similarity_info.distance))
        for q in chosen
        for m in index.query(qhex[q])
    }
    elapsed = time.perf_counter() - start
    result = {
        "engine": "peer",
        "size": size,
        "build_s": build,
        "qps": len(chosen) / elapsed,
        "rss_mib": memory,
        **score(pairs, rows[chosen], chosen),
    }
    rng = np.random.default_rng(SEED + 1)
    new = [rng.bytes(32).hex() for _ in range(10_000)]
    start = time.perf_counter()
    index.add_all((h, size + i) for i, h in enumerate(new))
    result["update_add_10k_s"] = time.perf_counter() - start
    return result


def sample_ids(queries: int, sample: int) -> list[int]:
    """Half planted, half random queries."""
    half = sample // 2
    return list(range(half)) + list(range(queries // 2, queries // 2 + half))


def run_numpy(size: int, queries: int, sample: int) -> dict[str, Any]:
    from nigehbaan.matching.pdq_codes import brute_force_search

    codes, qcodes, _, _ = make_data(size, queries)
    chosen = sample_ids(queries, sample)
    start = time.perf_counter()
    pairs: list[tuple[int, int, int]] = []
    for at in range(0, len(chosen), 128):
        block = chosen[at : at + 128]
        q, r, d = brute_force_search(codes, qcodes[block], RADIUS, block=8192)
        pairs.extend((block[i], int(j), int(k)) for i, j, k in zip(q, r, d, strict=True))
    elapsed = time.perf_counter() - start
    return {
        "engine": "numpy",
        "size": size,
        "qps": len(chosen) / elapsed,
        "sample_pairs": sorted(pairs),
    }


def run_faiss_flat(size: int, queries: int, sample: int) -> dict[str, Any]:
    import faiss

    codes, qcodes, _, _ = make_data(size, queries)
    chosen = sample_ids(queries, sample)
    index = faiss.IndexBinaryFlat(256)
    index.add(codes.view(np.uint8))
    start = time.perf_counter()
    index.range_search(np.ascontiguousarray(qcodes[chosen]).view(np.uint8), RADIUS + 1)
    return {
        "engine": "faiss-flat",
        "size": size,
        "qps": len(chosen) / (time.perf_counter() - start),
    }


ENGINES = {"ours": run_ours, "peer": run_peer, "numpy": run_numpy, "faiss-flat": run_faiss_flat}


def child(engine: str, size: int, queries: int, sample: int, peer_threads: int) -> dict[str, Any]:
    """Run one engine in a fresh process.

    The peer answers one hash per call, and faiss's OpenMP threads then cost more than they
    give (on a busy 2-core machine 10-20x more), so it runs with `peer_threads` OpenMP threads:
    its best configuration, to keep the comparison fair.
    """
    command = [sys.executable, __file__, "--child", engine, "--sizes", str(size)]
    command += ["--queries", str(queries), "--sample", str(sample)]
    env = dict(os.environ)
    if engine == "peer":
        env["OMP_NUM_THREADS"] = str(peer_threads)
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
    figures: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return figures


def report(size: int, results: dict[str, dict[str, Any]]) -> None:
    ours, peer = results.get("ours"), results.get("peer")
    print(f"\n== {size:,} PDQ hashes ==")
    for name, r in results.items():
        fields = {k: v for k, v in r.items() if k not in ("sample_pairs", "engine", "size")}
        print(
            f"{name:>10}: "
            + ", ".join(
                f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in fields.items()
            )
        )
    if ours and "numpy" in results:
        agree = ours["sample_pairs"] == results["numpy"]["sample_pairs"]
        print(f"exact on the brute-force sample: {agree}")
    if ours and peer:
        print(
            f"ours/peer: {ours['qps'] / peer['qps']:.1f}x queries/s, "
            f"{ours['rss_mib'] / peer['rss_mib']:.2f}x memory (RSS delta), "
            f"{peer['update_add_10k_s'] / ours['update_add_10k_s']:.1f}x faster 10k add"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument(
        "--sample", type=int, default=1000, help="queries for the slow engines (peer, numpy, faiss)"
    )
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=list(ENGINES))
    parser.add_argument("--peer-omp-threads", type=int, default=1)
    parser.add_argument("--child", choices=list(ENGINES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(ENGINES[args.child](args.sizes[0], args.queries, args.sample)))
        return
    for size in args.sizes:
        results = {
            e: child(e, size, args.queries, args.sample, args.peer_omp_threads)
            for e in args.engines
        }
        report(size, results)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
