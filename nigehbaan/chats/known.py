"""What each media message of a group is known to be: its vault item's matches, and the
triage indicators they give the members who posted them.

Matching runs on vault items after the ingest committed, so the chat import cannot know the
matches while it streams the export. `refresh` works from the stored rows instead: it reads the
matches of the linked items, rebuilds the members' known-material indicators and re-runs the
triage rules on their stored indicators. It changes rows only when something differs, so it is
safe after every import and after a list changes.

A category is the analyst's confirmation in this case when there is one, else the list's
suggestion. A member who first posted known material in the group gets an indicator of its own
on top of the one for posting it: that weighs more than passing on what others posted first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from nigehbaan.cases.access import load_case
from nigehbaan.chats.models import ChatGroup, ChatIndicator, ChatMedia, ChatMember
from nigehbaan.chats.triage.indicators import KNOWN_CODES, Indicator, known_material
from nigehbaan.chats.triage.rules import triage
from nigehbaan.chats.views import MediaMatchView, MediaSummary, MediaView
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.db import distinct_chunks, in_chunks
from nigehbaan.evidence.models import EvidenceItem
from nigehbaan.matching import review
from nigehbaan.matching.models import (
    HashMatch,
    NotComparable,
)

UNCATEGORISED = "uncategorised"
REPORTED = "reported by a victim"


def item_matches(session: Session, case_id: int, shas: Iterable[str]
                 ) -> dict[str, list[MediaMatchView]]:
    """The matches of the items with these SHA-256s, with this case's confirmations."""
    found: dict[str, list[MediaMatchView]] = {}
    for chunk in distinct_chunks(shas):
        items = select(EvidenceItem.id).where(EvidenceItem.sha256.in_(chunk))
        for view in review.match_views(session, case_id, items):
            found.setdefault(view.sha256, []).append(MediaMatchView(
                match_id=view.id, list=view.list, suggested=view.suggested,
                confirmed=view.confirmed, method=view.method, distance=view.distance,
                reported=view.list_kind == "victims"))
    return found


def _not_comparable(session: Session, shas: Iterable[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for chunk in distinct_chunks(shas):
        for sha, reason in session.execute(
                select(EvidenceItem.sha256, NotComparable.reason)
                .join(NotComparable, NotComparable.item_id == EvidenceItem.id)
                .where(EvidenceItem.sha256.in_(chunk))):
            found[sha] = reason
    return found


def categories(matches: list[MediaMatchView]) -> set[str]:
    """An item's categories: what the analyst confirmed in this case, else the suggestions."""
    confirmed = {m.confirmed for m in matches if m.confirmed}
    return confirmed or {m.suggested or (REPORTED if m.reported else UNCATEGORISED)
                         for m in matches}


def media_views(session: Session, case_id: int, group_id: int,
                positions: Iterable[int] | None = None) -> dict[int, MediaView]:
    """Each media message's status by export position: matched (with its badges), no match,
    not comparable, not hashable (bytes absent) or not ingested (`--no-media`)."""
    query = select(ChatMedia).where(ChatMedia.group_id == group_id)
    if positions is not None:
        query = query.where(ChatMedia.position.in_(sorted(set(positions))))
    rows = list(session.execute(query.order_by(ChatMedia.position)).scalars())
    shas = {r.evidence_sha256 for r in rows if r.evidence_sha256}
    matches = item_matches(session, case_id, shas)
    weak = _not_comparable(session, shas)
    first = _first_posts(session, group_id, {r.sha256 for r in rows if r.sha256})
    return {row.position: _view(row, matches, weak, first) for row in rows}


def _first_posts(session: Session, group_id: int, shas: Iterable[str]) -> dict[str, int]:
    """Where each content first appears in the whole group, not only among the rows shown."""
    first: dict[str, int] = {}
    for chunk in distinct_chunks(shas):
        for sha, position in session.execute(
                select(ChatMedia.sha256, func.min(ChatMedia.position))
                .where(ChatMedia.group_id == group_id, ChatMedia.sha256.in_(chunk))
                .group_by(ChatMedia.sha256)):
            if sha is not None:
                first[sha] = position
    return first


def _view(row: ChatMedia, matches: dict[str, list[MediaMatchView]], weak: dict[str, str],
          first: dict[str, int]) -> MediaView:
    sha = row.evidence_sha256
    found = matches.get(sha, []) if sha else []
    if row.not_hashable or not row.sha256:
        status, reason = "not_hashable", row.not_hashable or "the bytes are not in the export"
    elif sha is None:
        status, reason = "not_ingested", "imported without its media (--no-media)"
    elif found:
        status, reason = "matched", ", ".join(sorted(categories(found)))
    elif sha in weak:
        status, reason = "not_comparable", weak[sha]
    else:
        status, reason = "no_match", ""
    return MediaView(position=row.position, kind=row.kind, file_name=row.file_name,
                     sha256=row.sha256, evidence_sha256=sha, status=status, reason=reason,
                     first_post=row.sha256 is not None and first.get(row.sha256) == row.position,
                     forwarded=row.forwarded, matches=found)


@dataclass
class Posted:
    """One member's known material: items, the messages posting them, what they posted first."""

    items: set[str] = field(default_factory=set)
    positions: list[int] = field(default_factory=list)
    first_items: set[str] = field(default_factory=set)
    first_positions: list[int] = field(default_factory=list)
    categories: Counter[str] = field(default_factory=Counter)


def posted_known(session: Session, case_id: int, group_id: int) -> dict[int, Posted]:
    rows = session.execute(
        select(ChatMedia.position, ChatMedia.member_id, ChatMedia.evidence_sha256)
        .where(ChatMedia.group_id == group_id, ChatMedia.evidence_sha256.is_not(None))
        .order_by(ChatMedia.position)).all()
    matches = item_matches(session, case_id, {sha for _, _, sha in rows if sha})
    first_seen: set[str] = set()
    posted: dict[int, Posted] = {}
    for position, member_id, sha in rows:
        if sha is None or sha not in matches:
            continue
        is_first = sha not in first_seen
        first_seen.add(sha)
        if member_id is None:
            continue
        mine = posted.setdefault(member_id, Posted())
        mine.positions.append(position)
        if sha not in mine.items:
            mine.items.add(sha)
            mine.categories.update(categories(matches[sha]))
        if is_first:
            mine.first_items.add(sha)
            mine.first_positions.append(position)
    return posted


def matched_count(session: Session, group_id: int) -> int:
    """Media messages of the group whose vault item matches a known list."""
    return int(session.execute(
        select(func.count(ChatMedia.id))
        .join(EvidenceItem, EvidenceItem.sha256 == ChatMedia.evidence_sha256)
        .where(ChatMedia.group_id == group_id,
               EvidenceItem.id.in_(select(HashMatch.item_id)))).scalar_one())


def _indicators(posted: Posted | None) -> list[Indicator]:
    if posted is None:
        return []
    return known_material(len(posted.items), dict(posted.categories), posted.positions,
                          len(posted.first_items), posted.first_positions)


def refresh(session: Session, actor: Actor, reference: str, group_id: int) -> int:
    """Rebuild the members' known-material indicators and advice; how many members changed."""
    case = load_case(session, actor, reference)
    group = session.get(ChatGroup, group_id)
    if group is None or group.case_id != case.id:
        return 0
    posted = posted_known(session, case.id, group_id)
    members = list(session.execute(select(ChatMember).where(ChatMember.group_id == group_id)
                                   .order_by(ChatMember.id)).scalars())
    stored: dict[int, list[ChatIndicator]] = {}
    for ids in in_chunks([m.id for m in members]):
        for row in session.execute(select(ChatIndicator).where(
                ChatIndicator.member_id.in_(ids)).order_by(ChatIndicator.id)).scalars():
            stored.setdefault(row.member_id, []).append(row)
    changed = 0
    for member in members:
        rows = stored.get(member.id, [])
        old = [Indicator(r.code, r.detail, tuple(r.evidence)) for r in rows
               if r.code in KNOWN_CODES]
        new = _indicators(posted.get(member.id))
        count = len(posted[member.id].items) if member.id in posted else 0
        if old == new and member.known_matches == count:
            continue
        changed += 1
        session.execute(delete(ChatIndicator).where(ChatIndicator.member_id == member.id,
                                                    ChatIndicator.code.in_(KNOWN_CODES)))
        if new:
            session.execute(insert(ChatIndicator), [
                {"member_id": member.id, "code": i.code, "detail": i.detail,
                 "evidence": list(i.evidence)} for i in new])
        kept = [Indicator(r.code, r.detail, tuple(r.evidence)) for r in rows
                if r.code not in KNOWN_CODES]
        advice = triage([*kept, *new], messages=member.messages,
                        mention_only=member.mention_only)
        member.known_matches = count
        member.triage, member.triage_rule, member.triage_score = (
            advice.category, advice.rule, advice.score)
    if changed:
        session.flush()
        audit.record(session, actor, "chat.known.refresh", "chat_group", str(group_id),
                     detail={"case": case.reference, "members_changed": changed,
                             "members_with_known": len(posted)})
    return changed


def refresh_case(session: Session, actor: Actor, reference: str) -> None:
    """Every group of the case, after its matches or their confirmed categories changed."""
    case = load_case(session, actor, reference)
    for group_id in session.execute(select(ChatGroup.id).where(
            ChatGroup.case_id == case.id).order_by(ChatGroup.id)).scalars():
        refresh(session, actor, reference, group_id)


def summary(session: Session, case_id: int, group_id: int) -> MediaSummary:
    """The group's shared media: counts, known-list matches by category, who posted first."""
    media, attached, distinct, linked = session.execute(
        select(func.count(ChatMedia.id), func.count(ChatMedia.sha256),
               func.count(ChatMedia.sha256.distinct()), func.count(ChatMedia.evidence_sha256))
        .where(ChatMedia.group_id == group_id)).one()
    shas = session.execute(select(ChatMedia.evidence_sha256).where(
        ChatMedia.group_id == group_id, ChatMedia.evidence_sha256.is_not(None))).scalars()
    matches = item_matches(session, case_id, [s for s in shas if s])
    by_category: Counter[str] = Counter()
    for found in matches.values():
        by_category.update(categories(found))
    posted = posted_known(session, case_id, group_id)
    first = sum(1 for p in posted.values() if p.first_items)
    return MediaSummary(
        media=media, attached=attached, distinct=distinct, linked=linked,
        matched_messages=sum(len(p.positions) for p in posted.values()),
        matched_items=len(matches), by_category=dict(sorted(by_category.items())),
        first_posters=first, resharers=len(posted) - first)
