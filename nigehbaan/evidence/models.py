"""Tables of the evidence vault: items (one per content), where each came from, and custody.

An item is one SHA-256: the same picture seized in three cases is one item with three links,
which is what lets a case see the others that hold it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nigehbaan.core.chain import Chained
from nigehbaan.core.clock import utcnow
from nigehbaan.core.db import Base, UTCDateTime

SOURCE_LENGTH = 300
PATH_LENGTH = 1000
"""Longest source and path (inside their containers) that an ingest records."""


class EvidenceItem(Base):
    __tablename__ = "evidence_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    sha1: Mapped[str] = mapped_column(String(40), index=True)
    md5: Mapped[str] = mapped_column(String(32), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    mime: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16), index=True)
    pdq: Mapped[str | None] = mapped_column(String(64), nullable=True)
    pdq_quality: Mapped[int | None] = mapped_column(Integer, nullable=True)
    perceptual: Mapped[str] = mapped_column(String(16), default="not_applicable")
    """`ok`, `partial`, `unavailable` (with a reason) or `not_applicable` (not an image/video)."""
    perceptual_reason: Mapped[str] = mapped_column(Text, default="")
    duration: Mapped[float | None] = mapped_column(Float, nullable=True)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    frames: Mapped[list[EvidenceFrame]] = relationship(
        cascade="all, delete-orphan", order_by="EvidenceFrame.seconds")


class EvidenceFrame(Base):
    """One PDQ per sampled second of a video: what vPDQ-style matching compares."""

    __tablename__ = "evidence_frames"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("evidence_items.id"), index=True)
    seconds: Mapped[float] = mapped_column(Float)
    pdq: Mapped[str] = mapped_column(String(64))
    quality: Mapped[int] = mapped_column(Integer)


class EvidencePreview(Base):
    """A small blurred greyscale JPEG, kept apart from the evidence it was derived from."""

    __tablename__ = "evidence_previews"

    item_id: Mapped[int] = mapped_column(ForeignKey("evidence_items.id"), primary_key=True)
    jpeg: Mapped[bytes] = mapped_column(LargeBinary)


class CaseItem(Base):
    """Where an item was found: which case, which source, which path inside its containers."""

    __tablename__ = "case_items"
    __table_args__ = (
        UniqueConstraint("case_id", "source", "path", name="uq_case_items_case_source_path"),
        Index("ix_case_items_item_case", "item_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("evidence_items.id"))
    source: Mapped[str] = mapped_column(String(SOURCE_LENGTH))
    path: Mapped[str] = mapped_column(String(PATH_LENGTH))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime())
    acquired_by: Mapped[str] = mapped_column(String(120))
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False)
    reviewed_by: Mapped[str] = mapped_column(String(120), default="")
    category: Mapped[str] = mapped_column(String(40), default="")

    item: Mapped[EvidenceItem] = relationship(lazy="joined")


class IngestRefusal(Base):
    """A file an ingest could not take (unsafe archive member, unreadable), with the reason."""

    __tablename__ = "ingest_refusals"
    __table_args__ = (
        UniqueConstraint("case_id", "source", "path", name="uq_ingest_refusals_case_source_path"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    source: Mapped[str] = mapped_column(String(SOURCE_LENGTH))
    path: Mapped[str] = mapped_column(String(PATH_LENGTH))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class CustodyEvent(Chained, Base):
    """Acquisition, every view, export and verification of an item, hash-chained like the
    audit log so a court can be shown that the record of handling is complete."""

    __tablename__ = "custody_events"
    chain_name: ClassVar[str] = "custody"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(120))
    session_ref: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(32), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    case_ref: Mapped[str] = mapped_column(String(32), default="", index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    def chain_payload(self) -> dict[str, Any]:
        return {"at": self.at, "actor": self.actor, "session_ref": self.session_ref,
                "action": self.action, "sha256": self.sha256, "case_ref": self.case_ref,
                "reason": self.reason, "detail": self.detail}
