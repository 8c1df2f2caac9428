"""Package sections from the evidence vault and known-material matching: the hashes of the media
the attributed chat members shared, and the list matches of those items.

A chat media row points at its vault item by `evidence_sha256`; when that is empty (the export's
media were not ingested) the attachment's own SHA-256 still goes out, and the vault's MD5 and
PDQ are added whenever the case holds an item with that SHA-256. Content goes out only when a
supervisor approved media for the package. Every item whose facts or content leave in a package
gets a custody event naming the referral, the country and the package's SHA-256.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import PurePath

from sqlalchemy import select

from nigehbaan.chats.models import ChatMedia, ChatMessage
from nigehbaan.core.db import distinct_chunks
from nigehbaan.evidence import custody
from nigehbaan.evidence.models import EvidenceItem
from nigehbaan.evidence.queries import held_by
from nigehbaan.evidence.store import open_vault
from nigehbaan.matching.models import (
    HashEntry,
    HashList,
    HashListVersion,
    HashMatch,
    MatchConfirmation,
)
from nigehbaan.referrals import uco
from nigehbaan.referrals.chat_people import WITHHELD, Member, attributed_members
from nigehbaan.referrals.chat_sections import account_id, masked
from nigehbaan.referrals.models import Referral
from nigehbaan.referrals.sections import MediaFile, PackageContext, Section, section_providers

CACHE_KEY = "media.shared"


@dataclass(frozen=True)
class Shared:
    """One media item a member posted: where, and its hashes (vault item when the case has it)."""

    member: Member
    position: int
    at: datetime | None
    kind: str
    file_name: str
    sha256: str
    item: EvidenceItem | None


def shared_media(context: PackageContext) -> list[Shared]:
    cached = context.cache.get(CACHE_KEY)
    if isinstance(cached, list):
        return cached
    by_id = {m.row.id: m for m in attributed_members(context)}
    found: list[Shared] = []
    if by_id:
        session = context.session
        groups = {m.row.group_id for m in by_id.values()}
        rows = [row for chunk in distinct_chunks(by_id) for row in session.execute(
            select(ChatMedia, ChatMessage.at)
            .join(ChatMessage, (ChatMessage.group_id == ChatMedia.group_id)
                  & (ChatMessage.position == ChatMedia.position), isouter=True)
            .where(ChatMedia.group_id.in_(groups), ChatMedia.member_id.in_(chunk)))]
        rows.sort(key=lambda row: (row[0].group_id, row[0].position, row[0].id))
        digests = (d for m, _ in rows if (d := m.evidence_sha256 or m.sha256))
        items = {item.sha256: item for chunk in distinct_chunks(digests)  # 100,000s of them
                 for item in session.execute(select(EvidenceItem).where(
                     EvidenceItem.sha256.in_(chunk),
                     EvidenceItem.id.in_(held_by(context.case.id)))).scalars()}
        for media, at in rows:
            digest = media.evidence_sha256 or media.sha256
            if not digest:
                continue
            found.append(Shared(by_id[media.member_id or 0], media.position, at, media.kind,
                                media.file_name or "", digest, items.get(digest)))
    context.cache[CACHE_KEY] = found
    return found


def _hashes(shared: Shared) -> dict[str, str]:
    item = shared.item
    hashes = {"sha256": shared.sha256}
    if item is not None:
        hashes["md5"] = item.md5
        if item.pdq:
            hashes["pdq"] = item.pdq
    return hashes


def _log_export(context: PackageContext, sha256: str, content: bool, package_sha256: str,
                approved_by: str) -> None:
    what = "with its content" if content else "hashes only"
    custody.record(context.session, context.actor, custody.CustodyAction.EXPORTED, sha256,
                   context.case.reference,
                   f"exported in referral package {context.referral} to {context.country} "
                   f"({what})",
                   {"referral": context.referral, "country": context.country,
                    "content": content, "package_sha256": package_sha256,
                    "media_approved_by": approved_by if content else ""})


class SharedMediaSection:
    name = "evidence.shared_media"

    def section(self, context: PackageContext) -> Section | None:
        shared = shared_media(context)
        if not shared:
            return None
        section = Section("shared_media", "Media these members shared (hashes)",
                          ["member", "time", "position", "kind", "file", "sha256", "md5", "pdq",
                           "vault"],
                          note="PDQ is Meta's perceptual hash (256 bits, hex).")
        items: dict[str, Shared] = {}
        for one in shared:
            hashes = _hashes(one)
            section.rows.append({
                "member": WITHHELD if masked(one.member, context.team)
                else one.member.label,
                "time": f"{one.at:%Y-%m-%d %H:%M:%S}" if one.at else "",
                "position": str(one.position), "kind": one.kind, "file": one.file_name,
                "sha256": one.sha256, "md5": hashes.get("md5", ""), "pdq": hashes.get("pdq", ""),
                "vault": "yes" if one.item else "not in the vault"})
            if one.sha256 not in items:
                items[one.sha256] = one
                section.uco.append(uco.file(context.ids, f"media-{one.sha256}", one.file_name,
                                            hashes))
            section.uco.append(uco.relationship(
                context.ids, f"shared-{one.member.group.id}-{one.position}",
                account_id(context, one.member), context.ids(f"file-media-{one.sha256}"),
                "Shared", one.at))
        if context.include_media and context.settings is not None:
            vault = open_vault(context.settings)
            for sha256, one in items.items():
                if one.item is None:
                    continue
                suffix = PurePath(one.file_name).suffix.lower() or ".bin"
                section.media.append(MediaFile(f"{sha256}{suffix}", sha256,
                                               partial(vault.read_bytes, sha256)))
        placed = {m.sha256 for m in section.media}
        logged = [sha for sha, one in items.items() if one.item is not None]

        def log(package_sha256: str) -> None:
            referral = context.session.get(Referral, context.referral)
            for sha256 in logged:
                _log_export(context, sha256, sha256 in placed, package_sha256,
                            referral.media_approved_by if referral else "")
        section.after.append(log)
        return section


class KnownMatchesSection:
    name = "matching.known_matches"

    def section(self, context: PackageContext) -> Section | None:
        items = {one.item.id: one for one in shared_media(context) if one.item is not None}
        if not items:
            return None
        rows = [row for chunk in distinct_chunks(items) for row in context.session.execute(
            select(HashMatch, HashList.name, HashListVersion.label, HashEntry,
                   MatchConfirmation.category)
            .join(HashList, HashList.id == HashMatch.list_id)
            .join(HashListVersion, HashListVersion.id == HashMatch.version_id)
            .join(HashEntry, HashEntry.id == HashMatch.entry_id)
            .join(MatchConfirmation, (MatchConfirmation.match_id == HashMatch.id)
                  & (MatchConfirmation.case_id == context.case.id), isouter=True)
            .where(HashMatch.item_id.in_(chunk))
            .order_by(HashMatch.item_id, HashMatch.id))]  # chunks of sorted ids: still in order
        if not rows:
            return None
        section = Section("known_matches", "Known-material list matches of that media",
                          ["sha256", "list", "version", "entry", "category", "method",
                           "distance", "confirmed category"],
                          note="Category: the list's, in the unit's scheme; confirmed: an "
                               "analyst's decision for this case.")
        for match, list_name, version, entry, confirmed in rows:
            sha256 = items[match.item_id].sha256
            section.rows.append({
                "sha256": sha256, "list": list_name, "version": version,
                "entry": f"{entry.hash_type} {entry.value}",
                "category": entry.category or entry.category_raw or "",
                "method": match.method,
                "distance": "" if match.distance is None else str(match.distance),
                "confirmed category": confirmed or ""})
            section.uco.append({
                "@id": context.ids(f"annotation-match-{match.id}"),
                "@type": "uco-core:Annotation",
                "uco-core:statement": (
                    f"matches {list_name} version {version} entry {entry.hash_type} "
                    f"{entry.value} by {match.method}"
                    + (f" at distance {match.distance}" if match.distance is not None else "")
                    + (f"; category {entry.category}" if entry.category else "")
                    + (f"; confirmed {confirmed}" if confirmed else "")),
                "uco-core:object": [uco.ref(context.ids(f"file-media-{sha256}"))]})
        return section


section_providers.register(SharedMediaSection())
section_providers.register(KnownMatchesSection())
