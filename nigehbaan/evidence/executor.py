"""Where the work runs: local processes by default, a Dask cluster when given its address.

Both sides are `concurrent.futures.Executor`s (Dask's through `Client.get_executor`), so the
pipeline is written once. `map_in_order` keeps a bounded window of tasks in flight, which holds
memory steady for millions of files and lets a progress bar advance as results arrive, in the
order the files were given.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

PRELOAD = ("nigehbaan.evidence.ingest",)


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextmanager
def open_executor(scheduler: str | None = None,
                  max_workers: int | None = None) -> Iterator[Executor]:
    """Local worker processes on every core, or the Dask cluster at `scheduler`
    (`tcp://host:8786`). Tasks and their arguments must be picklable; on a cluster, the paths
    they name must be readable by the workers (shared storage)."""
    if scheduler is None:
        # forkserver: workers start from a clean process, not a copy of a threaded parent;
        # preloading the analysis there means each worker forks with it already imported
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(PRELOAD))
        with ProcessPoolExecutor(max_workers or cores(), mp_context=context) as pool:
            yield pool
        return
    from distributed import Client

    with Client(scheduler) as client:  # type: ignore[no-untyped-call]
        executor = client.get_executor(pure=False)
        try:
            yield executor
        finally:
            executor.shutdown(wait=True)


def apply_all(task: Callable[[T], R], items: list[T]) -> list[R]:
    """One task for several items: a round trip to a worker costs as much as a small photo."""
    return [task(item) for item in items]


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def map_in_order(executor: Executor, task: Callable[[T], R], items: Iterable[T],
                 window: int = 64, batch: int = 1) -> Iterator[R]:
    """`task(item)` for each item, results in input order, at most `window` tasks pending.

    `batch` items go to a worker as one task: a Dask round trip costs milliseconds, as much as
    hashing a small photo, so small files are better sent a dozen at a time. A failed item
    raises its exception here, at its position in the order.
    """
    pending: deque[Future[list[R]]] = deque()
    run = partial(apply_all, task)
    for group in _batches(items, batch):
        pending.append(executor.submit(run, group))
        if len(pending) >= window:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()
