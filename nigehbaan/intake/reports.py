"""Taking a report: the case, the report, its contacts and hashes, and a receipt, all or nothing.

The caller owns the transaction (as every service): if anything fails, nothing of the report
exists, and the receipt, which is returned only after the flush succeeded, was never shown.
A replayed form is caught by the unique `form_nonce` before any work is done (and by the index
itself when two copies race).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from nigehbaan.cases.channels import Channel, Priority
from nigehbaan.cases.register import open_case
from nigehbaan.cases.schemas import CaseIn
from nigehbaan.core import audit
from nigehbaan.core.errors import Conflict
from nigehbaan.core.settings import Settings
from nigehbaan.intake import receipts
from nigehbaan.intake.actor import portal_actor
from nigehbaan.intake.additions import reported_hash
from nigehbaan.intake.contacts import contact_rows
from nigehbaan.intake.forms import ReportDraft
from nigehbaan.intake.models import PortalReport

ROLE_WORDS = {"child": "the child", "parent": "a parent or guardian", "other": "someone else"}


class Replayed(Conflict):
    """The same form was sent twice."""


@dataclass(frozen=True)
class Submitted:
    report: PortalReport
    receipt: str


def _summary(draft: ReportDraft) -> str:
    """A one-line digest for the register, in the unit's working language (English)."""
    parts = [f"Reporter: {ROLE_WORDS.get(draft.reporter_role, 'not said')}"]
    if draft.age_band:
        parts.append(f"child's age: {draft.age_band.replace('_', '-')}")
    parts.append(f"being spread now: {draft.spreading_now or 'not said'}")
    if draft.hashes:
        parts.append(f"{len(draft.hashes)} file(s) reported by hash only")
    return "; ".join(parts) + ". The reporter's own words are on the case's reporter page."


@dataclass(frozen=True)
class PreparedReceipt:
    """A new receipt with its lookup key and Argon2id hash, made before the transaction: on
    SQLite a transaction holds the write lock, and Argon2id is the slowest step of a report."""

    receipt: str
    lookup: str
    hashed: str


def prepare_receipt(key: bytes) -> PreparedReceipt:
    receipt = receipts.new_receipt()
    return PreparedReceipt(receipt, receipts.lookup_key(key, receipt),
                           receipts.hash_receipt(receipt))


def _unclaimed(session: Session, key: bytes, prepared: PreparedReceipt) -> PreparedReceipt:
    """The prepared receipt, unless an existing report already answers to it (a clash has a
    chance of about 1e-16, but checking costs nothing when its lookup bucket is empty)."""
    while True:
        rows = [(found, stored) for found, stored in session.execute(
            select(PortalReport.id, PortalReport.receipt_hash)
            .where(PortalReport.lookup_key == prepared.lookup))]
        if receipts.first_match(prepared.receipt, rows) is None:
            return prepared
        prepared = prepare_receipt(key)


def is_replay(session: Session, nonce: str) -> bool:
    found = session.execute(select(PortalReport.id).where(PortalReport.form_nonce == nonce))
    return found.first() is not None


def submit(session: Session, settings: Settings, unit: str, key: bytes, draft: ReportDraft,
           *, nonce: str, language: str, prepared: PreparedReceipt | None = None) -> Submitted:
    if is_replay(session, nonce):
        raise Replayed("this report was already sent")
    title = f"Portal report: {draft.platform}" if draft.platform else "Portal report"
    case = open_case(session, portal_actor(unit), CaseIn(
        title=title[:200], summary=_summary(draft), channel=Channel.PUBLIC_PORTAL,
        priority=Priority.HIGH if draft.safeguarding else Priority.NORMAL,
        safeguarding=draft.safeguarding), settings)
    receipt = _unclaimed(session, key, prepared or prepare_receipt(key))
    report = PortalReport(
        case_id=case.id, lookup_key=receipt.lookup, receipt_hash=receipt.hashed,
        form_nonce=nonce, language=language, reporter_role=draft.reporter_role,
        age_band=draft.age_band, spreading_now=draft.spreading_now, platform=draft.platform,
        groups=draft.groups, people=draft.people, description=draft.description,
        contact=draft.contact,
    )
    region = settings.default_region
    report.contacts = (contact_rows("people", draft.people, region)
                       + contact_rows("groups", draft.groups, region)
                       + contact_rows("contact", draft.contact, region))
    report.hashes = [reported_hash(h) for h in draft.hashes]
    session.add(report)
    session.flush()
    audit.record(session, portal_actor(unit), "portal.report", "case", case.reference,
                 detail={"safeguarding": case.safeguarding, "hashes": len(report.hashes),
                         "contacts": len(report.contacts), "language": language})
    return Submitted(report, receipt.receipt)


def candidates(session: Session, key: bytes, receipt: str) -> list[tuple[int, str]]:
    """(report id, receipt hash) of the reports whose lookup key this receipt shares."""
    lookup = receipts.lookup_key(key, receipt)
    return [(found, stored) for found, stored in session.execute(
        select(PortalReport.id, PortalReport.receipt_hash)
        .where(PortalReport.lookup_key == lookup))]


def find_by_receipt(session: Session, key: bytes, receipt: str) -> PortalReport | None:
    """The report this (normalised) receipt opens, or None. Argon2id runs once per candidate;
    the portal calls `candidates` and `receipts.first_match` apart, outside the transaction."""
    found = receipts.first_match(receipt, candidates(session, key, receipt))
    return None if found is None else session.get(PortalReport, found)
