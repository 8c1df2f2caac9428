import io

import pytest

from nigehbaan.matching.entry import HashEntry
from nigehbaan.matching.errors import HashListError
from nigehbaan.matching.formats import ExportItem, get_format
from nigehbaan.matching.hashes import HashType

MD5 = "0123456789abcdef0123456789abcdef"
SHA1 = "0123456789abcdef0123456789abcdef01234567"
SHA256 = "ab" * 32


def read(text: str) -> list[HashEntry]:
    return list(get_format("csv").read(io.StringIO(text)))


def test_reads_all_columns_and_normalises_case() -> None:
    entries = read(
        "hash_type,hash,category,source,series\n"
        f"MD5,{MD5.upper()},1,NCMEC,S-7\n"
        f"sha1,{SHA1},,,\n"
        f"sha256,{SHA256},A,,\n"
        f"pdq,{SHA256},B,,\n"
    )
    assert [(e.hash_type, e.value) for e in entries] == [
        (HashType.MD5, MD5),
        (HashType.SHA1, SHA1),
        (HashType.SHA256, SHA256),
        (HashType.PDQ, SHA256),
    ]
    assert (entries[0].category, entries[0].source, entries[0].series) == ("1", "NCMEC", "S-7")
    assert entries[1].category is None and entries[0].position == "line 2"


def test_columns_in_any_order_and_extra_columns_kept() -> None:
    [entry] = read(f"hash,note,hash_type\n{MD5},seen twice,md5\n")
    assert entry.value == MD5 and entry.extra == {"note": "seen twice"}


def test_blank_lines_are_skipped() -> None:
    assert len(read(f"hash_type,hash\n\n{'md5'},{MD5}\n,\n")) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1: empty file"),
        ("type,hash\n", "line 1: header lacks column(s) hash_type"),
        ("hash_type,hash,hash\n", "line 1: header repeats column(s) hash"),
        (f"hash_type,hash\nmd5,{MD5[:-1]}\n", "line 2: md5 hash '0123456789abcdef01234567"),
        (f"hash_type,hash\nmd5,{MD5[:-1]}g\n", "line 2: md5 hash"),
        (f"hash_type,hash\nmd4,{MD5}\n", "line 2: unknown hash type 'md4'"),
        (f"hash_type,hash\nmd5,{MD5},extra\n", "line 2: 3 fields but the header has 2"),
        (f'hash_type,hash\nmd5,"{MD5}\n', "malformed CSV"),
    ],
)
def test_bad_input_names_line_and_problem(text: str, message: str) -> None:
    with pytest.raises(HashListError) as caught:
        read(text)
    assert message in caught.value.detail


def test_non_hex_character_is_named() -> None:
    with pytest.raises(HashListError, match="non-hex character 'g'"):
        read(f"hash_type,hash\nmd5,{MD5[:-1]}g\n")


def test_writer_round_trips_one_line_per_hash() -> None:
    items = [
        ExportItem("7", md5=MD5.upper(), sha1=SHA1, category=1, series="S", source="unit"),
        ExportItem("8", sha256=SHA256, pdq=SHA256),
    ]
    out = io.StringIO()
    assert get_format("csv").write(items, out) == 2
    entries = read(out.getvalue())
    assert [(e.hash_type.value, e.value, e.category) for e in entries] == [
        ("md5", MD5, "1"),
        ("sha1", SHA1, "1"),
        ("sha256", SHA256, None),
        ("pdq", SHA256, None),
    ]
