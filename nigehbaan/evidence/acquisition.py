"""Acquiring seized media into a case: walk, store and analyse on workers, record in batches.

Each batch of results is one transaction, and the vault write happens before it, so a run
killed at any point leaves whole items or nothing; started again with the same source, it skips
what was recorded and finishes the rest.
"""

from __future__ import annotations

import tempfile
import time
from collections import deque
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.cases.access import load_case
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.clock import utcnow
from nigehbaan.core.columns import clipped
from nigehbaan.core.db import transaction
from nigehbaan.core.errors import Invalid
from nigehbaan.core.hooks import Hooks
from nigehbaan.core.roles import Permission
from nigehbaan.core.settings import Settings
from nigehbaan.evidence import records
from nigehbaan.evidence.archives import Leaf, Refused, readable_name, walk
from nigehbaan.evidence.executor import apply_all, cores, open_executor
from nigehbaan.evidence.ingest import Ingested, ingest_file
from nigehbaan.evidence.models import PATH_LENGTH, SOURCE_LENGTH
from nigehbaan.evidence.store import open_vault
from nigehbaan.evidence.vault import Vault

TASK_FILES = 8
TASK_BYTES = 64 << 20
Progress = Callable[[int], None]
"""Told the size of each file as it is recorded."""

AFTER_INGEST: Hooks[[sessionmaker[Session], Actor, IngestSummary]] = Hooks(
    "nigehbaan.matching.hooks:match_after_ingest")
"""Told of each finished ingest, after its records are committed, in their own units of work:
matching is the built-in one, loaded when first needed so the vault never imports it."""


@dataclass
class IngestSummary:
    case: str
    source: str
    files: int = 0
    new_content: int = 0
    already_recorded: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    bytes: int = 0
    seconds: float = 0.0


@dataclass
class _Run:
    factory: sessionmaker[Session]
    actor: Actor
    reference: str
    source: str
    summary: IngestSummary
    progress: Progress | None
    vault: Vault
    prefix: str
    """The folder's own name, so two folders ingested under one source stay apart."""
    batch: list[tuple[Leaf, Ingested]] = field(default_factory=list)
    refusals: list[Refused] = field(default_factory=list)

    def flush(self) -> None:
        if not self.batch and not self.refusals:
            return
        with transaction(self.factory) as session:
            case = load_case(session, self.actor, self.reference, Permission.CASE_WRITE)
            now = utcnow()
            records.record_findings(session, self.actor, case, self.source,
                                    [(done.facts, self.name(leaf)) for leaf, done in self.batch],
                                    now)
            for refused in self.refusals:
                records.refuse(session, case, self.source, self.name(refused), refused.reason,
                               now)
        for leaf, done in self.batch:
            self.summary.files += 1
            self.summary.new_content += done.created
            self.summary.bytes += leaf.size
            if self.progress:
                self.progress(leaf.size)
        self.summary.refused += [(self.name(r), r.reason) for r in self.refusals]
        self.batch.clear()
        self.refusals.clear()

    def name(self, item: Leaf | Refused) -> str:
        return fitted_path(self.prefix + item.display)


KEPT_TAIL = 200


def fitted_path(name: str) -> str:
    """`name`, or when longer than a recorded path may be (archives allow names of any length),
    its start and its last `KEPT_TAIL` characters around a digest of the whole, so distinct
    names stay distinct."""
    return clipped(name, PATH_LENGTH, tail=KEPT_TAIL)


def _release(leaf: Leaf) -> None:
    if leaf.spooled:
        leaf.path.unlink(missing_ok=True)


def _check(path: Path, source: str) -> None:
    if not path.exists() and not path.is_symlink():
        raise Invalid(f"PATH: {path} does not exist")
    if not source.strip():
        raise Invalid("--source: say where this came from (e.g. 'phone of suspect 3')")
    if len(source.strip()) > SOURCE_LENGTH:
        raise Invalid(f"--source: at most {SOURCE_LENGTH} characters")
    if "\x00" in source or readable_name(source) != source:
        raise Invalid("--source: contains a NUL or bytes that are not text")


def _prepare(factory: sessionmaker[Session], actor: Actor, reference: str,
             source: str) -> tuple[str, set[str]]:
    with transaction(factory) as session:
        case = load_case(session, actor, reference, Permission.CASE_WRITE)
        return case.reference, records.known_paths(session, case, source)


def _pump(run: _Run, executor: Executor, root: Path, spool: Path, known: set[str],
          window: int, batch_size: int, only: Collection[str] | None) -> None:
    """Files go to workers a few at a time (`TASK_FILES`, at most `TASK_BYTES`), at most
    `window` tasks in flight; results are recorded in walk order, `batch_size` per transaction."""
    task = partial(apply_all, partial(ingest_file, vault=run.vault))
    pending: deque[tuple[list[Leaf], Future[list[Ingested]]]] = deque()
    group: list[Leaf] = []
    group_bytes = 0

    def submit() -> None:
        nonlocal group_bytes
        pending.append((list(group), executor.submit(task, [leaf.path for leaf in group])))
        group.clear()
        group_bytes = 0

    def settle() -> None:
        leaves, future = pending.popleft()
        for leaf, done in zip(leaves, future.result(), strict=True):
            run.batch.append((leaf, done))
            _release(leaf)
            if len(run.batch) >= batch_size:
                run.flush()

    for found in walk(root, spool, only=only):
        if isinstance(found, Refused):
            if run.name(found) not in known:
                run.refusals.append(found)
            continue
        if run.name(found) in known:
            run.summary.already_recorded += 1
            _release(found)
            continue
        group.append(found)
        group_bytes += found.size
        if len(group) >= TASK_FILES or group_bytes >= TASK_BYTES:
            submit()
        while len(pending) >= window:
            settle()
    if group:
        submit()
    while pending:
        settle()
    run.flush()


@contextmanager
def _executor(given: Executor | None, scheduler: str | None) -> Iterator[Executor]:
    if given is not None:
        yield given
        return
    with open_executor(scheduler) as pool:
        yield pool


def ingest(factory: sessionmaker[Session], actor: Actor, reference: str, path: Path,
           source: str, settings: Settings, *, scheduler: str | None = None,
           progress: Progress | None = None, batch_size: int = 64,
           executor: Executor | None = None,
           only: Collection[str] | None = None) -> IngestSummary:
    """Store and analyse every file under `path` into the case; see the module docstring.

    `executor` runs the work in the caller's own pool (a web upload uses a thread); otherwise
    local worker processes, or the Dask cluster at `scheduler`. `only` narrows a folder to the
    files it names (relative POSIX paths) when the folder holds more than the evidence, such
    as the Downloads folder a loose chat export lies in; they are named as a full ingest of
    the folder would name them, so a re-run with or without `only` skips what was recorded."""
    _check(path, source)
    case_ref, known = _prepare(factory, actor, reference, source)
    started = time.perf_counter()
    prefix = f"{readable_name(path.resolve().name)}/" if path.is_dir() else ""
    run = _Run(factory, actor, case_ref, source.strip(), IngestSummary(case_ref, source.strip()),
               progress, open_vault(settings), prefix)
    spool_root = settings.home / "spool"
    spool_root.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(dir=spool_root) as spool, \
                _executor(executor, scheduler or settings.scheduler or None) as pool:
            _pump(run, pool, path, Path(spool), known, window=4 * cores(),
                  batch_size=batch_size, only=only)
    finally:
        run.summary.seconds = time.perf_counter() - started
    with transaction(factory) as session:
        audit.record(session, actor, "evidence.ingest", "case", case_ref, detail={
            "source": run.summary.source, "files": run.summary.files,
            "new_content": run.summary.new_content, "refused": len(run.summary.refused),
            "already_recorded": run.summary.already_recorded})
    AFTER_INGEST(factory, actor, run.summary)
    return run.summary
