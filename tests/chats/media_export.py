"""A small synthetic WhatsApp export zip with generated benign images attached, and a hash
list that makes its most re-shared image "known": shared by the media-vault tests."""

from __future__ import annotations

import hashlib
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.core.actors import Actor
from nigehbaan.core.db import transaction
from nigehbaan.matching import lists
from nigehbaan.matching.lists import ListOptions
from nigehbaan.synth.chats import write_chat_groups
from nigehbaan.synth.media import write_media

LAYOUT = "whatsapp-android-en"


@dataclass(frozen=True)
class Export:
    zip: Path
    txt: Path
    known_member: str
    """The zip member the hash list names."""
    md5: str
    sha256: str


def write_export(root: Path) -> Export:
    write_media(root / "media", seed=5, images=6, videos=0, image_size=(160, 120))
    manifest = write_chat_groups(root / "chats", 5, members=20, messages=300,
                                 media_dir=root / "media" / "images", layouts=[LAYOUT])
    archive = root / "chats" / manifest.by_kind("zip")[0].path
    text = root / "chats" / manifest.by_kind("txt")[0].path
    with zipfile.ZipFile(archive) as opened:
        images = {n: opened.read(n) for n in opened.namelist()
                  if n.lower().endswith((".jpg", ".png"))}
    shared = Counter(hashlib.sha256(data).digest() for data in images.values())
    name = max(images, key=lambda n: (shared[hashlib.sha256(images[n]).digest()], n))
    data = images[name]
    assert shared[hashlib.sha256(data).digest()] > 1, "the known image should be re-shared"
    return Export(archive, text, name, hashlib.md5(data).hexdigest(),
                  hashlib.sha256(data).hexdigest())


def hash_list(factory: sessionmaker[Session], admin: Actor, export: Export, folder: Path) -> None:
    path = folder / "known.csv"
    path.write_text("hash_type,hash,category\n"
                    f"md5,{export.md5},1\nsha256,{export.sha256},1\n", "utf-8")
    with transaction(factory) as session:
        lists.import_list(session, admin, path, ListOptions(name="agency list", format="csv",
                                                            scheme="vics-us"))
