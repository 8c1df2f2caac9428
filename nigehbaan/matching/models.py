"""Tables of known-material matching: lists and their versions, entries with history, matches.

A list is never edited in place: each import is a version, and an entry that changes or is
withdrawn keeps its row (with the versions it lived in) and an event saying what happened, so
a match recorded against version 3 can still be explained after version 7 withdrew the entry.
An entry withdrawn and later listed again gets a new row: ids never come back, which is what
lets the in-memory indexes follow a list by adding and removing ids only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy import UniqueConstraint as Unique
from sqlalchemy.orm import Mapped, mapped_column

from nigehbaan.core.clock import utcnow
from nigehbaan.core.db import Base, UTCDateTime

LIST_KINDS = ("list", "victims")
"""`victims`: hashes reporters sent through the portal, each entry tied to its report's case."""


class HashList(Base):
    __tablename__ = "hash_lists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="list")
    source: Mapped[str] = mapped_column(String(200), default="")
    """The agency or exchange the list comes from."""
    scheme: Mapped[str] = mapped_column(String(40), default="")
    """The list's own category scheme (`categories` data name); empty: the list has none."""
    target_scheme: Mapped[str] = mapped_column(String(40), default="")
    """The unit's scheme its categories are mapped to (the same as `scheme` by default)."""
    mapping: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    """Raw category → unit category; empty with equal schemes means each code maps to itself."""
    pdq_threshold: Mapped[int] = mapped_column(Integer, default=31)
    synced_to: Mapped[int] = mapped_column(Integer, default=0)
    """For a `victims` list: the last portal hash id copied in (the sync is incremental)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120), default="")


class HashListVersion(Base):
    __tablename__ = "hash_list_versions"
    __table_args__ = (Unique("list_id", "label", name="uq_hash_list_versions_list_label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("hash_lists.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(80))
    token: Mapped[str] = mapped_column(String(32))
    """Random per version: what an index cache compares, since ids can be reused by a new DB."""
    file_sha256: Mapped[str] = mapped_column(String(64), default="")
    file_format: Mapped[str] = mapped_column(String(16), default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(120), default="")
    entries: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    withdrawn: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    """Records with no hash we can match (PhotoDNA-only VICS media)."""


class _EntryFields:
    """What a list record says of one hash: kept on an entry and on the staging row it is
    first read into (`HashImportRow`), so the merge compares like with like."""

    hash_type: Mapped[str] = mapped_column(String(8))
    value: Mapped[str] = mapped_column(String(64))
    category_raw: Mapped[str | None] = mapped_column(String(40), nullable=True)
    category: Mapped[str | None] = mapped_column(String(40), nullable=True)
    """In the unit's scheme: what the analyst is offered as a suggestion."""
    series: Mapped[str | None] = mapped_column(String(200), nullable=True)
    media_id: Mapped[str | None] = mapped_column(String(120), nullable=True)
    """Groups a video's frame PDQs; VICS's MediaID."""
    quality: Mapped[int | None] = mapped_column(Integer, nullable=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class HashEntry(_EntryFields, Base):
    __tablename__ = "hash_entries"
    __table_args__ = (
        Index("ix_hash_entries_lookup", "list_id", "hash_type", "value"),
        Index("ix_hash_entries_first_version_id", "first_version_id"),
        Index("ix_hash_entries_withdrawn_version_id", "withdrawn_version_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("hash_lists.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True)
    """For a victims' list: the case of the report the hash came with."""
    first_version_id: Mapped[int] = mapped_column(ForeignKey("hash_list_versions.id"))
    last_version_id: Mapped[int] = mapped_column(ForeignKey("hash_list_versions.id"))
    """The latest version that listed it (equal to the list's latest while it is live)."""
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    withdrawn_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("hash_list_versions.id"), nullable=True)


class HashEntryEvent(Base):
    """History: an entry added, changed (with what it was before) or withdrawn by a version."""

    __tablename__ = "hash_entry_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("hash_entries.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("hash_list_versions.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    previous: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class HashImportRow(_EntryFields, Base):
    """Staging for one import: filled in batches, merged into entries by set-based SQL, emptied.

    Everything happens in the import's one transaction, so a failure leaves nothing behind.
    """

    __tablename__ = "hash_import_rows"
    __table_args__ = (Index("ix_hash_import_rows_lookup", "version_id", "hash_type", "value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class HashMatch(Base):
    """Evidence that an item is known: which list, version and entry, how, how close, when."""

    __tablename__ = "hash_matches"
    __table_args__ = (
        Unique("item_id", "entry_id", "method", name="uq_hash_matches_item_entry_method"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("evidence_items.id"), index=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("hash_lists.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("hash_list_versions.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("hash_entries.id"), index=True)
    method: Mapped[str] = mapped_column(String(16))
    """exact-md5, exact-sha1, exact-sha256, pdq, pdq-dihedral or vpdq."""
    distance: Mapped[int | None] = mapped_column(Integer, nullable=True)
    query_quality: Mapped[int | None] = mapped_column(Integer, nullable=True)
    list_quality: Mapped[int | None] = mapped_column(Integer, nullable=True)
    query_share: Mapped[float | None] = mapped_column(Float, nullable=True)
    candidate_share: Mapped[float | None] = mapped_column(Float, nullable=True)
    variant: Mapped[str] = mapped_column(String(16), default="")
    """For pdq-dihedral: which rotation or flip of the item matched."""
    matched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    matched_by: Mapped[str] = mapped_column(String(120))


class MatchConfirmation(Base):
    """An analyst accepted (or changed) a match's suggested category for one case."""

    __tablename__ = "match_confirmations"
    __table_args__ = (
        Unique("match_id", "case_id", name="uq_match_confirmations_match_case"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("hash_matches.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    suggested: Mapped[str] = mapped_column(String(40), default="")
    category: Mapped[str] = mapped_column(String(40))
    confirmed_by: Mapped[str] = mapped_column(String(120))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class NotComparable(Base):
    """An item whose PDQ quality is too low to say anything: never reported as "no match"."""

    __tablename__ = "match_not_comparable"

    item_id: Mapped[int] = mapped_column(ForeignKey("evidence_items.id"), primary_key=True)
    quality: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class MatchNotification(Base):
    """A reporter's own hash was found in seized evidence: the report case's officers are told."""

    __tablename__ = "match_notifications"
    __table_args__ = (
        Unique("case_id", "match_id", name="uq_match_notifications_case_match"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("hash_matches.id"))
    found_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    read_by: Mapped[str] = mapped_column(String(120), default="")
