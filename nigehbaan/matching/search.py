"""Searching a case's items in the list indexes: what matched, how and how closely.

Pure computation over the indexes and the items' hashes (no writes), so the same function
serves a match run, the export of new material (which must know what no list holds) and the
benchmark. Every method yields `Found` rows; the caller decides what to record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import false, func, select
from sqlalchemy.orm import Session

from nigehbaan.matching.dihedral import VARIANTS
from nigehbaan.matching.hashes import HashType
from nigehbaan.matching.indexes import EXACT_TYPES, ListIndex
from nigehbaan.matching.models import HashEntry
from nigehbaan.matching.pdq_codes import Codes, codes_from_hex
from nigehbaan.matching.video import DEFAULT_THRESHOLD, MIN_QUALITY


@dataclass(frozen=True, slots=True)
class Query:
    """One evidence item's hashes. `slots`: a run over a seized phone makes thousands."""

    item_id: int
    kind: str
    md5: str
    sha1: str
    sha256: str
    pdq: str | None
    quality: int | None
    frames: tuple[tuple[str, int], ...] = ()
    """A video's (PDQ, quality) per sampled second."""

    @property
    def comparable(self) -> bool:
        return self.pdq is not None and (self.quality or 0) >= MIN_QUALITY

    def usable_frames(self, min_quality: int) -> list[str]:
        return sorted({pdq for pdq, quality in self.frames if quality >= min_quality})


@dataclass(frozen=True, slots=True)
class Found:
    item_id: int
    list_id: int
    entry_id: int
    method: str
    distance: int | None = None
    query_quality: int | None = None
    query_share: float | None = None
    candidate_share: float | None = None
    variant: str = ""


DihedralSource = Callable[[Query], Codes | None]
"""The eight variants' codes of an image (in `dihedral.VARIANTS` order), or None."""


@dataclass
class Options:
    dihedral: DihedralSource | None = None
    video_threshold: float = DEFAULT_THRESHOLD
    min_quality: int = MIN_QUALITY
    methods: set[str] = field(default_factory=lambda: {"exact", "pdq", "vpdq"})


def exact(queries: Sequence[Query], index: ListIndex) -> list[Found]:
    found: list[Found] = []
    for hash_type in EXACT_TYPES:
        table = index.exact[hash_type]
        if not len(table) or not queries:
            continue
        hexes = [getattr(q, hash_type.value) for q in queries]
        hits = table.lookup(hexes)
        for q, entry in zip(hits.query.tolist(), hits.ids.tolist(), strict=True):
            found.append(Found(queries[q].item_id, index.list_id, entry,
                               f"exact-{hash_type.value}", 0))
    return found


def near(queries: Sequence[Query], index: ListIndex) -> list[Found]:
    images = [q for q in queries if q.kind != "video" and q.comparable]
    if not images or not len(index.pdq):
        return []
    hits = index.pdq.search_hex([q.pdq or "" for q in images])
    return [Found(images[q].item_id, index.list_id, entry, "pdq", dist, images[q].quality)
            for q, entry, dist in zip(hits.query.tolist(), hits.ids.tolist(),
                                      hits.distance.tolist(), strict=True)]


def rotated(queries: Sequence[Query], index: ListIndex, source: DihedralSource,
            already: set[int]) -> list[Found]:
    """The deeper pass: the seven other variants of comparable images not matched yet."""
    found: list[Found] = []
    if not len(index.pdq):
        return found
    for query in queries:
        if query.kind == "video" or not query.comparable or query.item_id in already:
            continue
        codes = source(query)
        if codes is None:
            continue
        hits = index.pdq.search(codes[1:])
        best: dict[int, tuple[int, int]] = {}
        for v, entry, dist in zip(hits.query.tolist(), hits.ids.tolist(),
                                  hits.distance.tolist(), strict=True):
            if entry not in best or dist < best[entry][0]:
                best[entry] = (dist, v + 1)
        found += [Found(query.item_id, index.list_id, entry, "pdq-dihedral", dist,
                        query.quality, variant=VARIANTS[v]) for entry, (dist, v) in best.items()]
    return found


def videos(session: Session, queries: Sequence[Query], index: ListIndex,
           threshold: float, min_quality: int) -> list[Found]:
    """vPDQ-style: a list video is its entries sharing a media id; see `video` for the rule."""
    found: list[Found] = []
    if not len(index.pdq):
        return found
    for query in queries:
        frames = query.usable_frames(min_quality)
        if query.kind != "video" or not frames:
            continue
        hits = index.pdq.search(codes_from_hex(frames))
        if not len(hits):
            continue
        media = _media_of(session, hits.ids.tolist())
        per_media: dict[str, tuple[set[int], set[int], int, int]] = {}
        for q, entry, dist in zip(hits.query.tolist(), hits.ids.tolist(),
                                  hits.distance.tolist(), strict=True):
            if entry not in media:
                continue
            frames_hit, entries_hit, best, best_entry = per_media.get(
                media[entry], (set(), set(), 999, entry))
            frames_hit.add(q)
            entries_hit.add(entry)
            if dist < best:
                best, best_entry = dist, entry
            per_media[media[entry]] = (frames_hit, entries_hit, best, best_entry)
        sizes = _media_sizes(session, index.list_id, list(per_media), min_quality)
        for media_id, (frames_hit, entries_hit, best, entry) in sorted(per_media.items()):
            share = len(frames_hit) / len(frames)
            if share + 1e-9 >= threshold:
                found.append(Found(query.item_id, index.list_id, entry, "vpdq", best,
                                   query.quality, round(share, 4),
                                   round(len(entries_hit) / max(1, sizes[media_id]), 4)))
    return found


def _media_of(session: Session, entry_ids: list[int]) -> dict[int, str]:
    rows = session.execute(select(HashEntry.id, HashEntry.media_id).where(
        HashEntry.id.in_(sorted(set(entry_ids))), HashEntry.media_id.is_not(None))).all()
    return {entry_id: str(media_id) for entry_id, media_id in rows}


def _media_sizes(session: Session, list_id: int, media_ids: list[str],
                 min_quality: int) -> dict[str, int]:
    if not media_ids:
        return {}
    usable = HashEntry.quality.is_(None) | (HashEntry.quality >= min_quality)
    rows = session.execute(select(HashEntry.media_id, func.count(HashEntry.id)).where(
        HashEntry.list_id == list_id, HashEntry.media_id.in_(media_ids),
        HashEntry.hash_type == HashType.PDQ.value, HashEntry.withdrawn == false(), usable)
        .group_by(HashEntry.media_id)).all()
    sizes: dict[str, int] = defaultdict(int)
    sizes.update({str(media_id): int(count) for media_id, count in rows})
    return sizes


def search_all(session: Session, queries: Sequence[Query], indexes: Sequence[ListIndex],
               options: Options) -> list[Found]:
    found: list[Found] = []
    for index in indexes:
        if "exact" in options.methods:
            found += exact(queries, index)
        if "pdq" in options.methods:
            found += near(queries, index)
        if "vpdq" in options.methods:
            found += videos(session, queries, index, options.video_threshold,
                            options.min_quality)
    if options.dihedral is not None:
        matched = {f.item_id for f in found}
        for index in indexes:
            found += rotated(queries, index, options.dihedral, matched)
    return found

