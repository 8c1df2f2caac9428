"""Tables of the chats capability: imported groups, their members, records, network and triage.

Messages and events keep their `position` (line in a WhatsApp export, index in a Telegram
`messages` array) and their raw text, so every indicator can be traced back to the export.
Records are written in batches through the tables (`insert(...)` executemany), never as ORM
objects one by one: a seized group has hundreds of thousands of them. Times are stored naive:
WhatsApp writes local time without a zone; `ChatGroup.time_basis` says which ("local"/"utc").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from nigehbaan.core.clock import utcnow
from nigehbaan.core.db import Base, UTCDateTime


class ChatGroup(Base):
    """One imported chat; the same export file (by SHA-256) is imported once per case."""

    __tablename__ = "chat_groups"
    __table_args__ = (
        UniqueConstraint("case_id", "source_sha256", name="uq_chat_groups_case_source"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    format: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300), default="")
    chat_type: Mapped[str] = mapped_column(String(40), default="")
    chat_ref: Mapped[str] = mapped_column(String(80), default="")
    source_name: Mapped[str] = mapped_column(String(300))
    source_sha256: Mapped[str] = mapped_column(String(64))
    time_basis: Mapped[str] = mapped_column(String(8), default="local")
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    imported_by: Mapped[str] = mapped_column(String(120), default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChatMember(Base):
    """One person in a group after identity resolution, with their network figures and advice.

    `key` is `tel:+E164`, `tg:user123`, `name:LABEL` or `owner`; `aliases` every label seen.
    `triage` is the tool's advice (never a verdict); the analyst's word is `ChatTriageDecision`.
    """

    __tablename__ = "chat_members"
    __table_args__ = (UniqueConstraint("group_id", "key", name="uq_chat_members_group_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("chat_groups.id"), index=True)
    key: Mapped[str] = mapped_column(String(300))
    display_name: Mapped[str] = mapped_column(String(300), default="")
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    phone_e164: Mapped[str | None] = mapped_column(String(20), nullable=True)
    country: Mapped[str] = mapped_column(String(2), default="")
    telegram_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    is_owner: Mapped[bool] = mapped_column(Boolean, default=False)
    mention_only: Mapped[bool] = mapped_column(Boolean, default=False)
    messages: Mapped[int] = mapped_column(Integer, default=0)
    media: Mapped[int] = mapped_column(Integer, default=0)
    added_count: Mapped[int] = mapped_column(Integer, default=0)
    known_matches: Mapped[int] = mapped_column(Integer, default=0)
    pagerank: Mapped[float] = mapped_column(Float, default=0.0)
    betweenness: Mapped[float] = mapped_column(Float, default=0.0)
    core: Mapped[int] = mapped_column(Integer, default=0)
    removal_effect: Mapped[int] = mapped_column(Integer, default=0)
    triage: Mapped[str] = mapped_column(String(24), default="undetermined", index=True)
    triage_rule: Mapped[str] = mapped_column(Text, default="")
    triage_score: Mapped[int] = mapped_column(Integer, default=0)


class ChatMessage(Base):
    __tablename__ = "chat_messages"
    __table_args__ = (
        UniqueConstraint("group_id", "position", name="uq_chat_messages_group_position"),
        Index("ix_chat_messages_group_member", "group_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("chat_groups.id"))
    position: Mapped[int] = mapped_column(Integer)
    message_ref: Mapped[str | None] = mapped_column(String(40), nullable=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("chat_members.id"), nullable=True)
    at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)
    text: Mapped[str] = mapped_column(Text, default="")
    raw: Mapped[str] = mapped_column(Text, default="")
    reply_to: Mapped[str | None] = mapped_column(String(40), nullable=True)
    forwarded_from: Mapped[str | None] = mapped_column(String(300), nullable=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    has_media: Mapped[bool] = mapped_column(Boolean, default=False)


class ChatEvent(Base):
    """A membership or group change; its targets are `ChatEdge` rows of the same position."""

    __tablename__ = "chat_events"
    __table_args__ = (
        UniqueConstraint("group_id", "position", name="uq_chat_events_group_position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("chat_groups.id"))
    position: Mapped[int] = mapped_column(Integer)
    message_ref: Mapped[str | None] = mapped_column(String(40), nullable=True)
    kind: Mapped[str] = mapped_column(String(32))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("chat_members.id"), nullable=True)
    at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)
    old_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    new_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    text: Mapped[str] = mapped_column(Text, default="")
    raw: Mapped[str] = mapped_column(Text, default="")


class ChatEdge(Base):
    """Who did what to whom: added, removed, invited, mention, reply, reshared, number_posted,
    deleted_message (an admin deleted the target's message)."""

    __tablename__ = "chat_edges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("chat_groups.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    source_id: Mapped[int] = mapped_column(ForeignKey("chat_members.id"))
    target_id: Mapped[int] = mapped_column(ForeignKey("chat_members.id"))
    position: Mapped[int] = mapped_column(Integer)


class ChatMedia(Base):
    """A media item a message carries. No bytes here: `sha256` is set for attached files we
    read, and `evidence_sha256` links the vault item once the evidence integration stores it;
    `not_hashable` says why an item can never be "no match"."""

    __tablename__ = "chat_media"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("chat_groups.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("chat_members.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    attached: Mapped[bool] = mapped_column(Boolean, default=False)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    evidence_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    not_hashable: Mapped[str | None] = mapped_column(String(200), nullable=True)
    forwarded: Mapped[bool] = mapped_column(Boolean, default=False)


class ChatIndicator(Base):
    """One indicator of one member; `evidence` lists the positions of the records it rests on."""

    __tablename__ = "chat_indicators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("chat_members.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[int]] = mapped_column(JSON, default=list)


class ChatTriageDecision(Base):
    """An analyst's decision on a member, kept beside the advice it confirms or changes."""

    __tablename__ = "chat_triage_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("chat_members.id"), index=True)
    category: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(Text)
    advice: Mapped[str] = mapped_column(String(24))
    advice_rule: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(120))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
