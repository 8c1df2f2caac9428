import io
import json
from typing import Any

import pytest

from nigehbaan.matching.entry import HashEntry
from nigehbaan.matching.errors import HashListError
from nigehbaan.matching.formats import ExportItem, get_format
from nigehbaan.matching.formats.vics import VicsFormat
from nigehbaan.matching.hashes import HashType

MD5 = "0123456789ABCDEF0123456789ABCDEF"
SHA1 = "0123456789ABCDEF0123456789ABCDEF01234567"
MEDIA = {
    "MediaID": 11,
    "Category": 1,
    "MD5": MD5,
    "SHA1": SHA1,
    "MediaSize": 2048,
    "PhotoDNA": "opaque+base64==",
    "Series": "Series-X",
    "VictimIdentified": "True",
    "OffenderIdentified": False,
    "IsDistributed": "false",
    "Tags": ["t1"],
    "MediaFiles": [{"FileName": "a.jpg"}],
}


def read(doc: Any, fmt: VicsFormat | None = None) -> list[HashEntry]:
    text = doc if isinstance(doc, str) else json.dumps(doc, indent=1)
    return list((fmt or VicsFormat()).read(io.StringIO(text)))


@pytest.mark.parametrize(
    "root",
    [
        {"odata.metadata": "http://x/DataModels/1.3.xml#Media", "value": [MEDIA]},
        {"@odata.context": "http://x/DataModels/2.0.xml/Default/$metadata#Media", "value": [MEDIA]},
        {"value": [{"CaseID": 5, "Media": [MEDIA]}], "@odata.context": "http://x/$metadata#Cases"},
    ],
    ids=["1.x", "2.0", "case-export"],
)
def test_three_root_shapes_give_the_same_entries(root: dict[str, Any]) -> None:
    md5, sha1 = read(root)
    assert (md5.hash_type, md5.value) == (HashType.MD5, MD5.lower())
    assert (sha1.hash_type, sha1.value) == (HashType.SHA1, SHA1.lower())
    assert (md5.media_id, md5.category, md5.series) == ("11", "1", "Series-X")
    assert md5.extra["PhotoDNA"] == "opaque+base64=="
    assert md5.extra["VictimIdentified"] is True and md5.extra["IsDistributed"] is False
    assert md5.extra["OffenderIdentified"] is False and md5.extra["MediaSize"] == 2048


def test_case_export_position_and_case_id() -> None:
    doc = {"value": [{"CaseID": 5, "Media": [MEDIA, {"MediaID": 12, "MD5": MD5}]}]}
    entries = read(doc)
    assert entries[-1].position.startswith("value[0].Media[1] (line ")
    assert entries[-1].extra["CaseID"] == 5 and entries[-1].category == "0"


def test_photodna_only_media_is_counted_not_matched() -> None:
    fmt = VicsFormat()
    entries = read({"value": [{"MediaID": 1, "PhotoDNA": "x"}, MEDIA]}, fmt)
    assert len(entries) == 2 and fmt.skipped == 1
    assert fmt.skipped_positions[0].startswith("value[0]")


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ('{"value": [{"MD5": "' + MD5 + '"}', "malformed JSON"),
        ('{"value": [{"MD5": "' + MD5 + '",}]}', "line 1"),
        ("[1, 2]", "a JSON object at the root"),
        ('{"odata.metadata": "x"}', "no 'value' array"),
        ({"value": [{"MD5": MD5[:-2]}]}, "value[0] (line 3, character"),
        ({"value": [{"MD5": MD5[:-1] + "Q"}]}, "non-hex character 'q'"),
        ({"value": [{"MD5": MD5, "VictimIdentified": "maybe"}]}, "VictimIdentified is 'maybe'"),
        ({"value": [{"MD5": MD5, "Category": [1]}]}, "Category is [1]"),
        ({"value": [5]}, "value[0] is not a JSON object"),
        ('{"value": []} trailing', "data after the end"),
    ],
)
def test_bad_documents(doc: Any, message: str) -> None:
    with pytest.raises(HashListError) as caught:
        read(doc)
    assert message in caught.value.detail


def test_error_position_counts_lines_across_buffer_refills() -> None:
    media = [{"MediaID": i, "MD5": MD5} for i in range(3000)]
    media.append({"MediaID": 3000, "MD5": "zz"})
    text = json.dumps({"value": media}, indent=1)
    line = text[: text.index('"zz"')].count("\n") + 1
    with pytest.raises(HashListError, match=f"value\\[3000\\] \\(line {line - 2}, "):
        list(VicsFormat().read(io.StringIO(text)))


class Trickle(io.StringIO):
    """Hands out at most `chunk` characters per read, as a slow pipe does."""

    def __init__(self, text: str, chunk: int) -> None:
        super().__init__(text)
        self.chunk = chunk

    def read(self, size: int | None = -1) -> str:
        return super().read(self.chunk)


def test_numbers_split_by_the_buffer_are_read_whole() -> None:
    text = json.dumps({"value": [{"MediaID": 123456789, "Category": 2, "MD5": MD5}]})
    fmt = get_format("vics")
    for chunk in (3, 7, 11):
        [entry] = fmt.read(Trickle(text, chunk))
        assert (entry.media_id, entry.category) == ("123456789", "2")


def test_writer_produces_a_2_0_document_that_reads_back() -> None:
    items = [
        ExportItem("1", md5=MD5.lower(), sha1=SHA1.lower(), category=2, victim_identified=True),
        ExportItem("case-9/2", md5=MD5.lower(), series="S", tags=("new",), file_name="b.png"),
    ]
    out = io.StringIO()
    assert VicsFormat().write(items, out) == 2
    doc = json.loads(out.getvalue())
    assert doc["@odata.context"].endswith("2.0.xml/Default/$metadata#Media")
    assert doc["value"][0]["MD5"] == MD5 and doc["value"][0]["MediaID"] == 1
    assert doc["value"][1]["MediaFiles"] == [{"FileName": "b.png"}]
    entries = read(out.getvalue())
    assert [(e.media_id, e.hash_type.value, e.category) for e in entries] == [
        ("1", "md5", "2"),
        ("1", "sha1", "2"),
        ("case-9/2", "md5", "0"),
    ]
