"""The hasher plugin interface and its registry.

Two families share one interface: stream hashers (MD5, SHA-1, SHA-256) see raw bytes in a single
pass, media hashers (PDQ, frame PDQ) see decoded pixels. Adding TMK+PDQF or a licensed PhotoDNA
later is one class registered here; the pipeline asks the registry, never names an algorithm.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar, Protocol

from nigehbaan.evidence.filetype import FileType

if TYPE_CHECKING:
    from nigehbaan.evidence.perceptual import PerceptualResult
    from nigehbaan.evidence.source import MediaSource


class Digest(Protocol):
    """What `hashlib` objects offer; any incremental hash can be wrapped to fit."""

    def update(self, data: bytes, /) -> None: ...

    def hexdigest(self) -> str: ...


class Hasher(ABC):
    name: ClassVar[str]
    """Stable identifier: stored with every hash and used by hash lists (`md5`, `pdq`)."""

    @abstractmethod
    def applies_to(self, filetype: FileType) -> bool: ...


class StreamHasher(Hasher):
    """Fed every byte of every file, so it must be cheap and need no decoding."""

    def applies_to(self, filetype: FileType) -> bool:
        return True

    @abstractmethod
    def new(self) -> Digest: ...


class MediaHasher(Hasher):
    """Runs on decoded content; must report failures in its result, never raise."""

    @abstractmethod
    def compute(self, source: MediaSource) -> PerceptualResult: ...


class HasherRegistry:
    def __init__(self, hashers: Iterable[Hasher] = ()) -> None:
        self._hashers: dict[str, Hasher] = {}
        for hasher in hashers:
            self.register(hasher)

    def register(self, hasher: Hasher) -> None:
        if hasher.name in self._hashers:
            raise ValueError(f"a hasher named {hasher.name!r} is already registered")
        self._hashers[hasher.name] = hasher

    def get(self, name: str) -> Hasher:
        return self._hashers[name]

    @property
    def names(self) -> list[str]:
        return list(self._hashers)

    def stream_hashers(self) -> list[StreamHasher]:
        return [h for h in self._hashers.values() if isinstance(h, StreamHasher)]

    def media_hashers(self, filetype: FileType) -> list[MediaHasher]:
        return [h for h in self._hashers.values()
                if isinstance(h, MediaHasher) and h.applies_to(filetype)]
