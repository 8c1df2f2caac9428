"""Our CSV interchange: `hash_type,hash[,category][,source][,series]` with a header row."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import TextIO

from nigehbaan.core.errors import cut
from nigehbaan.matching.entry import HashEntry
from nigehbaan.matching.errors import HashListError
from nigehbaan.matching.formats.base import ExportItem, HashListFormat
from nigehbaan.matching.formats.registry import register_format
from nigehbaan.matching.hashes import HashType, normalise_hex, parse_hash_type

REQUIRED = ("hash_type", "hash")
OPTIONAL = ("category", "source", "series")
COLUMNS = REQUIRED + OPTIONAL


@register_format
class CsvFormat(HashListFormat):
    """Columns are found by header name, so their order is free; other columns go to `extra`."""

    name = "csv"
    description = "CSV with a header: hash_type,hash[,category][,source][,series]"

    def read(self, stream: TextIO) -> Iterator[HashEntry]:
        reader = csv.reader(stream, strict=True)
        try:
            header = [h.strip().lower() for h in next(reader, [])]
            _check_header(header)
            for row in reader:
                if any(cell.strip() for cell in row):
                    yield _entry(header, row, reader.line_num)
        except csv.Error as exc:
            raise HashListError(f"malformed CSV ({exc})", f"line {reader.line_num}") from None

    def write(self, items: Iterable[ExportItem], stream: TextIO) -> int:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(COLUMNS)
        count = 0
        for item in items:
            category = "" if item.category is None else str(item.category)
            for hash_type, value in _hashes_of(item):
                writer.writerow(
                    [hash_type, value.lower(), category, item.source or "", item.series or ""]
                )
            count += 1
        return count


def _check_header(header: list[str]) -> None:
    if not header:
        raise HashListError("empty file: expected a header row hash_type,hash", "line 1")
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise HashListError(
            f"header lacks column(s) {', '.join(missing)} (found: {cut(','.join(header))})",
            "line 1",
        )
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        raise HashListError(f"header repeats column(s) {cut(', '.join(repeated))}", "line 1")


def _entry(header: list[str], row: list[str], line: int) -> HashEntry:
    position = f"line {line}"
    if len(row) > len(header):
        raise HashListError(f"{len(row)} fields but the header has {len(header)}", position)
    cells = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
    try:
        hash_type = parse_hash_type(cells["hash_type"])
        value = normalise_hex(cells["hash"], hash_type)
    except ValueError as exc:
        raise HashListError(str(exc), position) from None
    extra = {k: v for k, v in cells.items() if k not in COLUMNS and v}
    return HashEntry(
        hash_type=hash_type,
        value=value,
        position=position,
        category=cells.get("category") or None,
        source=cells.get("source") or None,
        series=cells.get("series") or None,
        extra=extra,
    )


def _hashes_of(item: ExportItem) -> list[tuple[str, str]]:
    pairs = [
        (HashType.MD5, item.md5),
        (HashType.SHA1, item.sha1),
        (HashType.SHA256, item.sha256),
        (HashType.PDQ, item.pdq),
    ]
    return [(t.value, v) for t, v in pairs if v]
