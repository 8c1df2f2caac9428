"""One immutable batch of PDQ codes with its ids, its search structure and its removals."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from nigehbaan.matching.mih import Hits, Int64s, MihSearcher, best_chunks, expected_candidates
from nigehbaan.matching.pdq_codes import Codes, brute_force_search
from nigehbaan.matching.segments import rows_with_ids

_CANDIDATES_PER_BLOCK = 1 << 21


class PdqSegment:
    """Codes sorted by id, so removing by id is a binary search and needs no id → row map.

    Removal only clears `alive`; the segment is rebuilt when its owner compacts it. Small
    segments are scanned, larger ones get multi-index hashing tables: whichever the cost model
    says is cheaper for their size.
    """

    __slots__ = ("_block", "_mih", "alive", "codes", "ids", "radius")

    def __init__(self, codes: Codes, ids: Int64s, radius: int) -> None:
        order = np.argsort(ids, kind="stable")
        self.ids: Int64s = np.ascontiguousarray(ids[order], dtype=np.int64)
        self.codes: Codes = np.ascontiguousarray(codes[order], dtype=np.uint64)
        self.alive: npt.NDArray[np.bool_] = np.ones(len(ids), dtype=bool)
        self.radius = radius
        chunks = best_chunks(len(ids), radius)
        self._mih = MihSearcher(self.codes, chunks) if chunks else None
        per_query = expected_candidates(chunks, len(ids)) if chunks else float(len(ids))
        self._block = int(np.clip(_CANDIDATES_PER_BLOCK / max(per_query, 1.0), 16, 4096))

    @property
    def query_block(self) -> int:
        """How many queries to search at once so temporary arrays stay around 100 MB."""
        return self._block

    @property
    def nbytes(self) -> int:
        own = self.ids.nbytes + self.codes.nbytes + self.alive.nbytes
        return own + (self._mih.nbytes if self._mih else 0)

    def rows_of(self, ids: Int64s) -> Int64s:
        """Rows holding these ids (live or not); ids not here are left out."""
        return rows_with_ids(self.ids, ids)

    def live_data(self) -> Codes:
        return self.codes[self.alive]

    def search(self, queries: Codes, radius: int) -> Hits:
        """(query, id, distance) of every live code within `radius` of a query."""
        if self._mih is not None:
            q, r, d = self._mih.search(queries, radius)
        else:
            q, r, d = brute_force_search(self.codes, queries, radius)
        live = self.alive[r]
        return q[live], self.ids[r[live]], d[live]
