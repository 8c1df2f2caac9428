"""Hash-chained, append-only logs (the audit log, the custody log).

Each record carries its position (`seq`), the previous record's hash and its own hash over a
canonical JSON of its content. A head row per chain, locked while appending, holds the last
position and hash: that is what reveals a deleted tail, which row-by-row checks alone cannot.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from nigehbaan.core.clock import as_utc
from nigehbaan.core.db import Base
from nigehbaan.core.upsert import insert_ignore

GENESIS = "0" * 64


class ChainHead(Base):
    __tablename__ = "chain_heads"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


class Chained:
    """Mixin for a model whose rows form one hash chain."""

    chain_name: ClassVar[str]
    seq: Mapped[int] = mapped_column(Integer, unique=True, index=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def chain_payload(self) -> dict[str, Any]:
        raise NotImplementedError


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return as_utc(value).isoformat(timespec="microseconds")
    return value


def digest(prev_hash: str, seq: int, payload: dict[str, Any]) -> str:
    body = {key: _canonical(value) for key, value in payload.items()}
    text = json.dumps([prev_hash, seq, body], sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _locked_head(session: Session, name: str) -> ChainHead:
    insert_ignore(session, ChainHead.__table__, {"name": name, "seq": 0, "hash": GENESIS})  # type: ignore[arg-type]
    return session.execute(
        select(ChainHead).where(ChainHead.name == name).with_for_update()
    ).scalar_one()


def append(session: Session, record: Chained) -> None:
    """Link `record` to the end of its chain and add it to the session."""
    append_many(session, [record])


def append_many(session: Session, records: Sequence[Chained]) -> None:
    """Link `records`, in order, to the end of their chain under one lock and one flush (an
    ingest appends thousands of custody events)."""
    if not records:
        return
    names = {record.chain_name for record in records}
    if len(names) != 1:
        raise ValueError(f"records of several chains in one append: {sorted(names)}")
    head = _locked_head(session, names.pop())
    for record in records:
        record.seq = head.seq + 1
        record.prev_hash = head.hash
        record.hash = digest(record.prev_hash, record.seq, record.chain_payload())
        head.seq, head.hash = record.seq, record.hash
    session.add_all(records)
    session.flush()


@dataclass(frozen=True)
class ChainReport:
    chain: str
    checked: int
    first_broken: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken is None


def _check_rows(name: str, rows: Iterable[Chained], head: ChainHead | None) -> ChainReport:
    expected_seq, prev = 1, GENESIS
    checked = 0
    for row in rows:
        if row.seq != expected_seq:
            return ChainReport(name, checked, expected_seq, f"event {expected_seq} is missing")
        if row.prev_hash != prev:
            return ChainReport(name, checked, row.seq, "link to the previous event is broken")
        if digest(row.prev_hash, row.seq, row.chain_payload()) != row.hash:
            return ChainReport(name, checked, row.seq, "content was changed")
        prev, expected_seq, checked = row.hash, expected_seq + 1, checked + 1
    last_seq = head.seq if head else 0
    if last_seq != checked or (head is not None and head.hash != prev):
        return ChainReport(name, checked, checked + 1,
                           f"log ends at event {checked} but its head says {last_seq}")
    return ChainReport(name, checked)


def verify(session: Session, model: type[Chained]) -> ChainReport:
    """Re-hash the whole chain in order, streaming rows, and name the first broken event."""
    head = session.get(ChainHead, model.chain_name)
    rows = session.execute(
        select(model).order_by(model.seq).execution_options(yield_per=1000)
    ).scalars()
    return _check_rows(model.chain_name, rows, head)


def chained_models() -> list[type[Chained]]:
    """Every chained model that has been imported (see `nigehbaan.models`), by chain name."""
    return sorted(Chained.__subclasses__(), key=lambda model: model.chain_name)
