"""Ingestion throughput against hashdeep plus a bare PDQ loop, and its scaling on Dask.

Usage: python benchmarks/ingest_bench.py [--images 2000] [--videos 20] [--big-mb 0]
       [--dask 1,2,4] [--repeat 1] [--keep DIR]

Everything runs on synthetic media written by `nigehbaan.synth.media` into a temporary folder.
What is timed is `evidence ingest` itself (`acquisition.ingest`) into a fresh case of a fresh
embedded instance: SHA-256 + SHA-1 + MD5 while encrypting into the vault, type, EXIF, PDQ (or
frame PDQ) and the blurred preview on worker processes, and every item, link and custody event
recorded in the database. Creating the instance is not timed. The baseline is
`hashdeep -c md5,sha1,sha256 -r DIR` plus a single-process loop of `pdqhash` over the same
images, decoded with Pillow.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pdqhash
import psutil  # type: ignore[import-untyped]
from PIL import Image
from sqlalchemy import Engine

from nigehbaan.cases import register
from nigehbaan.cases.channels import Channel
from nigehbaan.cases.schemas import CaseIn
from nigehbaan.cli.instance import initialise
from nigehbaan.core.actors import local_operator
from nigehbaan.core.db import make_engine, make_session_factory, transaction
from nigehbaan.core.settings import Settings
from nigehbaan.evidence import acquisition
from nigehbaan.evidence.archives import Leaf, walk
from nigehbaan.evidence.executor import cores
from nigehbaan.synth.media import write_media

MB = 1 << 20
OPERATOR = local_operator("benchmark")


class TreeMonitor:
    """Samples this process and its descendants: peak memory, and CPU seconds.

    Memory is the sum of proportional set sizes (PSS): worker processes forked from one parent
    share most of their pages, which a sum of RSS would count once per process. CPU seconds
    are reported beside wall time because this 2-core machine is shared: another process's
    load stretches wall time, not the CPU work our pipeline does.
    """

    def __init__(self, every: float = 0.1) -> None:
        self.peak = 0
        self._cpu: dict[int, float] = {}
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        total = 0
        for process in [me, *me.children(recursive=True)]:
            try:
                total += process.memory_full_info().pss
                times = process.cpu_times()
            except psutil.Error:
                continue
            self._cpu[process.pid] = times.user + times.system
        self.peak = max(self.peak, total)

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            self._sample()

    @property
    def cpu_seconds(self) -> float:
        return sum(self._cpu.values())

    def __enter__(self) -> TreeMonitor:
        self._sample()
        self._start = dict(self._cpu)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
        for pid, seconds in self._start.items():
            self._cpu[pid] -= seconds


@contextmanager
def timed(label: str, results: dict[str, float]) -> Iterator[None]:
    start = time.perf_counter()
    yield
    results[label] = time.perf_counter() - start


def files_of(folder: Path, spool: Path) -> list[Path]:
    return [item.path for item in walk(folder, spool) if isinstance(item, Leaf)]


@dataclass
class Instance:
    """A fresh embedded instance with one open case, ready for an ingest to be timed."""

    config: Settings
    engine: Engine
    reference: str

    @classmethod
    def create(cls, home: Path) -> Instance:
        shutil.rmtree(home, ignore_errors=True)
        config = Settings(home=home, database_url="")
        initialise(config)
        engine = make_engine(config.effective_database_url)
        with transaction(make_session_factory(engine)) as session:
            case = register.open_case(session, OPERATOR, CaseIn(
                title="Benchmark phone", channel=Channel.WALK_IN), config)
        return cls(config, engine, case.reference)

    def ingest(self, media: Path, scheduler: str | None) -> int:
        try:
            return acquisition.ingest(make_session_factory(self.engine), OPERATOR,
                                      self.reference, media, "benchmark", self.config,
                                      scheduler=scheduler).files
        finally:
            self.engine.dispose()


def pdq_loop(images: list[Path]) -> None:
    for path in images:
        with Image.open(path) as image:
            pdqhash.compute(np.asarray(image.convert("RGB")))


def report(label: str, seconds: float, count: int, size: int,
           cpu_seconds: float | None = None) -> None:
    cpu_text = f"  {cpu_seconds:7.2f} CPU s" if cpu_seconds is not None else ""
    print(f"{label:<34} {seconds:8.2f} s  {count / seconds:8.1f} files/s  "
          f"{size / MB / seconds:7.1f} MB/s{cpu_text}")


def write_big(folder: Path, megabytes: int) -> None:
    rng = np.random.default_rng(1)
    with (folder / "big.bin").open("wb") as out:
        for _ in range(megabytes):
            out.write(rng.bytes(MB))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=2000)
    parser.add_argument("--videos", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--big-mb", type=int, default=0,
                        help="also ingest one random file of this many MB (memory bound)")
    parser.add_argument("--dask", default="1,2,4", help="Dask worker counts ('' to skip)")
    parser.add_argument("--repeat", type=int, default=1, help="best of N local rounds")
    parser.add_argument("--keep", type=Path, help="use (and keep) this folder")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    media, spool = work / "media", work / "spool"
    spool.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if not (media / "manifest.json").exists():
        write_media(media, args.seed, images=args.images, videos=args.videos)
        if args.big_mb:
            write_big(media, args.big_mb)
    paths = files_of(media, spool)
    images = [p for p in paths if p.parent.name == "images"]
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} files ({len(images)} images), {size / MB:.1f} MB, {cores()} cores; "
          f"generated in {time.perf_counter() - started:.1f} s")

    print(f"load average before: {os.getloadavg()[0]:.2f}")
    times: dict[str, float] = {}
    cpu: dict[str, float] = {}
    peak = 0
    for round_ in range(args.repeat):
        run: dict[str, float] = {}
        with TreeMonitor() as hashdeep, timed("hashdeep", run):
            subprocess.run(["hashdeep", "-c", "md5,sha1,sha256", "-r", str(media)],
                           check=True, stdout=subprocess.DEVNULL)
        with TreeMonitor() as pdq, timed("pdq", run):
            pdq_loop(images)
        instance = Instance.create(work / f"home-local{round_}")
        with TreeMonitor() as local, timed("local", run):
            files = instance.ingest(media, None)
        for label, monitor in (("hashdeep", hashdeep), ("pdq", pdq), ("local", local)):
            times[label] = min(times.get(label, float("inf")), run[label])
            cpu[label] = min(cpu.get(label, float("inf")), monitor.cpu_seconds)
        peak = max(peak, local.peak)
    baseline = times["hashdeep"] + times["pdq"]
    cpu_baseline = cpu["hashdeep"] + cpu["pdq"]
    print(f"best of {args.repeat}; CPU seconds are summed over the process tree")
    report("hashdeep md5,sha1,sha256", times["hashdeep"], len(paths), size, cpu["hashdeep"])
    report("bare pdqhash loop (images)", times["pdq"], len(images), size, cpu["pdq"])
    report("baseline (sum)", baseline, len(paths), size, cpu_baseline)
    assert files == len(paths), (files, len(paths))
    report(f"ingest, local processes ({cores()})", times["local"], len(paths), size,
           cpu["local"])
    print(f"ratio ingest / baseline: wall {times['local'] / baseline:.2f}, "
          f"CPU {cpu['local'] / cpu_baseline:.2f} (target <= 1.3)")
    print(f"peak memory (PSS) of the process tree during ingest: {peak / MB:.0f} MB")

    from distributed import LocalCluster  # only here: forkserver workers re-import this module

    for workers in [int(n) for n in args.dask.split(",") if n]:
        print(f"load average: {os.getloadavg()[0]:.2f}")
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1,  # type: ignore[no-untyped-call]
                               processes=True, dashboard_address=None)
        instance = Instance.create(work / f"home-dask{workers}")
        with cluster, timed(f"dask{workers}", times):
            assert instance.ingest(media, cluster.scheduler_address) == files
        report(f"ingest, Dask LocalCluster x{workers}", times[f"dask{workers}"],
               len(paths), size)
    if args.keep is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
