"""Tables of the public portal: reports, their receipts, the conversation and reported hashes.

Nothing here holds anything about the request a report came in on (no address, no user agent,
no timestamps finer than the report itself needs): the portal is the door a frightened child
comes through, so what it does not store cannot leak.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nigehbaan.cases.models import Case
from nigehbaan.core.clock import utcnow
from nigehbaan.core.db import Base, UTCDateTime


class PortalReport(Base):
    """One report made through the portal; its case is opened in the same transaction.

    `lookup_key` is an HMAC (with the portal's own key) of the receipt's first digits, so a
    returning reporter's row is found by index, then confirmed with Argon2id over the whole
    receipt (`receipt_hash`); see `intake.receipts` for why the key covers a prefix only.
    """

    __tablename__ = "portal_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    lookup_key: Mapped[str] = mapped_column(String(64), index=True)
    receipt_hash: Mapped[str] = mapped_column(String(255))
    form_nonce: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(16))
    reporter_role: Mapped[str] = mapped_column(String(16), default="")
    age_band: Mapped[str] = mapped_column(String(16), default="")
    spreading_now: Mapped[str] = mapped_column(String(16), default="")
    platform: Mapped[str] = mapped_column(String(200), default="")
    groups: Mapped[str] = mapped_column(Text, default="")
    people: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[Case] = relationship(lazy="joined")
    messages: Mapped[list[PortalMessage]] = relationship(
        cascade="all, delete-orphan", order_by="PortalMessage.id")
    contacts: Mapped[list[PortalContact]] = relationship(
        cascade="all, delete-orphan", order_by="PortalContact.id")
    hashes: Mapped[list[ReportedHash]] = relationship(
        cascade="all, delete-orphan", order_by="ReportedHash.id")


class PortalMessage(Base):
    """A message between the reporter and the unit, or information the reporter added later.

    `form_nonce` is the single-use token of the form that sent a reporter's message: a replayed
    form hits the unique index instead of posting the same words twice. Officers' replies have
    none (the console's CSRF token guards them).
    """

    __tablename__ = "portal_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("portal_reports.id"), index=True)
    author: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default="message")
    officer: Mapped[str] = mapped_column(String(64), default="")
    body: Mapped[str] = mapped_column(Text)
    form_nonce: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PortalContact(Base):
    """A phone number, handle or link the reporter named, as typed and, if it parses, normalised.

    Reporters type numbers as they saw them; an impossible number is still a lead, so it is kept
    as text with `valid = False` and shown flagged, never refused (unlike the case register).
    """

    __tablename__ = "portal_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("portal_reports.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    raw: Mapped[str] = mapped_column(String(300))
    value: Mapped[str] = mapped_column(String(300), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    valid: Mapped[bool] = mapped_column(Boolean, default=True)
    problem: Mapped[str] = mapped_column(String(120), default="")


class ReportedHash(Base):
    """Hashes of one file a reporter hashed on their own device (hash-only report).

    Together a report's rows form a hash list tied to the report: the matching engine reads them
    through `intake.hashlist.reported_entries` and calls `mark_found` when seized evidence
    matches, which the reporter's status page then tells (without details).
    """

    __tablename__ = "portal_hashes"
    __table_args__ = (
        Index("ix_portal_hashes_sha256", "sha256"),
        Index("ix_portal_hashes_md5", "md5"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("portal_reports.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    md5: Mapped[str] = mapped_column(String(32))
    pdq: Mapped[str | None] = mapped_column(String(64), nullable=True)
    pdq_displayed: Mapped[str | None] = mapped_column(String(64), nullable=True)
    quality: Mapped[int | None] = mapped_column(Integer, nullable=True)
    size: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    found_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    found_by: Mapped[str] = mapped_column(String(120), default="")
