"""A safe walk through files, folders and archives inside archives.

Seized exports arrive as zips of tars of photos, and an archive is input a suspect may have
crafted: names that climb out of the extraction folder, links to the examiner's own files,
members that expand a thousand-fold. Nothing is extracted by name: each member is streamed into a
fresh spool file under limits, and every unsafe or unreadable member is refused with a reason
while the walk goes on with the rest. Archives themselves are yielded too, since the container
a file came in is evidence as well.
"""

from __future__ import annotations

import gzip
import os
import re
import stat
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Protocol, cast

from nigehbaan.core.errors import describe
from nigehbaan.core.zips import (
    ARCHIVE_OPEN_ERRORS,
    DECODE_ERRORS,
    MEMBER_OPEN_ERRORS,
    MEMBER_READ_ERRORS,
    member_problem,
    open_zip,
)
from nigehbaan.evidence.filetype import detect_file

CHUNK = 1 << 20
ARCHIVE_TYPES = frozenset({"zip", "tar", "gzip"})


@dataclass(frozen=True, slots=True)
class Limits:
    max_depth: int = 5
    """Archives opened inside one another, the outermost counting as 1."""
    max_ratio: float = 100.0
    """Uncompressed to compressed size of one member (or a gzip file)..."""
    ratio_floor: int = 1 << 20
    """...checked only above this size, where a high ratio can hurt."""
    max_total_size: int = 64 << 30
    """Bytes extracted over the whole walk."""
    max_members: int = 200_000


@dataclass(frozen=True, slots=True)
class Leaf:
    chain: tuple[str, ...]
    """The file's name, then its name inside each container: `export.zip`, `photos/a.jpg`."""
    path: Path
    """The readable content: the original file, or a spool file under the caller's folder."""
    size: int
    spooled: bool
    container: bool = False
    """An archive whose members follow; stored like any file, opened by the walk."""

    @property
    def display(self) -> str:
        return "/".join(self.chain)


@dataclass(frozen=True, slots=True)
class Refused:
    chain: tuple[str, ...]
    reason: str

    @property
    def display(self) -> str:
        return "/".join(self.chain)


Item = Leaf | Refused


class _Refusal(Exception):
    pass


class _Readable(Protocol):
    """`read1` makes at most one read below, so a stream that breaks off loses only the
    piece being read, not everything a buffered `read` had gathered."""

    def read1(self, size: int = -1, /) -> bytes: ...


Opener = Callable[[], AbstractContextManager[_Readable]]


def readable_name(name: str) -> str:
    """A name as text a database can store: bytes that were not UTF-8 (tar and folder names
    keep them as surrogates) are written as `\\xNN` escapes, so the name stays distinct."""
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no decoder made: escape it as it stands
        return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def unsafe_name(name: str) -> str | None:
    """Why a member name must not be used, or None; backslashes count as separators."""
    normal = name.replace("\\", "/")
    if not name:
        return "empty name"
    if "\x00" in name:
        return "name contains a NUL byte"
    if normal.startswith("/") or re.match(r"[A-Za-z]:", normal):
        return "absolute path"
    if ".." in normal.split("/"):
        return "path traversal (..)"
    return None


def _zip_refusal(info: zipfile.ZipInfo) -> str | None:
    if info.flag_bits & 0x1:
        return "encrypted member"
    file_type = stat.S_IFMT(info.external_attr >> 16)
    if info.create_system == 3 and file_type not in (0, stat.S_IFREG, stat.S_IFDIR):
        if file_type == stat.S_IFLNK:
            return "symbolic link"
        return "special file (device, pipe, socket)"
    return None


def _tar_refusal(member: tarfile.TarInfo) -> str | None:
    if member.issym():
        return "symbolic link"
    if member.islnk():
        return "hard link"
    if member.isdev():
        return "special file (device, pipe)"
    if not member.isfile():
        return f"unsupported member type {member.type!r}"
    return None


class _Walk:
    def __init__(self, spool_dir: Path, limits: Limits) -> None:
        self.spool_dir = spool_dir
        self.limits = limits
        self.budget = limits.max_total_size
        self.members = 0

    def file(self, path: Path, chain: tuple[str, ...], depth: int, spooled: bool) -> Iterator[Item]:
        kind = detect_file(path).name
        is_archive = kind in ARCHIVE_TYPES
        yield Leaf(chain, path, path.stat().st_size, spooled, container=is_archive)
        if not is_archive:
            return
        if depth >= self.limits.max_depth:
            yield Refused(chain, f"archive nested more than {self.limits.max_depth} deep; "
                                 "not opened")
            return
        opener = {"zip": self.zip, "tar": self.tar, "gzip": self.gzip}[kind]
        try:
            yield from opener(path, chain, depth + 1)
        except (*ARCHIVE_OPEN_ERRORS, tarfile.TarError, *DECODE_ERRORS) as error:
            yield Refused(chain, f"unreadable {kind} archive: {describe(error)}")

    @property
    def _too_compressed(self) -> str:
        return f"compression ratio above {self.limits.max_ratio:g} (zip bomb?)"

    def _ratio_cap(self, compressed: int) -> float:
        return max(compressed * self.limits.max_ratio, self.limits.ratio_floor)

    def _cap(self, compressed: int | None) -> tuple[float, str]:
        caps = [(float(self.budget), f"total extracted size limit "
                                     f"({self.limits.max_total_size} bytes) reached")]
        if compressed is not None:
            caps.append((self._ratio_cap(compressed), self._too_compressed))
        return min(caps)

    def spool(self, open_member: Opener, compressed: int | None,
              keep_partial: bool = False) -> tuple[Path, str | None]:
        """Copy a member into a new spool file, refusing it once it passes a limit.

        With `keep_partial`, a stream that breaks off keeps what came before the break, and
        the reason is returned with it: a cut `.tar.gz` still yields its first members.
        """
        self.members += 1
        if self.members > self.limits.max_members:
            raise _Refusal(f"more than {self.limits.max_members} members")
        cap, why = self._cap(compressed)
        fd, name = tempfile.mkstemp(dir=self.spool_dir, prefix="member-")
        path, written, broken = Path(name), 0, None
        try:
            with os.fdopen(fd, "wb") as out, open_member() as member:
                try:
                    while chunk := member.read1(CHUNK):
                        written += len(chunk)
                        if written > cap:
                            raise _Refusal(why)
                        out.write(chunk)
                except (EOFError, OSError, *DECODE_ERRORS) as error:
                    if not keep_partial:
                        raise
                    broken = member_problem(error)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        self.budget -= written
        return path, broken

    def member(self, chain: tuple[str, ...], depth: int, open_member: Opener,
               compressed: int | None, info: zipfile.ZipInfo | None = None) -> Iterator[Item]:
        try:
            path, _ = self.spool(open_member, compressed)
        except _Refusal as refusal:
            yield Refused(chain, str(refusal))
            return
        except (*MEMBER_OPEN_ERRORS, *MEMBER_READ_ERRORS, tarfile.TarError,
                ValueError) as error:
            yield Refused(chain, f"unreadable member: {member_problem(error, info)}")
            return
        yield from self.file(path, chain, depth, spooled=True)

    def zip(self, path: Path, chain: tuple[str, ...], depth: int) -> Iterator[Item]:
        """Overlapping entries refuse the archive whole (`UnsafeZip`, a `BadZipFile`); a high
        ratio refuses only its member, under the walk's own tighter `Limits`."""
        with open_zip(path, max_ratio=None) as archive:
            names = _Names()
            for info in archive.infolist():
                if info.filename.endswith("/"):  # `is_dir` fails on an empty name
                    continue
                inner = (*chain, names.distinct(info.filename))
                reason = unsafe_name(info.filename) or _zip_refusal(info)
                if reason is None and info.file_size > self._ratio_cap(info.compress_size):
                    reason = self._too_compressed
                if reason:
                    yield Refused(inner, reason)
                    continue
                opener = cast(Opener, partial(archive.open, info))
                yield from self.member(inner, depth, opener, info.compress_size, info)

    def tar(self, path: Path, chain: tuple[str, ...], depth: int) -> Iterator[Item]:
        with tarfile.open(path, mode="r:") as archive:
            names, read = _Names(), 0
            while True:
                try:
                    entry = archive.next()
                except (tarfile.TarError, OSError, EOFError) as error:
                    yield Refused(chain, f"archive cut or corrupt after {read} members: "
                                         f"{describe(error)}")
                    return
                if entry is None:
                    return
                read += 1
                yield from self._tar_entry(archive, entry, chain, names, depth)

    def _tar_entry(self, archive: tarfile.TarFile, entry: tarfile.TarInfo,
                   chain: tuple[str, ...], names: _Names, depth: int) -> Iterator[Item]:
        if entry.isdir():
            return
        inner = (*chain, names.distinct(entry.name))
        reason = unsafe_name(entry.name) or _tar_refusal(entry)
        if reason:
            yield Refused(inner, reason)
            return

        def open_entry() -> AbstractContextManager[_Readable]:
            stream = archive.extractfile(entry)
            if stream is None:
                raise ValueError("no data")
            return cast(AbstractContextManager[_Readable], stream)

        yield from self.member(inner, depth, open_entry, None)

    def gzip(self, path: Path, chain: tuple[str, ...], depth: int) -> Iterator[Item]:
        """A tar inside continues the same chain element (`a.tar.gz/x`); anything else is one
        member named after the file without `.gz`."""
        compressed = path.stat().st_size
        try:
            inner, broken = self.spool(partial(gzip.GzipFile, path, "rb"), compressed,
                                       keep_partial=True)
        except _Refusal as refusal:
            yield Refused(chain, str(refusal))
            return
        cut = (f"compressed stream breaks off ({broken}); what came before the break is kept"
               if broken else None)
        if detect_file(inner).name == "tar":
            try:
                for item in self.tar(inner, chain, depth):
                    if cut and isinstance(item, Refused) and item.chain == chain:
                        item, cut = Refused(chain, f"{cut}; {item.reason}"), None
                    yield item  # a cut tar is one refusal of the file with both reasons
            finally:
                inner.unlink(missing_ok=True)
            if cut:
                yield Refused(chain, cut)
            return
        if cut:
            yield Refused(chain, cut)
        name = chain[-1].rsplit("/", 1)[-1]
        stem = name[:-3] if name.lower().endswith(".gz") else f"{name}.decompressed"
        yield from self.file(inner, (*chain, stem), depth, spooled=True)

    def folder(self, root: Path, only: Collection[str] | None = None) -> Iterator[Item]:
        paths: Iterable[Path | Refused] = (sorted(root.rglob("*")) if only is None
                                           else _named(root, only))
        for path in paths:
            if isinstance(path, Refused):
                yield path
                continue
            chain = (readable_name(path.relative_to(root).as_posix()),)
            if path.is_symlink():
                yield Refused(chain, "symbolic link")
            elif path.is_dir():
                continue
            elif not path.is_file():
                yield Refused(chain, "special file (device, pipe, socket)")
            else:
                yield from self.file(path, chain, 0, spooled=False)


class _Names:
    """The names met so far in one archive. A name met again (an archive may hold several
    members of one name) gets a numbered suffix, so every member is recorded under a name of its
    own instead of the later ones being taken for the first."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def distinct(self, name: str) -> str:
        name, number = readable_name(name), 1
        found = name
        while found in self._seen:
            number += 1
            found = f"{name} [duplicate {number}]"
        self._seen.add(found)
        return found


def _named(root: Path, only: Collection[str]) -> list[Path | Refused]:
    """The files `only` names under `root`, in the order a full walk meets them. A name is
    refused before anything is opened when it climbs out or passes through a symbolic link:
    the list may come from a parsed export, which a suspect may have written."""
    found: list[Path | Refused] = []
    for name in sorted({PurePosixPath(n).as_posix() for n in only}, key=PurePosixPath):
        reason = unsafe_name(name) or _linked_on_the_way(root, name)
        if reason is None and not (root / name).exists():
            reason = "not found in the folder"
        elif reason is None and (root / name).is_dir():
            reason = "a folder, not a file"
        found.append(Refused((readable_name(name),), reason) if reason else root / name)
    return found


def _linked_on_the_way(root: Path, name: str) -> str | None:
    parts = PurePosixPath(name).parts
    for depth in range(1, len(parts) + 1):
        if root.joinpath(*parts[:depth]).is_symlink():
            return "symbolic link"
    return None


def walk(path: Path, spool_dir: Path, limits: Limits | None = None, *,
         only: Collection[str] | None = None) -> Iterator[Item]:
    """Every file under `path` (a file, a folder or an archive), in a stable order.

    `only` narrows a folder to the files it names (relative POSIX paths), named as a full walk
    would name them, so that what was given beside those files is never read.

    Spool files are left in `spool_dir` for the caller to analyse and then delete: the walk
    cannot know when a worker is done with one.
    """
    if only is not None and not path.is_dir():
        raise ValueError(f"{path}: `only` narrows a folder, and this is not one")
    walker = _Walk(spool_dir, limits or Limits())
    if path.is_dir():
        yield from walker.folder(path, only)
    elif path.is_symlink():
        yield Refused((readable_name(path.name),), "symbolic link")
    else:
        yield from walker.file(path, (readable_name(path.name),), 0, spooled=False)
