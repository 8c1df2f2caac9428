"""Synthetic chat-group exports with planted behaviour and a ground truth per group.

One call writes a group in every supported layout (WhatsApp Android English and Spanish, WhatsApp
iOS English, Telegram Desktop), each with its ground truth, and a manifest of every file. All of
it comes from `random.Random` seeded by the caller and fixed base dates, so a seed always gives
the same bytes. Everything is invented and benign; see `chat_phrases` for what is planted.

On disk (`out_dir`)::

    chats_manifest.json
    whatsapp-android-en/WhatsApp Chat with GROUP.txt, .zip, ground_truth.json
    whatsapp-android-es/Chat de WhatsApp con GROUP.txt, .zip, ground_truth.json
    whatsapp-ios-en/WhatsApp Chat with GROUP.txt, WhatsApp Chat - GROUP.zip (_chat.txt inside),
                    ground_truth.json
    telegram-desktop/ChatExport_YYYY-MM-DD/result.json (+ photos/, video_files/),
                     ground_truth.json
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import shutil
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from nigehbaan.synth.chat_model import MediaCatalog
from nigehbaan.synth.chat_plan import GroupSpec, Plan, build_plan
from nigehbaan.synth.chat_telegram import TgWriter
from nigehbaan.synth.chat_truth import GroundTruth
from nigehbaan.synth.chat_wa_locale import WA_LAYOUTS, WaLayout
from nigehbaan.synth.chat_whatsapp import WaWriter

MANIFEST_NAME = "chats_manifest.json"
TRUTH_NAME = "ground_truth.json"
TELEGRAM = "telegram-desktop"

GROUP_SPECS: dict[str, GroupSpec] = {
    "whatsapp-android-en": GroupSpec(
        "whatsapp-android-en", "whatsapp", ("Cricket Club Lahore", "Cricket Club Lahore 2023"),
        {"PK": 0.55, "GB": 0.1, "US": 0.1, "AE": 0.1, "SA": 0.08, "ES": 0.07}, "PK",
        "Imran Qureshi", owner_is_creator=True, owner_admin=False,
        start=datetime(2023, 3, 4, 9, 12, 0),
    ),
    "whatsapp-android-es": GroupSpec(
        "whatsapp-android-es", "whatsapp", ("Amigos del barrio", "Amigos del barrio 2.0"),
        {"ES": 0.5, "PK": 0.25, "US": 0.1, "GB": 0.1, "AE": 0.05}, "ES",
        "Javier Moreno", owner_is_creator=False, owner_admin=True,
        start=datetime(2022, 1, 15, 10, 5, 0),
    ),
    "whatsapp-ios-en": GroupSpec(
        "whatsapp-ios-en", "whatsapp", ("Study Circle", "Study Circle Online"),
        {"PK": 0.4, "US": 0.25, "GB": 0.15, "SA": 0.1, "AE": 0.1}, "US",
        "Sarah Miller", owner_is_creator=False, owner_admin=False,
        start=datetime(2023, 9, 20, 17, 40, 0),
    ),
    "whatsapp-ios-es": GroupSpec(
        "whatsapp-ios-es", "whatsapp", ("Voluntarios", "Voluntarios Madrid"),
        {"ES": 0.5, "PK": 0.2, "US": 0.1, "GB": 0.1, "AE": 0.1}, "ES",
        "Lucía Fernández", owner_is_creator=False, owner_admin=False,
        start=datetime(2024, 2, 10, 19, 30, 0),
    ),
    TELEGRAM: GroupSpec(
        TELEGRAM, "telegram", ("Family & Friends", "Family & Friends Hub"),
        {"PK": 0.45, "ES": 0.15, "US": 0.1, "GB": 0.1, "AE": 0.1, "SA": 0.1}, "PK",
        "Bilal Awan", owner_is_creator=False, owner_admin=False,
        start=datetime(2023, 6, 1, 8, 0, 0),
    ),
}
LAYOUTS: tuple[str, ...] = tuple(GROUP_SPECS)


@dataclass(frozen=True, slots=True)
class ChatSynthFile:
    """One written file; `path` is relative to the output folder, with forward slashes."""

    path: str
    layout: str
    group: str
    kind: str  # "txt" | "zip" | "telegram_json" | "ground_truth"
    members: int
    messages: int
    events: int
    media: int
    attached: int
    size: int
    sha256: str


@dataclass(slots=True)
class ChatSynthManifest:
    """Every file `write_chat_groups` wrote, so callers and tests need not guess names."""

    seed: int
    members: int
    messages: int
    files: list[ChatSynthFile] = field(default_factory=list)

    def by_kind(self, kind: str, layout: str | None = None) -> list[ChatSynthFile]:
        return [f for f in self.files if f.kind == kind and layout in (None, f.layout)]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def write_chat_groups(
    out_dir: Path, seed: int, *, members: int = 60, messages: int = 2000,
    media_dir: Path | None = None, layouts: Sequence[str] | None = None, zips: bool = True,
) -> ChatSynthManifest:
    """Write one group per layout (all by default) with ground truth; return the manifest.

    `media_dir` holds generated benign images or videos: with it, the zips and the Telegram
    export carry media files; without it they use the apps' "omitted" markers. `zips=False`
    skips the zip exports (the 200,000-message benchmark needs only the text).
    """
    chosen = tuple(layouts) if layouts is not None else LAYOUTS
    unknown = [key for key in chosen if key not in GROUP_SPECS]
    if unknown:
        raise ValueError(f"unknown chat layout(s): {', '.join(unknown)}")
    catalog = MediaCatalog(media_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = ChatSynthManifest(seed=seed, members=members, messages=messages)
    for key in chosen:
        plan = build_plan(GROUP_SPECS[key], seed, members, messages, catalog)
        folder = out_dir / key
        folder.mkdir(exist_ok=True)
        if key == TELEGRAM:
            written = _write_telegram(out_dir, folder, plan, catalog, seed)
        else:
            written = _write_whatsapp(out_dir, folder, plan, catalog, WA_LAYOUTS[key], seed, zips)
        manifest.files.extend(written)
    _write_json(out_dir / MANIFEST_NAME, manifest.to_json())
    return manifest


def _write_whatsapp(out_dir: Path, folder: Path, plan: Plan, catalog: MediaCatalog,
                    layout: WaLayout, seed: int, zips: bool) -> list[ChatSynthFile]:
    group = plan.spec.names[-1]
    txt = folder / layout.locale.txt_name.format(g=group)
    with txt.open("w", encoding="utf-8", newline="\n") as sink:
        render = WaWriter(plan, catalog, layout, attach=False).write(sink)
    paths = [txt]
    attached = 0
    if zips:
        archive = folder / layout.locale.zip_name.format(g=group)
        inner = "_chat.txt" if layout.ios else txt.name
        attached = _write_wa_zip(archive, inner, plan, catalog, layout, render.lines)
        paths.append(archive)
    truth = render.truth.finish(seed, [_rel(out_dir, p) for p in paths],
                                render.truth_names, {"lines": render.lines})
    truth_path = folder / TRUTH_NAME
    _write_json(truth_path, truth)
    kinds = ["txt", "zip"][:len(paths)]
    files = [_describe(out_dir, p, kind, truth, attached if kind == "zip" else 0)
             for p, kind in zip(paths, kinds, strict=True)]
    return [*files, _describe(out_dir, truth_path, "ground_truth", truth, 0)]


def _write_wa_zip(archive: Path, inner: str, plan: Plan, catalog: MediaCatalog,
                  layout: WaLayout, lines: int) -> int:
    """The export zip: the chat text first, then each attached file, with fixed timestamps."""
    stamp = (plan.spec.start.year + 1, 1, 1, 0, 0, 0)
    with zipfile.ZipFile(archive, "w") as zf:
        with zf.open(_zip_info(inner, stamp, zipfile.ZIP_DEFLATED), "w") as raw, \
                io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as sink:
            render = WaWriter(plan, catalog, layout, attach=True).write(sink)
        if render.lines != lines:
            raise AssertionError("the zip text and the plain text must have the same lines")
        for name, source in render.attachments:
            with zf.open(_zip_info(name, stamp, zipfile.ZIP_STORED), "w") as target, \
                    source.open("rb") as data:
                shutil.copyfileobj(data, target)
    return len(render.attachments)


def _zip_info(name: str, stamp: tuple[int, int, int, int, int, int], method: int
              ) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = method
    info.external_attr = 0o644 << 16
    return info


def _write_telegram(out_dir: Path, folder: Path, plan: Plan, catalog: MediaCatalog,
                    seed: int) -> list[ChatSynthFile]:
    """Telegram Desktop writes `ChatExport_<export date>/`; the date is known only at the end."""
    group_id = random.Random(f"chat-tg-id:{seed}").randint(1_000_000_000, 2_999_999_999)
    staging = folder / "ChatExport_partial"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    with (staging / "result.json").open("w", encoding="utf-8", newline="\n") as sink:
        render = TgWriter(plan, catalog, group_id).write(sink)
    for relative, source in render.media_files:
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    export = folder / f"ChatExport_{render.last_time:%Y-%m-%d}"
    if export.exists():
        shutil.rmtree(export)
    staging.rename(export)
    result = export / "result.json"
    truth = render.truth.finish(seed, [_rel(out_dir, result)], render.truth_names,
                                {"last_message_id": render.last_id})
    truth_path = folder / TRUTH_NAME
    _write_json(truth_path, truth)
    return [
        _describe(out_dir, result, "telegram_json", truth, len(render.media_files)),
        _describe(out_dir, truth_path, "ground_truth", truth, 0),
    ]


def _describe(out_dir: Path, path: Path, kind: str, truth: GroundTruth,
              attached: int) -> ChatSynthFile:
    counts = truth["counts"]
    return ChatSynthFile(
        path=_rel(out_dir, path), layout=truth["layout"], group=str(truth["group"]["name"]),
        kind=kind, members=counts["members"], messages=counts["messages"],
        events=counts["events"], media=counts["media"], attached=attached,
        size=path.stat().st_size, sha256=_sha256(path),
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _rel(out_dir: Path, path: Path) -> str:
    return path.relative_to(out_dir).as_posix()


def _write_json(path: Path, data: object) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as sink:
        json.dump(data, sink, ensure_ascii=False, indent=1)
        sink.write("\n")


def load_ground_truth(path: Path) -> GroundTruth:
    """Read a ground truth written by `write_chat_groups` (for tests and benchmarks)."""
    with path.open(encoding="utf-8") as source:
        data: GroundTruth = json.load(source)
    return data

