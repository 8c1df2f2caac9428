"""The interface every hash-list format implements, and what exports are made of."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, TextIO

from nigehbaan.matching.entry import HashEntry
from nigehbaan.matching.errors import HashListError


@dataclass(frozen=True, slots=True)
class ExportItem:
    """One of our own media items, as an export writes it.

    Per item rather than per hash because VICS describes media (one record, several hashes);
    the CSV writer spreads it over one line per hash.
    """

    media_id: str
    md5: str | None = None
    sha1: str | None = None
    sha256: str | None = None
    pdq: str | None = None
    category: int | str | None = None
    series: str | None = None
    source: str | None = None
    size: int | None = None
    file_name: str | None = None
    victim_identified: bool | None = None
    offender_identified: bool | None = None
    is_distributed: bool | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)


class HashListFormat(ABC):
    """A reader (and perhaps writer) of one list format.

    Readers stream: `read` yields entries as it goes and keeps no cross-entry state, so a list of
    millions of lines costs the memory of one entry. Everything wrong with the input raises
    `HashListError` naming where; callers that must import all-or-nothing collect first.
    """

    name: ClassVar[str]
    description: ClassVar[str]

    @abstractmethod
    def read(self, stream: TextIO) -> Iterator[HashEntry]:
        """Yield the list's entries in file order."""

    def read_path(self, path: Path) -> Iterator[HashEntry]:
        """Read a file: UTF-8 with or without the byte-order mark some Windows tools write."""
        with path.open(encoding="utf-8-sig", newline="") as stream:
            try:
                yield from self.read(stream)
            except UnicodeDecodeError as exc:
                raise HashListError(f"not UTF-8 text ({exc.reason})", f"byte {exc.start}") from None

    def write(self, items: Iterable[ExportItem], stream: TextIO) -> int:
        """Write our items in this format and return how many were written."""
        raise NotImplementedError(f"the {self.name} format cannot be written")

    @property
    def writable(self) -> bool:
        return type(self).write is not HashListFormat.write
