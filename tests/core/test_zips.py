"""Opening outside zips: overlapping entries and wild ratios are refused whole, in one line, and
honest layouts (data descriptors, a stub before the archive, incompressible media) are not."""

from __future__ import annotations

import gc
import io
import random
import struct
import zipfile
from pathlib import Path

import pytest

from nigehbaan.core.zips import MAX_RATIO, RATIO_FLOOR, UnsafeZip, open_zip
from tests.zip_bombs import far_offset, into_directory, quoted_overlap, zeros_bomb, zipped

SEED = 7


def refusal(data: bytes) -> str:
    with pytest.raises(UnsafeZip) as refused:
        open_zip(io.BytesIO(data))
    assert "\n" not in str(refused.value)
    return str(refused.value)


def test_entries_reading_one_local_header_are_refused() -> None:
    data = quoted_overlap(zipped({"a.txt": b"generated line\n" * 50}), copies=5)
    assert len(zipfile.ZipFile(io.BytesIO(data)).infolist()) == 6  # what 3.11 would read
    assert refusal(data) == ("possible zip bomb: entry 'a.txt' at byte 0 overlaps entry "
                             "'a.txt' at byte 0")


def test_an_entry_starting_inside_another_is_refused() -> None:
    data = bytearray(zipped({"a.txt": b"a" * 400, "b.txt": b"b" * 400}, zipfile.ZIP_STORED))
    second = data.rindex(b"PK\x01\x02")
    (offset,) = struct.unpack_from("<I", data, second + 42)
    struct.pack_into("<I", data, second + 42, offset - 100)  # b.txt now begins in a.txt's data
    assert "entry 'b.txt' at byte" in refusal(bytes(data))


def test_an_entry_starting_beyond_the_archive_is_refused(tmp_path: Path) -> None:
    """A zip64 offset past any file made seek raise ValueError (OverflowError in memory): a
    chat upload answered HTTP 500 and `referral verify` printed a traceback."""
    data = far_offset(zipped({"a.txt": b"hello"}))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # what 3.11 accepts
        assert archive.infolist()[0].header_offset == 2**63 + 5
    said = f"entry 'a.txt' starts outside the archive's entries (at byte {2**63 + 5})"
    with pytest.raises(zipfile.BadZipFile) as refused:
        open_zip(io.BytesIO(data))
    assert str(refused.value) == said
    path = tmp_path / "export.zip"
    path.write_bytes(data)
    with pytest.raises(zipfile.BadZipFile, match=r"starts outside the archive's entries"):
        open_zip(path)


def test_data_running_into_the_central_directory_is_refused() -> None:
    data = into_directory(zipped({"a.txt": b"x" * 10, "b.txt": b"y" * 10}))
    assert refusal(data) == "possible zip bomb: entry 'b.txt' overlaps the central directory"


def test_a_name_with_a_line_break_stays_on_one_line() -> None:
    data = quoted_overlap(zipped({"evil\nname.txt": b"x"}))
    assert "'evil\\nname.txt'" in refusal(data)


def test_a_wild_ratio_is_refused_naming_the_entry() -> None:
    message = refusal(zeros_bomb(zipped({"chat.txt": b"hi\n"})))
    assert message.startswith("possible zip bomb: entry 'zeros.bin' declares 9437184 bytes "
                              "from ")
    assert message.endswith(f"compressed (over {MAX_RATIO:g}:1)")


def test_a_wild_ratio_is_left_to_a_caller_that_refuses_it_itself() -> None:
    with open_zip(io.BytesIO(zeros_bomb()), max_ratio=None) as archive:
        assert archive.namelist() == ["zeros.bin"]
    with pytest.raises(UnsafeZip, match="overlaps"):
        open_zip(io.BytesIO(quoted_overlap(zeros_bomb())), max_ratio=None)


def test_small_files_of_zeros_and_honest_exports_pass() -> None:
    rng = random.Random(SEED)
    text = b"".join(b"13/01/2024, 10:%02d - Ali: generated line %d\n" % (i % 60, i)
                    for i in range(200_000))
    entries = {"WhatsApp Chat.txt": text, "IMG-0001.jpg": rng.randbytes(RATIO_FLOOR + 1),
               "blank.bin": bytes(RATIO_FLOOR)}
    with open_zip(io.BytesIO(zipped(entries))) as archive:
        assert {i.filename: i.file_size for i in archive.infolist()} == {
            name: len(data) for name, data in entries.items()}


def test_data_descriptors_and_a_stub_before_the_archive_pass() -> None:
    """A zip written to a stream that cannot seek carries a data descriptor after each entry's
    data, in the gap before the next header; a self-extracting zip starts after a program."""
    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self.written = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, chunk: bytes) -> int:  # type: ignore[override]
            self.written += chunk
            return len(chunk)

    sink = Unseekable()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("a.txt", "b.txt", "c.txt"):
            with archive.open(name, "w") as member:
                member.write(name.encode() * 300)
    data = b"MZ generated stub " * 40 + bytes(sink.written)
    with open_zip(io.BytesIO(data)) as opened:
        assert all(info.flag_bits & 0x08 for info in opened.infolist())
        assert opened.read("c.txt") == b"c.txt" * 300


def test_a_member_never_reads_past_its_declared_size() -> None:
    """What 3.11's `zipfile` already does, and the ratio bound relies on: a stream that holds
    more than its entry declares is cut at the declared size and fails its CRC."""
    data = bytearray(zipped({"a.bin": b"generated " * 1000}))
    declared = 100
    struct.pack_into("<I", data, 22, declared)  # the local header's uncompressed size
    struct.pack_into("<I", data, data.index(b"PK\x01\x02") + 24, declared)
    got = bytearray()
    with open_zip(io.BytesIO(bytes(data))) as archive, archive.open("a.bin") as member, \
            pytest.raises(zipfile.BadZipFile, match="Bad CRC-32"):
        while chunk := member.read(7):
            got += chunk
    assert len(got) <= declared


def test_a_refused_archive_is_closed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gc.collect()  # archives other tests left in cycles must not be finalised through the spy
    path = tmp_path / "bomb.zip"
    path.write_bytes(quoted_overlap(zipped({"a.txt": b"x"})))
    closed: list[zipfile.ZipFile] = []
    close = zipfile.ZipFile.close

    def spy(archive: zipfile.ZipFile) -> None:
        closed.append(archive)
        close(archive)

    monkeypatch.setattr(zipfile.ZipFile, "close", spy)
    with pytest.raises(UnsafeZip) as refused:
        open_zip(path)
    # `refused` keeps open_zip's frame, and so the archive, alive: only open_zip closed it
    assert refused.traceback and closed and closed[0].fp is None
