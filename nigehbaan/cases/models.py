"""Tables of the case register: cases, their moves, offences, team, people and identifiers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nigehbaan.core.clock import utcnow
from nigehbaan.core.db import Base, UTCDateTime


class Statute(Base):
    __tablename__ = "statutes"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    law: Mapped[str] = mapped_column(String(160))
    section: Mapped[str] = mapped_column(String(20), default="")
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CaseCounter(Base):
    """The last number handed out per year: references are `PREFIX-YEAR-NNNN`."""

    __tablename__ = "case_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    region: Mapped[str] = mapped_column(String(80), default="")
    unit: Mapped[str] = mapped_column(String(64), default="", index=True)
    referring_agency: Mapped[str] = mapped_column(String(160), default="")
    referring_country: Mapped[str] = mapped_column(String(2), default="")
    referring_reference: Mapped[str] = mapped_column(String(80), default="")
    police_reference: Mapped[str] = mapped_column(String(80), default="")
    safeguarding: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    first_action_due: Mapped[datetime] = mapped_column(UTCDateTime())
    first_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    approved_by: Mapped[str] = mapped_column(String(64), default="")
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    merged_into: Mapped[str] = mapped_column(String(32), default="")
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    offences: Mapped[list[CaseOffence]] = relationship(
        cascade="all, delete-orphan", order_by="CaseOffence.statute_code")
    assignments: Mapped[list[CaseAssignment]] = relationship(cascade="all, delete-orphan")
    moves: Mapped[list[CaseMove]] = relationship(
        cascade="all, delete-orphan", order_by="CaseMove.id")
    persons: Mapped[list[Person]] = relationship(
        cascade="all, delete-orphan", order_by="Person.id")


class CaseOffence(Base):
    __tablename__ = "case_offences"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    statute_code: Mapped[str] = mapped_column(ForeignKey("statutes.code"), primary_key=True)


class CaseAssignment(Base):
    __tablename__ = "case_assignments"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CaseMove(Base):
    """One status change: who, when, why. The register's own history, beside the audit log."""

    __tablename__ = "case_moves"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text)


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    full_name: Mapped[str] = mapped_column(String(200), default="")
    is_minor: Mapped[bool] = mapped_column(Boolean, default=False)
    country: Mapped[str] = mapped_column(String(2), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    identifiers: Mapped[list[Identifier]] = relationship(
        cascade="all, delete-orphan", order_by="Identifier.id")


class Identifier(Base):
    """A phone, e-mail or handle in its normalised form: equal values mean the same account."""

    __tablename__ = "identifiers"
    __table_args__ = (
        UniqueConstraint("person_id", "kind", "value", name="uq_identifiers_person_kind_value"),
        Index("ix_identifiers_kind_value", "kind", "value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(200))
    raw: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    platform: Mapped[str] = mapped_column(String(40), default="")
