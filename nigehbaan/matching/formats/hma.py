"""HMA / python-threatexchange signal files: one `<signal_type> <signal>` per line.

This is the layout of ThreatExchange's local-file exchange, the simplest way HMA banks are shared
as files: the signal type's name, one space, the signal. Blank lines are skipped. A file whose
lines carry no type can be read by giving `signal_type`, as that exchange allows too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from nigehbaan.core.errors import shown
from nigehbaan.matching.entry import HashEntry
from nigehbaan.matching.errors import HashListError
from nigehbaan.matching.formats.base import HashListFormat
from nigehbaan.matching.formats.registry import register_format
from nigehbaan.matching.hashes import HashType, normalise_hex

SIGNAL_TYPES: dict[str, HashType] = {"pdq": HashType.PDQ, "video_md5": HashType.MD5}


@register_format
class HmaFormat(HashListFormat):
    name = "hma"
    description = "HMA/ThreatExchange signal file: '<signal_type> <signal>' lines"

    def __init__(self, signal_type: str | None = None) -> None:
        if signal_type is not None and signal_type not in SIGNAL_TYPES:
            raise ValueError(_unsupported(signal_type))
        self.signal_type = signal_type

    def read(self, stream: TextIO) -> Iterator[HashEntry]:
        for number, line in enumerate(stream, start=1):
            text = line.strip()
            if text:
                yield self._entry(text, f"line {number}")

    def _entry(self, text: str, position: str) -> HashEntry:
        if self.signal_type is None:
            signal_type, _, signal = text.partition(" ")
            if not signal:
                raise HashListError(f"expected '<signal_type> <signal>', got {shown(text)}",
                                    position)
        else:
            signal_type, signal = self.signal_type, text
        if signal_type not in SIGNAL_TYPES:
            raise HashListError(_unsupported(signal_type), position)
        hash_type = SIGNAL_TYPES[signal_type]
        try:
            value = normalise_hex(signal, hash_type)
        except ValueError as exc:
            raise HashListError(str(exc), position) from None
        return HashEntry(hash_type, value, position, extra={"signal_type": signal_type})


def _unsupported(signal_type: str) -> str:
    return f"unsupported signal type {shown(signal_type)} (supported: {', '.join(SIGNAL_TYPES)})"
