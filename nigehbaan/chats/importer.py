"""Importing an export into a case: detect, stream, store and triage in one pass and one
transaction.

Records go to the database in batches through Core inserts (executemany), and to an `Analysis`
at the same time, so a 200,000-message group is read once and never held whole. The service
never commits: the caller's transaction makes an import all or nothing. The same file (by
SHA-256) imported into the same case again returns the first import and changes nothing.
The attached media go to the evidence vault afterwards, in units of work of their own
(`chats.vaulting`): a chat import is never held open while media are analysed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from nigehbaan.cases.access import load_case
from nigehbaan.chats.analysis import Analysis, MemberResult, Result
from nigehbaan.chats.batch import cycles_paused
from nigehbaan.chats.errors import ChatParseError
from nigehbaan.chats.media import MediaHashes
from nigehbaan.chats.model import ChatFormat, Media, MemberRef, Message, Record
from nigehbaan.chats.models import (
    ChatEdge,
    ChatEvent,
    ChatGroup,
    ChatIndicator,
    ChatMedia,
    ChatMember,
    ChatMessage,
)
from nigehbaan.chats.registry import DateOrder, open_chats
from nigehbaan.chats.source import export_file
from nigehbaan.chats.stream import ChatStream
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.columns import fit, fit_rows
from nigehbaan.core.db import Base
from nigehbaan.core.errors import Invalid
from nigehbaan.core.roles import Permission

BATCH = 5000


@dataclass(frozen=True)
class ImportOutcome:
    group: ChatGroup
    created: bool
    media_paths: frozenset[str] | None = None
    """Where the export's attached media lie, as the parser found them (None when the group
    was already imported and the export not read again)."""


def sha256_of(path: Path) -> str:
    with path.open("rb") as data:
        return hashlib.file_digest(data, "sha256").hexdigest()


def import_export(session: Session, actor: Actor, reference: str, path: Path, *,
                  date_order: DateOrder | None = None, owner: str | None = None,
                  owner_phone: str | None = None, default_region: str = "PK",
                  source_name: str | None = None) -> ImportOutcome:
    case = load_case(session, actor, reference, Permission.CASE_WRITE)
    try:
        file = export_file(Path(path))
    except ChatParseError as error:
        raise Invalid(str(error)) from None
    digest = sha256_of(file)
    existing = session.execute(select(ChatGroup).where(
        ChatGroup.case_id == case.id, ChatGroup.source_sha256 == digest)).scalar_one_or_none()
    if existing is not None:
        return ImportOutcome(existing, False)
    try:
        stream = open_group(file, date_order=date_order, owner=owner,
                            default_region=default_region)
        head = stream.header
        group = ChatGroup(case_id=case.id, format=head.format.value,
                          title=fit(ChatGroup, "title", head.title or ""),
                          chat_type=fit(ChatGroup, "chat_type", head.chat_type),
                          chat_ref=fit(ChatGroup, "chat_ref", head.chat_id or ""),
                          source_name=fit(ChatGroup, "source_name", source_name or file.name),
                          source_sha256=digest,
                          time_basis="utc" if head.format == ChatFormat.TELEGRAM else "local",
                          imported_by=actor.username)
        session.add(group)
        session.flush()
        with MediaHashes(file) as hashes:
            analysis = Analysis(head.format, default_region=default_region,
                                owner_phone=owner_phone, content_key=hashes)
            writer = _Writer(session, group.id, hashes)
            with cycles_paused():  # as in `analysis.analyse`
                for batch in stream.batches():
                    analysis.feed_batch(batch)
                    for record in batch.records():
                        writer.add(record)
                writer.flush()
                result = analysis.finish()
    except ChatParseError as error:
        raise Invalid(str(error)) from None
    _store_result(session, group, writer, result)
    group.title = fit(ChatGroup, "title", stream.header.title or group.title)
    group.chat_type = fit(ChatGroup, "chat_type", stream.header.chat_type)
    group.report = _report(stream, result)
    audit.record(session, actor, "chat.import", "chat_group", str(group.id), detail={
        "case": case.reference, "sha256": digest, "format": group.format,
        "messages": group.report["messages"], "events": group.report["events"],
        "members": group.report["members"]})
    return ImportOutcome(group, True, frozenset(writer.media_paths))


def open_group(file: Path, *, date_order: DateOrder | None, owner: str | None,
               default_region: str) -> ChatStream:
    """The chat an import takes from the export file, as a stream of its records."""
    return _group_stream(lambda: open_chats(file, date_order=date_order,
                                            default_region=default_region, owner_name=owner))


def _group_stream(open_streams: Callable[[], Iterator[ChatStream]]) -> ChatStream:
    """The export's chat; in a full Telegram export, its first group chat. Streams are read
    once, so when no chat is a group the export is opened again for its first chat."""
    count = 0
    for stream in open_streams():
        count += 1
        if "group" in stream.header.chat_type or stream.header.format == ChatFormat.WHATSAPP:
            return stream
        stream.drain()
    if count == 0:
        raise ChatParseError("the export holds no chat")
    return next(iter(open_streams()))


def _naive(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


class _Writer:
    """Buffers rows and writes them in batches; members are made on first sight."""

    def __init__(self, session: Session, group_id: int, hashes: MediaHashes) -> None:
        self.session, self.group_id, self.hashes = session, group_id, hashes
        self.member_ids: dict[str, int] = {}
        self.new_members: dict[str, dict[str, Any]] = {}
        self.messages: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.media: list[dict[str, Any]] = []
        self.media_paths: set[str] = set()

    def member(self, ref: MemberRef | None) -> str | None:
        """The member's key, standing for its row id until `flush` has inserted it."""
        if ref is None:
            return None
        if ref.key not in self.member_ids and ref.key not in self.new_members:
            self.new_members[ref.key] = {
                "group_id": self.group_id, "key": ref.key, "display_name": ref.label,
                "aliases": [], "phone_e164": ref.phone_e164, "country": ref.country or "",
                "telegram_id": ref.telegram_id, "is_owner": ref.is_owner}
        return ref.key

    def _insert_members(self) -> None:
        """New members in one statement, their ids in the order given (an overlong key is cut
        in the row, so they are matched by order, not read back)."""
        if not self.new_members:
            return
        made = self.session.execute(
            insert(ChatMember).returning(ChatMember.id, sort_by_parameter_order=True),
            fit_rows(ChatMember, list(self.new_members.values()))).scalars().all()
        self.member_ids.update(zip(self.new_members, made, strict=True))
        self.new_members.clear()

    def add(self, record: Record) -> None:
        if isinstance(record, Message):
            self._message(record)
        else:
            for ref in record.targets:
                self.member(ref)
            self.events.append({
                "group_id": self.group_id, "position": record.position,
                "message_ref": record.message_id, "kind": record.kind.value,
                "member_id": self.member(record.actor), "at": _naive(record.timestamp),
                "old_value": record.old_value, "new_value": record.new_value,
                "text": record.text, "raw": record.raw})
        if len(self.messages) + len(self.events) + len(self.media) >= BATCH:
            self.flush()

    def _message(self, msg: Message) -> None:
        sender = self.member(msg.sender)
        for ref in msg.mentions:
            self.member(ref)
        self.member(msg.deleted_by)
        self.messages.append({
            "group_id": self.group_id, "position": msg.position, "message_ref": msg.message_id,
            "member_id": sender, "at": _naive(msg.timestamp), "text": msg.text, "raw": msg.raw,
            "reply_to": msg.reply_to, "forwarded_from": (msg.forwarded_from or None),
            "deleted": msg.deleted, "edited": msg.edited, "has_media": msg.media is not None})
        media = msg.media
        if media is not None:
            if media.path:
                self.media_paths.add(media.path)
            digest = self.hashes(media)
            self.media.append({
                "group_id": self.group_id, "position": msg.position, "member_id": sender,
                "kind": media.kind.value, "file_name": media.file_name,
                "attached": media.attached, "sha256": digest,
                "evidence_sha256": None,
                "not_hashable": None if digest else self._not_hashable(media),
                "forwarded": bool(msg.forwarded_from)})

    def _not_hashable(self, media: Media) -> str:
        """Bytes found but unreadable say what was wrong with them; "not in the export" is
        only for bytes that are absent."""
        return self.hashes.reason(media) or media.not_hashable or "not in the export"

    def flush(self) -> None:
        self._insert_members()
        ids = self.member_ids
        for table, rows in ((ChatMessage, self.messages), (ChatEvent, self.events),
                            (ChatMedia, self.media)):
            for row in rows:
                if row["member_id"] is not None:
                    row["member_id"] = ids[row["member_id"]]
            _insert_rows(self.session, table, rows)
            rows.clear()


def _insert_rows(session: Session, table: type[Base], rows: list[dict[str, Any]]) -> None:
    """Rows go out as plain executemany on the session's connection, `BATCH` at a time:
    nothing here is an object the session must track, and the ORM's bulk path cost a fifth
    of an import."""
    for start in range(0, len(rows), BATCH):
        session.connection().execute(insert(table), fit_rows(table, rows[start:start + BATCH]))


def _store_result(session: Session, group: ChatGroup, writer: _Writer, result: Result) -> None:
    ids = writer.member_ids
    renamed: list[dict[str, Any]] = []
    moved: list[dict[str, Any]] = []
    for raw, target in result.identity.canonical.items():
        if raw == target or raw not in ids:
            continue
        if target not in ids:
            ids[target] = ids[raw]
            renamed.append({"row": ids[raw], "new_key": fit(ChatMember, "key", target)})
            continue
        moved.append({"group": group.id, "old": ids.pop(raw), "new": ids[target]})
    _merge_members(session, renamed, moved)
    figures = [_member_figures(ids[key], member) for key, member in result.members.items()]
    for start in range(0, len(figures), BATCH):
        session.execute(update(ChatMember), fit_rows(ChatMember, figures[start:start + BATCH]))
    rows = [{"member_id": ids[key], "code": i.code, "detail": i.detail,
             "evidence": list(i.evidence)}
            for key, member in result.members.items() for i in member.indicators]
    edges = [{"group_id": group.id, "kind": e.kind, "source_id": ids[e.source],
              "target_id": ids[e.target], "position": e.position}
             for e in result.edges if e.source in ids and e.target in ids]
    for model, batch in ((ChatIndicator, rows), (ChatEdge, edges)):
        _insert_rows(session, model, batch)


def _merge_members(session: Session, renamed: list[dict[str, Any]],
                   moved: list[dict[str, Any]]) -> None:
    """Identity resolution after the rows are in: a member known only now by a better key gets
    it, and the rows of a member found to be someone else move to them. One executemany per
    table (a large Telegram group merges a thousand names into ids, one statement each took
    seconds), each row found through the group's own index."""
    connection = session.connection()
    members = cast(Table, ChatMember.__table__)
    if renamed:
        connection.execute(update(members).where(members.c.id == bindparam("row"))
                           .values(key=bindparam("new_key")), renamed)
    if not moved:
        return
    for model in (ChatMessage, ChatEvent, ChatMedia):
        table = cast(Table, model.__table__)
        connection.execute(update(table).where(table.c.group_id == bindparam("group"),
                                               table.c.member_id == bindparam("old"))
                           .values(member_id=bindparam("new")), moved)
    connection.execute(delete(members).where(members.c.id == bindparam("old")), moved)


def _member_figures(member_id: int, member: MemberResult) -> dict[str, Any]:
    """One member's row after triage, for a bulk update by primary key."""
    person, tally, pos, advice = member.person, member.tally, member.position, member.triage
    return {
        "id": member_id, "display_name": person.display_name,
        "aliases": list(person.aliases), "phone_e164": person.phone_e164,
        "country": person.country or "", "telegram_id": person.telegram_id,
        "is_owner": person.is_owner, "mention_only": person.mention_only,
        "messages": tally.messages, "media": tally.media, "added_count": tally.added_count,
        "pagerank": pos.pagerank if pos else 0.0, "betweenness": pos.betweenness if pos else 0.0,
        "core": pos.core if pos else 0, "removal_effect": pos.removal_effect if pos else 0,
        "triage": advice.category, "triage_rule": advice.rule, "triage_score": advice.score}


def _report(stream: ChatStream, result: Result) -> dict[str, Any]:
    report = stream.report()
    merged = sum(len(p.merged) for p in result.identity.people.values())
    return {
        "lines_read": report.lines_read, "messages": report.messages, "events": report.events,
        "members": result.counted_members, "members_parsed": report.members,
        "merged_identities": merged,
        "mentioned_only": len(result.members) - result.counted_members,
        "unparsed_lines": report.unparsed_lines,
        "first_timestamp": report.first_timestamp.isoformat() if report.first_timestamp else None,
        "last_timestamp": report.last_timestamp.isoformat() if report.last_timestamp else None,
        "warnings": list(report.warnings), "date_order": report.date_order,
        "locale": report.locale,
    }
