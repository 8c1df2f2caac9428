import io
from pathlib import Path

import pytest

from nigehbaan.matching.errors import HashListError
from nigehbaan.matching.formats import available_formats, get_format
from nigehbaan.matching.hashes import HashType

PDQ = "f" * 16 + "0" * 48
MD5 = "d41d8cd98f00b204e9800998ecf8427e"


def test_registry_lists_every_builtin_format_and_refuses_unknown() -> None:
    assert set(available_formats()) == {"csv", "hma", "plain", "vics"}
    assert get_format("csv").writable and get_format("vics").writable
    assert not get_format("plain").writable
    with pytest.raises(ValueError, match="unknown hash-list format 'xml'"):
        get_format("xml")


def test_hma_reads_pdq_and_video_md5_lines() -> None:
    text = f"pdq {PDQ.upper()}\n\nvideo_md5 {MD5}\n"
    entries = list(get_format("hma").read(io.StringIO(text)))
    assert [(e.hash_type, e.value, e.position) for e in entries] == [
        (HashType.PDQ, PDQ, "line 1"),
        (HashType.MD5, MD5, "line 3"),
    ]
    assert entries[1].extra == {"signal_type": "video_md5"}


def test_hma_untyped_lines_with_a_given_signal_type() -> None:
    [entry] = get_format("hma", signal_type="pdq").read(io.StringIO(PDQ + "\n"))
    assert entry.hash_type is HashType.PDQ


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"{PDQ}\n", "line 1: expected '<signal_type> <signal>'"),
        (f"url {PDQ}\n", "line 1: unsupported signal type 'url'"),
        (f"pdq {PDQ}\npdq {PDQ[:-2]}\n", "line 2: pdq hash"),
        (f"video_md5 {MD5[:-1]}z\n", "non-hex character 'z'"),
    ],
)
def test_hma_bad_lines(text: str, message: str) -> None:
    with pytest.raises(HashListError) as caught:
        list(get_format("hma").read(io.StringIO(text)))
    assert message in caught.value.detail


def test_plain_infers_md5_and_sha1_from_length() -> None:
    text = f"{MD5}\n  {'A' * 40}  \n\n"
    entries = list(get_format("plain").read(io.StringIO(text)))
    assert [(e.hash_type, e.value) for e in entries] == [
        (HashType.MD5, MD5),
        (HashType.SHA1, "a" * 40),
    ]


def test_plain_refuses_64_digits_unless_typed() -> None:
    with pytest.raises(HashListError, match="line 2: 64 hex digits may be SHA-256 or PDQ"):
        list(get_format("plain").read(io.StringIO(f"{MD5}\n{PDQ}\n")))
    [entry] = get_format("plain", hash_type="sha256").read(io.StringIO(PDQ))
    assert entry.hash_type is HashType.SHA256


@pytest.mark.parametrize(
    ("line", "message"),
    [("abc", "3 hex digits match no known hash type"), (MD5[:-1] + "x", "non-hex")],
)
def test_plain_bad_lines(line: str, message: str) -> None:
    with pytest.raises(HashListError, match=message):
        list(get_format("plain").read(io.StringIO(line)))


def test_read_path_accepts_a_byte_order_mark_and_refuses_non_utf8(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_bytes(b"\xef\xbb\xbfhash_type,hash\nmd5," + MD5.encode() + b"\n")
    [entry] = get_format("csv").read_path(good)
    assert entry.value == MD5
    bad = tmp_path / "bad.txt"
    bad.write_bytes(MD5.encode() + b"\n\xff\xfe\n")
    with pytest.raises(HashListError, match="not UTF-8"):
        list(get_format("plain").read_path(bad))
