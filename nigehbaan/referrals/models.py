"""Tables of international cooperation: what reports brought in, what arrival look-ups found,
who is attributed to which country, and each outgoing referral with its moves."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nigehbaan.core.clock import utcnow
from nigehbaan.core.db import Base, UTCDateTime


class InboundReport(Base):
    """The source of an incoming case, kept verbatim: fields we do not read stay with the case."""

    __tablename__ = "inbound_reports"
    __table_args__ = (UniqueConstraint("format", "source_id", name="uq_inbound_reports_format"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    format: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[str] = mapped_column(String(120))
    """The sender's reference (a CyberTipline report id, an embassy's file number)."""
    sha256: Mapped[str] = mapped_column(String(64))
    original: Mapped[str] = mapped_column(Text, default="")
    unknown: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Fields this importer does not read, by path, verbatim (JSON values or XML fragments)."""
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    imported_by: Mapped[str] = mapped_column(String(120))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReportedFile(Base):
    """A file known to us only by its hashes, as a referral or a platform report gave them."""

    __tablename__ = "reported_files"
    __table_args__ = (Index("ix_reported_files_algorithm_value", "algorithm", "value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    file_key: Mapped[str] = mapped_column(String(40), default="")
    """Groups the hashes of one file (several algorithms for the same upload)."""
    algorithm: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(256))
    file_name: Mapped[str] = mapped_column(String(300), default="")
    annotations: Mapped[list[str]] = mapped_column(JSON, default=list)


class IpCapture(Base):
    """An IP address seen at a time (login, upload), with the person it belongs to if known."""

    __tablename__ = "ip_captures"
    __table_args__ = (Index("ix_ip_captures_address", "address"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), nullable=True)
    address: Mapped[str] = mapped_column(String(45))
    at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    event: Mapped[str] = mapped_column(String(80), default="")
    port: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ArrivalHit(Base):
    """Something an incoming case shares with another case, found when it arrived."""

    __tablename__ = "arrival_hits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    other_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(256))
    provider: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CountryAttribution(Base):
    """A person attributed to a country by hand, beside what their phone numbers say."""

    __tablename__ = "country_attributions"
    __table_args__ = (
        UniqueConstraint("person_id", "country", name="uq_country_attributions_person_country"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    country: Mapped[str] = mapped_column(String(2))
    reason: Mapped[str] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(String(120))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChatMemberAttribution(Base):
    """A chat group member attributed to a country by hand: a contact saved under a name shows
    no number in the export, so nothing else can say where they are."""

    __tablename__ = "chat_member_attributions"
    __table_args__ = (
        UniqueConstraint("member_id", "country", name="uq_chat_member_attributions_member_country"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("chat_members.id"))
    country: Mapped[str] = mapped_column(String(2))
    reason: Mapped[str] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(String(120))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Referral(Base):
    """One outgoing referral: a case's people and material for one country's authorities."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    media_approved_by: Mapped[str] = mapped_column(String(120), default="")
    media_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    media_reason: Mapped[str] = mapped_column(Text, default="")
    package_sha256: Mapped[str] = mapped_column(String(64), default="")
    built_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    moves: Mapped[list[ReferralMove]] = relationship(
        cascade="all, delete-orphan", order_by="ReferralMove.id")


class ReferralMove(Base):
    __tablename__ = "referral_moves"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text)
