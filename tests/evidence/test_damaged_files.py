"""Damaged and hostile files: kept as evidence with the problem recorded, never a crash.

Every input is generated here (gradients and shapes through Pillow, a few frames through PyAV)
and then damaged by seeded mutations, so each run meets exactly the same bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import random
import struct
import tarfile
import threading
import warnings
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import av
import numpy as np
import pillow_heif
import pytest
from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.cases import register
from nigehbaan.cases.schemas import CaseIn
from nigehbaan.core.db import transaction
from nigehbaan.core.errors import Invalid
from nigehbaan.core.settings import Settings
from nigehbaan.evidence import acquisition, source
from nigehbaan.evidence import metadata as metadata_module
from nigehbaan.evidence.acquisition import IngestSummary
from nigehbaan.evidence.analyse import analyse_path
from nigehbaan.evidence.metadata import read_metadata
from nigehbaan.evidence.models import PATH_LENGTH, CaseItem, EvidenceItem, IngestRefusal
from nigehbaan.evidence.source import MediaSource
from nigehbaan.evidence.store import open_vault
from tests.mutations import (
    Recipe,
    extreme,
    insert_random,
    overwrite,
    swap_header,
    truncate,
)
from tests.support import Account
from tests.zip_bombs import CENTRAL, raw_zip, zipped

SEED = 20261129
MUTANTS = 6
"""Damaged copies of each kind of input."""


def _picture(rng: random.Random, width: int = 48, height: int = 32) -> Image.Image:
    pixels = np.zeros((height, width, 3), np.uint8)
    pixels[..., 0] = np.linspace(0, 255, width, dtype=np.uint8)[None, :]
    pixels[..., 1] = np.linspace(0, 255, height, dtype=np.uint8)[:, None]
    pixels[..., 2] = rng.randrange(256)
    image = Image.fromarray(pixels)
    draw = ImageDraw.Draw(image)
    for _ in range(3):
        x, y = rng.randrange(width), rng.randrange(height)
        draw.rectangle((x, y, x + 9, y + 7), fill=(rng.randrange(256),) * 3)
    return image


def _exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Generated"
    exif[0x0132] = "2020:01:02 03:04:05"
    return exif.tobytes()


def _encoded(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "HEIF":
        pillow_heif.from_pillow(image).save(out, quality=50)
    elif fmt == "GIF":
        image.convert("P").save(out, fmt)
    else:
        image.save(out, fmt, exif=_exif())
    return out.getvalue()


def _video() -> bytes:
    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=4)
        stream.width, stream.height = 32, 32
        stream.pix_fmt = "yuv420p"
        stream.options = {"threads": "1", "preset": "ultrafast"}
        for index in range(8):
            pixels = np.full((32, 32, 3), index * 30, np.uint8)
            pixels[: index * 4] = 255
            container.mux(stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")))
        container.mux(stream.encode(None))
    return out.getvalue()


def _tar(members: list[tuple[str, bytes]], encoding: str = "utf-8") -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.GNU_FORMAT,
                      encoding=encoding) as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


HEADERS = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"II*\x00", b"RIFF\0\0\0\0WEBP",
           b"\0\0\0\x18ftypheic", b"\0\0\0\x18ftypisom", b"\x1a\x45\xdf\xa3", b"PK\x03\x04",
           b"\x1f\x8b")
DAMAGE = Recipe((truncate, overwrite(16), insert_random(64), extreme, swap_header(HEADERS)),
                rounds=(1, 3))
"""One to three of: the end cut off, up to 16 bytes overwritten, up to 64 random bytes
inserted, a 32-bit field set to a boundary, another format's signature put first."""


def _mutants(data: bytes, label: str) -> Iterator[bytes]:
    return DAMAGE.mutants(data, f"{SEED}/{label}", MUTANTS)


def _inputs() -> dict[str, bytes]:
    """Valid originals of every kind, and their seeded damaged copies, by file name."""
    rng = random.Random(SEED)
    originals = {f"photo.{fmt.lower()}": _encoded(_picture(rng), fmt)
                 for fmt in ("JPEG", "PNG", "WEBP", "GIF", "TIFF", "HEIF")}
    originals["clip.mp4"] = _video()
    members = [(f"dcim/{name}", data) for name, data in originals.items()]
    originals["export.zip"] = zipped(dict(members))
    originals["export.tar"] = _tar(members)
    originals["export.tar.gz"] = gzip.compress(originals["export.tar"], mtime=0)
    files = dict(originals)
    for name, data in originals.items():
        for index, damaged in enumerate(_mutants(data, name)):
            files[f"damaged-{index}-{name}"] = damaged
    rng = random.Random(SEED)
    files["damaged-members.zip"] = zipped({n: next(_mutants(d, f"in-{n}")) for n, d in members})
    files["garbage.mp4"] = b"\0\0\0\x18ftypisom" + rng.randbytes(3000)
    files["garbage.mkv"] = b"\x1a\x45\xdf\xa3" + rng.randbytes(3000)
    return files


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(1) as executor:
        yield executor


def _ingest(factory: sessionmaker[Session], settings: Settings, account: Account, path: Path,
            pool: ThreadPoolExecutor, source_name: str = "seized phone") -> IngestSummary:
    with transaction(factory) as session:
        reference = register.open_case(session, account.actor,
                                       CaseIn(title="Damaged files", channel="walk_in"),
                                       settings).reference
    return acquisition.ingest(factory, account.actor, reference, path, source_name, settings,
                              executor=pool)


def _recorded(factory: sessionmaker[Session]) -> tuple[dict[str, EvidenceItem], dict[str, str]]:
    with transaction(factory) as session:
        found = {link.path: link.item for link in session.execute(select(CaseItem)).scalars()}
        refused = {r.path: r.reason for r in session.execute(select(IngestRefusal)).scalars()}
        unlinked = session.execute(select(EvidenceItem.sha256).where(
            EvidenceItem.id.not_in(select(CaseItem.item_id)))).scalars().all()
    assert unlinked == [], "every stored item belongs to a finding"
    return found, refused


def test_seeded_damaged_inputs_are_all_kept_with_their_problems(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        tmp_path: Path, pool: ThreadPoolExecutor) -> None:
    folder = tmp_path / "phone"
    folder.mkdir()
    files = _inputs()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    summary = _ingest(factory, settings, accounts["investigator"], folder, pool)
    found, refused = _recorded(factory)
    vault = open_vault(settings)
    for name, data in files.items():
        item = found[f"phone/{name}"]  # every file is evidence, however damaged
        assert item.sha256 == hashlib.sha256(data).hexdigest() and item.size == len(data)
    for item in found.values():
        assert vault.verify(item.sha256).ok
        if item.kind in ("image", "video"):
            assert item.perceptual in ("ok", "partial") or item.perceptual_reason
    assert {blob for blob in vault.iter_blobs()} == {i.sha256 for i in found.values()}
    assert all(reason.strip() and "\n" not in reason for reason in refused.values())
    assert summary.files == len(found) and len(summary.refused) == len(refused)
    damaged = [found[f"phone/{n}"] for n in files if n.startswith("damaged-")]
    assert any(i.perceptual == "unavailable" for i in damaged)  # the sweep meets real damage
    assert found["phone/photo.jpeg"].perceptual == "ok"


def _one_file(factory: sessionmaker[Session], settings: Settings, account: Account,
              tmp_path: Path, pool: ThreadPoolExecutor, name: str,
              data: bytes) -> tuple[dict[str, EvidenceItem], dict[str, str]]:
    path = tmp_path / name
    path.write_bytes(data)
    _ingest(factory, settings, account, path, pool)
    found, refused = _recorded(factory)
    assert found[name].sha256 == hashlib.sha256(data).hexdigest()  # the container is kept
    return found, refused


def test_corrupt_deflate_member_is_refused_not_fatal(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        tmp_path: Path, pool: ThreadPoolExecutor) -> None:
    """zlib.error is not an OSError: it ended the whole ingest."""
    good = _encoded(_picture(random.Random(1)), "PNG")
    bad = raw_zip(b"bad.bin", b"\xff" * 100, method=zipfile.ZIP_DEFLATED, declared=1000)
    found, refused = _one_file(factory, settings, accounts["investigator"], tmp_path, pool,
                               "outer.zip", zipped({"bad.zip": bad, "good.png": good}))
    assert refused["outer.zip/bad.zip/bad.bin"] == "unreadable member: damaged compressed data"
    assert "outer.zip/good.png" in found and "outer.zip/bad.zip" in found


def test_zip_name_flagged_utf8_but_not_is_refused_not_fatal(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        tmp_path: Path, pool: ThreadPoolExecutor) -> None:
    """zipfile raises UnicodeDecodeError (a ValueError) while reading the directory."""
    data = raw_zip(b"\xff\xfephoto.jpg", b"x", flags=0x800)
    _found, refused = _one_file(factory, settings, accounts["investigator"], tmp_path, pool,
                                "names.zip", data)
    assert refused["names.zip"].startswith("unreadable zip archive: UnicodeDecodeError")


def test_zip_needing_an_unknown_version_is_refused_not_fatal(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        tmp_path: Path, pool: ThreadPoolExecutor) -> None:
    """zipfile raises NotImplementedError for a version it does not know (here 20.0)."""
    data = bytearray(raw_zip(b"photo.jpg", b"x"))
    data[data.index(CENTRAL) + 6] = 200  # the version needed to extract
    _found, refused = _one_file(factory, settings, accounts["investigator"], tmp_path, pool,
                                "version.zip", bytes(data))
    assert refused["version.zip"].startswith("unreadable zip archive: NotImplementedError")


def test_zip_member_without_a_name_is_refused(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        tmp_path: Path, pool: ThreadPoolExecutor) -> None:
    """`ZipInfo.is_dir` indexes the last character: IndexError on an empty name."""
    _found, refused = _one_file(factory, settings, accounts["investigator"], tmp_path, pool,
                                "empty.zip", raw_zip(b"", b"content"))
    assert refused == {"empty.zip/": "empty name"}


def test_names_that_are_not_utf8_are_recorded_escaped(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        tmp_path: Path, pool: ThreadPoolExecutor) -> None:
    """tarfile and the file system keep such bytes as surrogates, which no database stores."""
    folder = tmp_path / "dump"
    folder.mkdir()
    (folder / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"note")
    (folder / "latin.tar").write_bytes(_tar([("r\xe9sum\xe9.txt", b"cv")], encoding="latin-1"))
    _ingest(factory, settings, accounts["investigator"], folder, pool)
    found, _refused = _recorded(factory)
    assert {"dump/caf\\xe9.txt", "dump/latin.tar/r\\xe9sum\\xe9.txt"} <= set(found)


def test_overlong_member_names_are_shortened_but_kept_apart(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        tmp_path: Path, pool: ThreadPoolExecutor) -> None:
    """A path column holds 1000 characters; PostgreSQL refused the whole batch."""
    deep = "folder/" * 200
    data = _tar([(f"{deep}one.txt", b"1"), (f"{deep}two.txt", b"2"), ("../" * 400, b"3")])
    found, refused = _one_file(factory, settings, accounts["investigator"], tmp_path, pool,
                               "long.tar", data)
    long_names = sorted(path for path in found if path != "long.tar")
    assert len(long_names) == 2 and all(len(p) <= PATH_LENGTH for p in long_names)
    assert long_names[0].endswith("one.txt") and long_names[1].endswith("two.txt")
    assert [len(p) <= PATH_LENGTH for p in refused] == [True]


def test_members_of_one_name_are_each_recorded(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        tmp_path: Path, pool: ThreadPoolExecutor) -> None:
    """The second member of a name was stored in the vault but never linked to the case."""
    first, second = b"first content", b"second content"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive, pytest.warns(UserWarning, match="Duplicate"):
        archive.writestr("a.txt", first)
        archive.writestr("a.txt", second)
    found, _refused = _one_file(factory, settings, accounts["investigator"], tmp_path, pool,
                                "twice.zip", out.getvalue())
    assert found["twice.zip/a.txt"].sha256 == hashlib.sha256(first).hexdigest()
    duplicate = found["twice.zip/a.txt [duplicate 2]"]
    assert duplicate.sha256 == hashlib.sha256(second).hexdigest()


def test_preview_problem_is_recorded_with_the_item(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        tmp_path: Path, pool: ThreadPoolExecutor) -> None:
    data = _encoded(_picture(random.Random(2)), "PNG")[:60]
    found, _refused = _one_file(factory, settings, accounts["investigator"], tmp_path, pool,
                                "cut.png", data)
    assert found["cut.png"].metadata_["preview_problem"]


def test_overlong_or_unstorable_source_is_invalid(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        tmp_path: Path, pool: ThreadPoolExecutor) -> None:
    (tmp_path / "a.txt").write_bytes(b"a")
    for bad in ("x" * 301, "phone\x00", os.fsdecode(b"caf\xe9")):
        with pytest.raises(Invalid, match=r"^--source: [^\n]+$"):
            _ingest(factory, settings, accounts["investigator"], tmp_path / "a.txt", pool, bad)
    assert _recorded(factory) == ({}, {})


def _jpeg_declaring(width: int, height: int) -> bytes:
    """A small JPEG whose frame header claims another size: a decompression bomb's shape."""
    data = bytearray(_encoded(_picture(random.Random(3)), "JPEG"))
    frame = data.index(b"\xff\xc0")
    data[frame + 5:frame + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def test_large_jpeg_is_decoded_within_the_pixel_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`draft` never reduces below the size asked for: asking for just under the limit left a
    JPEG up to 4x over it decoded at full size (13000x13000 took 5.8 GB)."""
    path = tmp_path / "big.jpg"
    path.write_bytes(_encoded(_picture(random.Random(4), 64, 48), "JPEG"))
    monkeypatch.setattr(source, "MAX_PIXELS", 1000)
    width, height = MediaSource(path).image().size
    assert (width, height) == (32, 24)
    monkeypatch.setattr(source, "MAX_PIXELS", 10)
    with pytest.raises(source.UnreadableMedia, match="even decoded at 1/8 scale"):
        MediaSource(path).image()


def test_decompression_bomb_is_kept_with_the_reason(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        tmp_path: Path, pool: ThreadPoolExecutor) -> None:
    found, _refused = _one_file(factory, settings, accounts["investigator"], tmp_path, pool,
                                "bomb.jpg", _jpeg_declaring(60000, 60000))
    item = found["bomb.jpg"]
    assert item.perceptual == "unavailable"
    assert "DecompressionBombError" in item.perceptual_reason


def _exif_with_broken_sub_ifd() -> bytes:
    """IFD0 holds a camera make and a date; its pointer to the Exif sub-IFD leads nowhere."""
    date = b"2020:01:02 03:04:05\x00"
    entries = [(0x010F, 2, 4, b"Cam\x00"), (0x0132, 2, len(date), None),
               (0x8769, 4, 1, struct.pack("<I", 0xFFFF))]
    start = 8 + 2 + 12 * len(entries) + 4
    body = b"".join(struct.pack("<HHI", tag, kind, count)
                    + (value if value is not None else struct.pack("<I", start))
                    for tag, kind, count, value in entries)
    return (b"Exif\x00\x00II*\x00" + struct.pack("<IH", 8, len(entries)) + body + b"\0" * 4
            + date)


def test_exif_warnings_while_reading_fields_are_recorded(tmp_path: Path) -> None:
    """Sub-IFDs are parsed when first read, after the decode that records Pillow's warnings:
    "Corrupt EXIF data" was printed (or, as an error, lost the date) instead of recorded."""
    path = tmp_path / "exif.jpg"
    Image.new("RGB", (16, 16), "gray").save(path, "JPEG", exif=_exif_with_broken_sub_ifd())
    metadata = read_metadata(MediaSource(path))
    assert metadata.camera_make == "Cam"
    assert metadata.taken_at is not None and metadata.taken_at.year == 2020
    assert any("Corrupt EXIF data" in problem for problem in metadata.problems)



def test_warnings_not_from_pillow_are_not_the_pictures(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What code outside Pillow warns while a picture's EXIF is read is not that picture's
    problem: it is shown as any warning is, and Pillow's own are still recorded."""
    path = tmp_path / "exif.jpg"
    Image.new("RGB", (16, 16), "gray").save(path, "JPEG", exif=_exif_with_broken_sub_ifd())
    real = metadata_module._text

    def noisy(value: object) -> str | None:
        warnings.warn("another module's warning", UserWarning, stacklevel=1)
        return real(value)

    monkeypatch.setattr(metadata_module, "_text", noisy)
    with pytest.warns(UserWarning, match="another module's warning"):
        problems = read_metadata(MediaSource(path)).problems
    assert any("Corrupt EXIF data" in problem for problem in problems)
    assert not any("another module" in problem for problem in problems)


def test_each_thread_records_only_its_own_pictures_warnings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Dask worker reads several pictures at once in threads. `catch_warnings` swaps state
    for the whole process, so a picture read while another thread's block was open had its
    "Corrupt EXIF data" recorded as the other picture's. Here the clean picture's block opens
    last and stays open while the broken one warns."""
    broken, clean = tmp_path / "broken.jpg", tmp_path / "clean.jpg"
    Image.new("RGB", (16, 16), "gray").save(broken, "JPEG", exif=_exif_with_broken_sub_ifd())
    Image.new("RGB", (16, 16), "gray").save(clean, "JPEG")
    broken_inside, clean_inside, broken_read = (threading.Event() for _ in range(3))
    real = metadata_module._taken_at

    def in_turn(exif: Image.Exif) -> datetime | None:
        if threading.current_thread().name == "broken":
            broken_inside.set()
            assert clean_inside.wait(10)
            try:
                return real(exif)
            finally:
                broken_read.set()
        clean_inside.set()
        assert broken_read.wait(10)
        return real(exif)

    monkeypatch.setattr(metadata_module, "_taken_at", in_turn)
    found: dict[str, tuple[str, ...]] = {}
    failed: list[BaseException] = []

    def read(path: Path) -> None:
        try:
            found[threading.current_thread().name] = read_metadata(MediaSource(path)).problems
        except BaseException as error:  # a thread's failure would only be a pytest warning
            failed.append(error)

    threads = [threading.Thread(target=read, args=(p,), name=p.stem) for p in (broken, clean)]
    threads[0].start()
    assert broken_inside.wait(10)
    threads[1].start()
    for thread in threads:
        thread.join(20)
        assert not thread.is_alive()
    assert failed == []
    assert any("Corrupt EXIF data" in problem for problem in found["broken"])
    assert found["clean"] == ()


def test_video_frames_over_the_pixel_limit_are_not_decoded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Images had a pixel limit and videos none: a 198 KB video of 8192x8192 frames took
    2.2 GB and a minute to hash. Its container tags are still read."""
    path = tmp_path / "clip.mp4"
    path.write_bytes(_video())
    monkeypatch.setattr(source, "MAX_PIXELS", 32 * 32 - 1)
    facts = analyse_path(path)
    signal = facts.signal("vpdq")
    assert signal is not None and not signal.available
    assert signal.reason == "ValueError: 32x32 frames are more pixels than the 1023 limit"
    assert facts.preview is None and facts.preview_problem == signal.reason
    assert facts.metadata is not None and facts.metadata.width == 32


def test_outside_a_collection_pillow_warns_once_per_place(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Collections need every Pillow warning, so none is silenced after the first; outside
    them a damaged picture read again and again still prints its warning once, as before."""
    from nigehbaan.evidence import pillow_warnings as module

    monkeypatch.setattr(module, "_shown_once", set())
    path = tmp_path / "exif.jpg"
    Image.new("RGB", (16, 16), "gray").save(path, "JPEG", exif=_exif_with_broken_sub_ifd())

    def read() -> None:
        with Image.open(path) as image:
            image.getexif().get_ifd(0x8769)

    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("default")
        with module.pillow_warnings() as caught:  # puts the hook over this recorder
            read()
        for _ in range(3):
            read()
    assert len(caught) == 1 and "Corrupt EXIF data" in caught[0]
    assert [str(w.message).strip() for w in shown] == caught
