"""Everything one file tells us, computed without a database so any worker can do it.

`analyse` is a pure function of the file's bytes: the result is a frozen, picklable value the
caller records, so the same file analysed on a laptop or on a Dask worker gives equal facts.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from nigehbaan.evidence.filetype import FileType, Kind
from nigehbaan.evidence.hashers import HasherRegistry
from nigehbaan.evidence.hashing import Digests, hash_file
from nigehbaan.evidence.metadata import MediaMetadata, read_metadata
from nigehbaan.evidence.perceptual import PerceptualResult
from nigehbaan.evidence.plugins import default_registry
from nigehbaan.evidence.previews import make_preview
from nigehbaan.evidence.source import MediaSource, UnreadableMedia
from nigehbaan.evidence.video_metadata import read_video_metadata

_DEFAULT = default_registry()


@dataclass(frozen=True, slots=True)
class Facts:
    digests: Digests
    filetype: FileType
    metadata: MediaMetadata | None
    """EXIF for images, container tags for videos (their duration is in the frame hashes)."""
    signals: tuple[PerceptualResult, ...]
    """One result per media hasher that applies to the type, each possibly unavailable."""
    preview: bytes | None
    """A blurred greyscale JPEG (contact sheet for a video), to be stored apart from evidence."""
    preview_problem: str | None = None

    def signal(self, algorithm: str) -> PerceptualResult | None:
        return next((s for s in self.signals if s.algorithm == algorithm), None)

    @property
    def duration(self) -> float | None:
        return next((s.duration for s in self.signals if s.duration is not None), None)


def _preview(source: MediaSource) -> tuple[bytes | None, str | None]:
    if source.filetype.kind not in (Kind.IMAGE, Kind.VIDEO):
        return None, None
    try:
        return make_preview(source), None
    except UnreadableMedia as error:
        return None, str(error)


def _metadata(source: MediaSource) -> MediaMetadata | None:
    if source.filetype.kind is Kind.IMAGE:
        return read_metadata(source)
    if source.filetype.kind is Kind.VIDEO:
        return read_video_metadata(source)
    return None


def analyse_path(path: Path, *, digests: Digests | None = None,
                 registry: HasherRegistry = _DEFAULT) -> Facts:
    """Pass `digests` when they were already computed (the vault computes them while storing)."""
    if digests is None:
        digests = hash_file(path, registry.stream_hashers())
    source = MediaSource(path)
    metadata = _metadata(source)
    signals = tuple(h.compute(source) for h in registry.media_hashers(source.filetype))
    preview, problem = _preview(source)
    return Facts(digests, source.filetype, metadata, signals, preview, problem)


def analyse(source: Path | BinaryIO, *, registry: HasherRegistry = _DEFAULT) -> Facts:
    """Decoders need to seek, so a stream is first spooled to a temporary file."""
    if isinstance(source, Path):
        return analyse_path(source, registry=registry)
    with tempfile.NamedTemporaryFile(prefix="analyse-") as spool:
        shutil.copyfileobj(source, spool, 1 << 20)
        spool.flush()
        return analyse_path(Path(spool.name), registry=registry)
