"""Handling items: full view (with a reason), review and category, and vault verification.

Each of these is a custody event, because a court may ask who saw an item, when and why.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from nigehbaan.cases.access import load_case
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.chain import append
from nigehbaan.core.errors import Conflict, Invalid, NotFound
from nigehbaan.core.roles import Permission
from nigehbaan.evidence import custody
from nigehbaan.evidence.models import CaseItem, CustodyEvent, EvidenceItem
from nigehbaan.evidence.queries import held_by, load_item
from nigehbaan.evidence.vault import Vault, VaultError
from nigehbaan.evidence.views import VerifyView

CATEGORY_LENGTH = 40


def open_content(session: Session, actor: Actor, vault: Vault, sha256: str, reason: str,
                 action: custody.CustodyAction = custody.CustodyAction.VIEWED,
                 ) -> tuple[EvidenceItem, Iterator[bytes]]:
    """The unblurred content. The vault verifies the whole blob against its SHA-256 before the
    first chunk comes out, so a changed blob is refused before anything is shown."""
    if len(reason.strip()) < 5:
        raise Invalid(f"reason: say why this item is {action.value} unblurred")
    item, view = load_item(session, actor, sha256)
    chunks = vault.read_chunks(item.sha256)
    try:
        first = next(chunks, b"")
    except VaultError as error:
        raise Conflict(str(error)) from None
    custody.record(session, actor, action, item.sha256, view.findings[0].case, reason.strip())
    audit.record(session, actor, f"evidence.{action.value}", "item", item.sha256,
                 detail={"reason": reason.strip()})
    return item, itertools.chain([first], chunks)


def review(session: Session, actor: Actor, reference: str, sha256: str, category: str,
           reviewed: bool = True) -> CaseItem:
    case = load_case(session, actor, reference, Permission.CASE_READ)
    links = session.execute(select(CaseItem).join(EvidenceItem).where(
        CaseItem.case_id == case.id, EvidenceItem.sha256 == sha256.lower())).scalars().all()
    if not links:
        raise NotFound(f"item {sha256[:12]}… is not in case {case.reference}")
    append(session, mark_reviewed(actor, case.reference, links, sha256, category, reviewed))
    return links[0]


def mark_reviewed(actor: Actor, reference: str, links: Sequence[CaseItem], sha256: str,
                  category: str, reviewed: bool = True) -> CustodyEvent:
    """Sets the case's links to one item as reviewed; the custody event, not yet in the chain,
    so a caller reviewing many items links them all at once (`chain.append_many`)."""
    if len(category) > CATEGORY_LENGTH:
        raise Invalid(f"category: at most {CATEGORY_LENGTH} characters")
    for link in links:
        link.reviewed, link.reviewed_by, link.category = reviewed, actor.username, category.strip()
    return custody.event(actor, custody.CustodyAction.REVIEWED, sha256.lower(), reference,
                         detail={"category": category.strip(), "reviewed": reviewed})


def _hashes(session: Session, actor: Actor, reference: str) -> list[str]:
    query = select(EvidenceItem.sha256).order_by(EvidenceItem.sha256)
    if reference:
        case = load_case(session, actor, reference)
        query = query.where(EvidenceItem.id.in_(held_by(case.id)))
    elif not actor.local_operator:
        actor.require(Permission.AUDIT_READ)
    return list(session.execute(query).scalars())


def verify_vault(session: Session, actor: Actor, vault: Vault, reference: str = "") -> VerifyView:
    """Re-hash every item (of one case, or all) and name each that no longer matches; a
    whole-vault check also names the blobs no item records."""
    bad: list[dict[str, str]] = []
    hashes = _hashes(session, actor, reference)
    for sha256 in hashes:
        try:
            outcome = vault.verify(sha256)
            problem = "" if outcome.ok else outcome.reason or "does not match"
        except (VaultError, OSError) as error:
            problem = str(error)
        if problem:
            bad.append({"sha256": sha256, "problem": problem})
        custody.record(session, actor, custody.CustodyAction.VERIFIED, sha256, reference,
                       detail={"ok": not problem, "problem": problem})
    unrecorded = [] if reference else sorted(set(vault.iter_blobs()).difference(hashes))
    audit.record(session, actor, "evidence.verify", "case" if reference else "vault", reference,
                 detail={"checked": len(hashes), "bad": len(bad), "unrecorded": len(unrecorded)})
    return VerifyView(checked=len(hashes), bad=bad, unrecorded=unrecorded)
