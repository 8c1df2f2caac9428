"""Project VIC (VICS) OData JSON: 1.x and 2.0 Media lists and case exports.

Three roots are read: `{"odata.metadata": …, "value": [Media…]}` (1.x),
`{"@odata.context": …#Media, "value": [Media…]}` (2.0) and the case export
`{"@odata.context": …#Cases, "value": [{"CaseID": …, "Media": [Media…]}]}`. The walk is
streamed: only one Media record is held at a time (see `nigehbaan.core.jsonstream`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TextIO

from nigehbaan.core.errors import shown
from nigehbaan.core.jsonstream import JsonReader, JsonStreamError
from nigehbaan.matching.entry import HashEntry
from nigehbaan.matching.errors import HashListError
from nigehbaan.matching.formats.base import ExportItem, HashListFormat
from nigehbaan.matching.formats.registry import register_format
from nigehbaan.matching.hashes import HashType, normalise_hex

CONTEXT_2_0 = "http://github.com/ICMEC/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media"
HASH_FIELDS = {"MD5": HashType.MD5, "SHA1": HashType.SHA1, "SHA256": HashType.SHA256}
BOOL_FIELDS = ("VictimIdentified", "OffenderIdentified", "IsDistributed", "IsPrecategorized")
KEPT_FIELDS = ("MediaSize", "PhotoDNA", "Tags", "DateUpdated", "MimeType", "Comments")
MAX_DEPTH = 20
"""Of a kept field's value: VICS's own are flat (`Tags` is a list of strings)."""
_BOOL_TEXT = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


@register_format
class VicsFormat(HashListFormat):
    """One entry per hash of a Media record; records with no MD5/SHA-1/SHA-256 yield none.

    PhotoDNA is licensed and opaque to us, so a PhotoDNA-only record cannot be matched here; such
    records are counted in `skipped` (with the first positions) so an import can report them.
    A missing `Category` reads as "0": VICS writers may omit a zero category.
    """

    name = "vics"
    description = "Project VIC OData JSON (1.x, 2.0, case exports)"

    def __init__(self) -> None:
        self.skipped = 0
        self.skipped_positions: list[str] = []

    def read(self, stream: TextIO) -> Iterator[HashEntry]:
        reader = JsonReader(stream)
        try:
            yield from self._document(reader)
        except JsonStreamError as exc:
            raise HashListError(f"malformed JSON: {exc.problem}", str(exc.position)) from None

    def _document(self, reader: JsonReader) -> Iterator[HashEntry]:
        found_value = False
        for key in reader.members("a JSON object at the root"):
            if key == "value":
                found_value = True
                for index in reader.items("a 'value' array"):
                    yield from self._element(reader, f"value[{index}]")
        reader.end()
        if not found_value:
            raise HashListError("no 'value' array at the root: not a VICS OData document")

    def _element(self, reader: JsonReader, where: str) -> Iterator[HashEntry]:
        """A Media record, or a case whose `Media` array is walked without loading it whole."""
        start = str(reader.position())
        if reader.peek() != "{":
            raise HashListError(f"{where} is not a JSON object", start)
        fields: dict[str, Any] = {}
        is_case = False
        for key in reader.members():
            if key == "Media" and reader.peek() == "[":
                is_case = True
                for index in reader.items():
                    position = f"{where}.Media[{index}] ({reader.position()})"
                    yield from self._media(reader.value(), position, fields.get("CaseID"))
            else:
                fields[key] = reader.value()
        if not is_case:
            yield from self._media(fields, f"{where} ({start})", None)

    def _media(self, media: Any, position: str, case_id: Any) -> Iterator[HashEntry]:
        if not isinstance(media, dict):
            raise HashListError("a Media record is not a JSON object", position)
        extra = _extra(media, position)
        if case_id is not None:
            extra["CaseID"] = _storable(case_id, "CaseID", position)
        hashes = [(t, media[f]) for f, t in HASH_FIELDS.items() if media.get(f)]
        if not hashes:
            self.skipped += 1
            if len(self.skipped_positions) < 100:
                self.skipped_positions.append(position)
            return
        category = _category(media.get("Category", 0), position)
        series = _optional_text(media.get("Series"), "Series", position)
        media_id = _optional_text(media.get("MediaID"), "MediaID", position)
        for hash_type, raw in hashes:
            try:
                value = normalise_hex(_text(raw, hash_type.name, position), hash_type)
            except ValueError as exc:
                raise HashListError(str(exc), position) from None
            yield HashEntry(
                hash_type=hash_type,
                value=value,
                position=position,
                category=category,
                series=series,
                media_id=media_id,
                extra=dict(extra),
            )

    def write(self, items: Iterable[ExportItem], stream: TextIO) -> int:
        """Write the 2.0 Media shape, one record per item, streaming.

        Hex is written in capitals as Project VIC tools do. SHA-256 and PDQ have no VICS 2.0
        Media field and are left out; use the CSV export for them.
        """
        stream.write('{"@odata.context": ' + json.dumps(CONTEXT_2_0) + ', "value": [')
        count = 0
        for item in items:
            stream.write(",\n" if count else "\n")
            stream.write(json.dumps(_media_record(item), ensure_ascii=False))
            count += 1
        stream.write("\n]}\n")
        return count


def parse_bool(value: Any, field: str, position: str) -> bool | None:
    """VICS booleans come as JSON booleans or as strings, depending on the exporting tool."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _BOOL_TEXT:
        return _BOOL_TEXT[value.strip().lower()]
    raise HashListError(f"{field} is {shown(value)}, expected true or false", position)


def _extra(media: Mapping[str, Any], position: str) -> dict[str, Any]:
    extra: dict[str, Any] = {f: _storable(media[f], f, position) for f in KEPT_FIELDS
                             if media.get(f) is not None}
    for field in BOOL_FIELDS:
        flag = parse_bool(media.get(field), field, position)
        if flag is not None:
            extra[field] = flag
    return extra


def _category(value: Any, position: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise HashListError(f"Category is {shown(value)}, expected a number", position)
    return str(_storable(value, "Category", position)).strip()


def _text(value: Any, field: str, position: str) -> str:
    if not isinstance(value, str):
        raise HashListError(f"{field} is {shown(value)}, expected a hex string", position)
    return value


def _optional_text(value: Any, field: str, position: str) -> str | None:
    """A text field that some tools write as a number (MediaID)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise HashListError(f"{field} is {shown(value)}, expected text or a number", position)
    return str(_storable(value, field, position))


def _storable(value: Any, field: str, position: str, depth: int = 0) -> Any:
    """`value` as read, refused if it cannot be stored as JSON or text: a number beyond a
    float's range (read as infinity) or NaN, text with an unpaired surrogate escape, or nesting
    deeper than `MAX_DEPTH` (which the recursive steps after reading could not follow)."""
    if depth > MAX_DEPTH:
        raise HashListError(f"{field} is nested more than {MAX_DEPTH} levels deep", position)
    if isinstance(value, float) and not math.isfinite(value):
        raise HashListError(f"{field} holds {value!r}, a number out of range", position)
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise HashListError(f"{field} holds an unpaired surrogate "
                                f"\\u{ord(value[exc.start]):04x}, not text", position) from None
    elif isinstance(value, list):
        for item in value:
            _storable(item, field, position, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable(key, field, position, depth + 1)
            _storable(item, field, position, depth + 1)
    return value


def _media_record(item: ExportItem) -> dict[str, Any]:
    record: dict[str, Any] = {
        "MediaID": int(item.media_id) if item.media_id.isdigit() else item.media_id,
        "Category": _category_out(item.category),
    }
    if item.md5:
        record["MD5"] = item.md5.upper()
    if item.sha1:
        record["SHA1"] = item.sha1.upper()
    optional: dict[str, Any] = {
        "MediaSize": item.size,
        "Series": item.series,
        "VictimIdentified": item.victim_identified,
        "OffenderIdentified": item.offender_identified,
        "IsDistributed": item.is_distributed,
    }
    record.update({k: v for k, v in optional.items() if v is not None})
    if item.tags:
        record["Tags"] = list(item.tags)
    if item.file_name:
        record["MediaFiles"] = [{"FileName": item.file_name}]
    return record


def _category_out(category: int | str | None) -> int | str:
    if category is None:
        return 0
    text = str(category)
    return int(text) if text.isdigit() else text
