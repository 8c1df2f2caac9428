"""In-memory indexes of every list, built from the database and kept per process.

Building a national list's index takes seconds; a match run takes milliseconds. So each process
keeps one `ListIndex` per list and, before a run, compares the list's versions in the database
with the ones it applied: new versions are applied as deltas (entries they added are added,
entries they withdrew removed; the indexes do that without a rebuild), and only a list whose
history no longer continues the cached one (another database, a changed threshold) is rebuilt.
Versions are compared by their random token, not their id, because ids repeat across databases.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import false, select
from sqlalchemy.orm import Session

from nigehbaan.matching.exact_index import ExactIndex
from nigehbaan.matching.hashes import HEX_LENGTHS, HashType
from nigehbaan.matching.models import HashEntry, HashList, HashListVersion
from nigehbaan.matching.pdq_index import PdqIndex

EXACT_TYPES = (HashType.MD5, HashType.SHA1, HashType.SHA256)
LOAD_BATCH = 100_000


@dataclass
class ListIndex:
    list_id: int
    name: str
    kind: str
    threshold: int
    tokens: list[str] = field(default_factory=list)
    exact: dict[HashType, ExactIndex] = field(default_factory=dict)
    pdq: PdqIndex = field(default_factory=PdqIndex)

    def __post_init__(self) -> None:
        self.exact = {t: ExactIndex(t) for t in EXACT_TYPES}
        self.pdq = PdqIndex(radius=self.threshold)

    def add_rows(self, rows: list[Any]) -> None:
        """Rows of (id, hash_type, value)."""
        self.add_parts([self.convert(rows)])

    @staticmethod
    def convert(rows: list[Any]) -> dict[str, tuple[Any, Any]]:
        """Rows → per hash type, (binary codes or digests, ids): 32 bytes an entry, not ~100
        as Python strings, so a national list can be loaded whole before one `add`."""
        grouped: dict[str, tuple[list[str], list[int]]] = defaultdict(lambda: ([], []))
        for entry_id, hash_type, value in rows:
            values, ids = grouped[hash_type]
            values.append(value)
            ids.append(entry_id)
        out: dict[str, tuple[Any, Any]] = {}
        for hash_type, (values, ids) in grouped.items():
            width = HEX_LENGTHS[HashType(hash_type)] // 2
            raw = np.frombuffer(bytes.fromhex("".join(values)), dtype=np.uint8)
            data: Any = raw.reshape(-1, width)
            if hash_type == HashType.PDQ:
                data = raw.view(np.uint64).reshape(-1, 4)
            out[hash_type] = (data, np.asarray(ids, dtype=np.int64))
        return out

    def add_parts(self, parts: list[dict[str, tuple[Any, Any]]]) -> None:
        """One `add` per hash type: adding in many small batches would make the segment list
        merge over and over (each merge rebuilds a segment), a full build's main cost."""
        for hash_type in {t for part in parts for t in part}:
            chunks = [part[hash_type] for part in parts if hash_type in part]
            data = np.concatenate([c[0] for c in chunks])
            ids = np.concatenate([c[1] for c in chunks])
            target = self.pdq if hash_type == HashType.PDQ else self.exact[HashType(hash_type)]
            target.add(data, ids)

    def remove(self, ids: list[int]) -> None:
        array = np.asarray(ids, dtype=np.int64)
        self.pdq.remove(array)
        for index in self.exact.values():
            index.remove(array)


@dataclass
class RefreshStats:
    built: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    added: int = 0
    removed: int = 0
    seconds: float = 0.0


class IndexCache:
    """The indexes of one database in this process; `lock` guards refresh and searches."""

    def __init__(self) -> None:
        self.lists: dict[int, ListIndex] = {}
        self.lock = threading.RLock()
        self.last = RefreshStats()

    def refresh(self, session: Session) -> dict[int, ListIndex]:
        started = time.perf_counter()
        stats = RefreshStats()
        rows = session.execute(
            select(HashList.id, HashList.name, HashList.kind, HashList.pdq_threshold,
                   HashListVersion.id, HashListVersion.token)
            .join(HashListVersion, HashListVersion.list_id == HashList.id)
            .order_by(HashList.id, HashListVersion.number)).all()
        versions: dict[int, list[tuple[int, str]]] = defaultdict(list)
        meta: dict[int, tuple[str, str, int]] = {}
        for list_id, name, kind, threshold, version_id, token in rows:
            versions[list_id].append((version_id, token))
            meta[list_id] = (name, kind, threshold)
        for gone in set(self.lists) - set(versions):
            del self.lists[gone]
        for list_id, history in versions.items():
            name, kind, threshold = meta[list_id]
            tokens = [token for _id, token in history]
            cached = self.lists.get(list_id)
            if (cached is None or cached.threshold != threshold
                    or tokens[:len(cached.tokens)] != cached.tokens):
                self.lists[list_id] = self._build(session, list_id, name, kind, threshold)
                self.lists[list_id].tokens = tokens
                stats.built.append(name)
            elif len(tokens) > len(cached.tokens):
                fresh = [vid for vid, _token in history[len(cached.tokens):]]
                added, removed = self._update(session, cached, fresh)
                cached.tokens, cached.name = tokens, name
                stats.updated.append(name)
                stats.added += added
                stats.removed += removed
        stats.seconds = time.perf_counter() - started
        self.last = stats
        return self.lists

    @staticmethod
    def _build(session: Session, list_id: int, name: str, kind: str,
               threshold: int) -> ListIndex:
        index = ListIndex(list_id, name, kind, threshold)
        query = (select(HashEntry.id, HashEntry.hash_type, HashEntry.value)
                 .where(HashEntry.list_id == list_id, HashEntry.withdrawn == false())
                 .execution_options(yield_per=LOAD_BATCH))
        parts = [index.convert(list(part))
                 for part in session.execute(query).partitions(LOAD_BATCH)]
        index.add_parts(parts)
        return index

    @staticmethod
    def _update(session: Session, index: ListIndex, version_ids: list[int]) -> tuple[int, int]:
        """Entries the new versions added, then those they withdrew (perhaps the same)."""
        added = session.execute(select(HashEntry.id, HashEntry.hash_type, HashEntry.value)
                                .where(HashEntry.first_version_id.in_(version_ids))).all()
        index.add_rows(list(added))
        withdrawn = list(session.execute(select(HashEntry.id).where(
            HashEntry.withdrawn_version_id.in_(version_ids))).scalars())
        if withdrawn:
            index.remove(withdrawn)
        return len(added), len(withdrawn)


_CACHES: dict[str, IndexCache] = {}
_GUARD = threading.Lock()


def cache_for(session: Session) -> IndexCache:
    """The process's cache for the database this session talks to."""
    key = session.get_bind().engine.url.render_as_string(hide_password=True)
    with _GUARD:
        return _CACHES.setdefault(key, IndexCache())
