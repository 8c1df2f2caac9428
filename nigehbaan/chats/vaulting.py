"""Importing an export with its media: chat records, then the vault, then the links.

Three units of work, in an order that never leaves a half-imported chat:

1. the chat records (one transaction, `importer.import_export`): all or nothing;
2. the attached media through the evidence vault's own ingest (`acquisition.ingest`), so custody,
   previews, PDQ and the automatic known-list matching happen exactly as for any seized media.
   A zip or folder is ingested as given; a loose `.txt` or `result.json` with only the media
   files it names that the parser found beside it, never the rest of the folder it lies in
   (an examiner's Downloads holds other cases' files). The ingest records in batches and
   resumes where an interrupted run stopped;
3. the links (one transaction): each `ChatMedia` gets `evidence_sha256`, the SHA-256 of its vault
   item (the vault stores content unaltered, so it equals the attachment's own), and the members'
   known-list indicators and advice are refreshed (`known.refresh`).

Running the import again returns the group already imported, ingests only when some attached
media are still unlinked, and links what is missing: a re-run finishes an interrupted one and
otherwise changes nothing. Items are linked by content and by this export's ingest source, so
an attachment is tied to what the vault recorded from this export and nothing else.
"""

from __future__ import annotations

import os
import zipfile
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.cases.access import load_case
from nigehbaan.chats import importer, known, queries
from nigehbaan.chats.errors import ChatParseError
from nigehbaan.chats.model import Message
from nigehbaan.chats.models import ChatGroup, ChatMedia
from nigehbaan.chats.registry import DateOrder
from nigehbaan.chats.views import ImportView, MediaImportView
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.columns import fit
from nigehbaan.core.db import transaction
from nigehbaan.core.errors import Invalid
from nigehbaan.core.roles import Permission
from nigehbaan.core.settings import Settings
from nigehbaan.evidence import acquisition
from nigehbaan.evidence.models import CaseItem, EvidenceItem


@dataclass(frozen=True)
class ChatImport:
    group_id: int
    created: bool
    media: MediaImportView


def media_source(group: ChatGroup) -> str:
    """The ingest source naming the export: the same export always gives the same source,
    which is what makes the vault's resumable ingest skip what it already recorded. A long
    name is cut with a digest of the whole, so two exports never share a source."""
    return fit(CaseItem, "source", f"chat export {group.source_name} ({group.source_sha256[:12]})")


def ingest_scope(path: Path, found: frozenset[str] | None, *, date_order: DateOrder | None,
                 owner: str | None, default_region: str) -> tuple[Path, frozenset[str] | None]:
    """What the vault ingests: the zip or folder as given, all of it evidence; for a loose
    `.txt` or `result.json`, the folder it lies in narrowed to the export and the media it
    names beside it (`found` by the import's own pass, else read again). The names stay
    relative to that folder, which is named even when the export was given as a bare
    `chat.txt`, so a re-run from anywhere is resumed."""
    if path.is_dir() or not path.is_file() or zipfile.is_zipfile(path):
        return path, None
    if found is None:
        found = media_paths(path, date_order=date_order, owner=owner,
                            default_region=default_region)
    folder = path.parent.resolve()
    named = {Path(os.path.relpath(media, folder)).as_posix() for media in found}
    return path.absolute().parent, frozenset({path.name, *named})


def media_paths(export: Path, *, date_order: DateOrder | None, owner: str | None,
                default_region: str) -> frozenset[str]:
    """Where the parser finds the media of the chat the import took (a full Telegram export
    holds others, which stay out), for a re-run whose import did not read the export.

    Parsed again with the import's own options, streamed, because only the parser knows which
    files the export names. A path outside the folder becomes `../…` in `ingest_scope`, so the
    vault refuses it visibly rather than it being dropped."""
    try:
        stream = importer.open_group(export, date_order=date_order, owner=owner,
                                     default_region=default_region)
        return frozenset(record.media.path for record in stream
                         if isinstance(record, Message) and record.media is not None
                         and record.media.path)  # fmt: skip
    except ChatParseError as error:
        raise Invalid(str(error)) from None


def _counts(session: Session, group_id: int) -> tuple[int, int]:
    attached, linked = session.execute(
        select(func.count(ChatMedia.sha256), func.count(ChatMedia.evidence_sha256))
        .where(ChatMedia.group_id == group_id)).one()
    return int(attached), int(linked)


def link_media(session: Session, actor: Actor, reference: str, group_id: int,
               source: str) -> int:
    """Tie unlinked attachments to the vault items this export's ingest recorded; how many."""
    case = load_case(session, actor, reference, Permission.CASE_WRITE)
    recorded = (select(EvidenceItem.sha256)
                .join(CaseItem, CaseItem.item_id == EvidenceItem.id)
                .where(CaseItem.case_id == case.id, CaseItem.source == source))
    done = session.execute(
        update(ChatMedia)
        .where(ChatMedia.group_id == group_id, ChatMedia.evidence_sha256.is_(None),
               ChatMedia.sha256.in_(recorded))
        .values(evidence_sha256=ChatMedia.sha256)
        .execution_options(synchronize_session=False))
    linked = int(done.rowcount or 0)  # type: ignore[attr-defined]
    if linked:
        audit.record(session, actor, "chat.media.link", "chat_group", str(group_id),
                     detail={"case": case.reference, "source": source, "linked": linked})
    return linked


def import_chat(factory: sessionmaker[Session], actor: Actor, reference: str, path: Path,
                settings: Settings, *, media: bool = True, executor: Executor | None = None,
                date_order: DateOrder | None = None, owner: str | None = None,
                owner_phone: str | None = None, source_name: str | None = None) -> ChatImport:
    """Import the export into the case and, unless `media` is False, its attached media into
    the vault; see the module docstring for the units of work."""
    path = Path(path)
    with transaction(factory) as session:
        outcome = importer.import_export(
            session, actor, reference, path, date_order=date_order, owner=owner,
            owner_phone=owner_phone, default_region=settings.default_region,
            source_name=source_name)
        group_id, created = outcome.group.id, outcome.created
        source = media_source(outcome.group)
        attached, linked = _counts(session, group_id)
    report = MediaImportView(requested=media, attached=attached, linked=linked)
    if not media:
        return ChatImport(group_id, created, report)
    if linked < attached:
        root, only = ingest_scope(path, outcome.media_paths, date_order=date_order, owner=owner,
                                  default_region=settings.default_region)
        summary = acquisition.ingest(factory, actor, reference, root, source, settings,
                                     executor=executor, only=only)
        report.ingested_files, report.refused = summary.files, summary.refused
    with transaction(factory) as session:
        report.newly_linked = link_media(session, actor, reference, group_id, source)
        report.linked += report.newly_linked
        if report.linked:
            known.refresh(session, actor, reference, group_id)
        report.matched = known.matched_count(session, group_id)
    return ChatImport(group_id, created, report)


def import_view(factory: sessionmaker[Session], actor: Actor, reference: str,
                done: ChatImport) -> ImportView:
    """What the CLI, API and console report back about an import."""
    with transaction(factory) as session:
        case = load_case(session, actor, reference)
        group = queries.load_group(session, actor, reference, done.group_id)
        view = queries.group_view(group, case.reference)
    return ImportView(created=done.created, group=view, media=done.media)

