"""Reading the unit's lists and their version history."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nigehbaan.core.actors import Actor
from nigehbaan.core.errors import Forbidden
from nigehbaan.core.roles import Permission
from nigehbaan.matching.models import HashList, HashListVersion
from nigehbaan.matching.views import HashListView, VersionView


def _may_read(actor: Actor) -> None:
    """Who matches or administers lists may see which lists there are (not their entries)."""
    if not (actor.can(Permission.CASE_READ) or actor.can(Permission.HASHLIST_ADMIN)):
        raise Forbidden(f"role '{actor.role.value if actor.role else 'none'}' may not read "
                        "hash lists")


def hash_lists(session: Session, actor: Actor, name: str = "") -> list[HashListView]:
    _may_read(actor)
    query = select(HashList).order_by(HashList.name)
    if name:
        query = query.where(HashList.name == name.strip())
    lists = session.execute(query).scalars().all()
    versions: dict[int, list[VersionView]] = {h.id: [] for h in lists}
    for version in session.execute(select(HashListVersion).where(
            HashListVersion.list_id.in_(versions)).order_by(HashListVersion.number)).scalars():
        versions[version.list_id].append(VersionView(
            number=version.number, label=version.label, imported_at=version.imported_at,
            imported_by=version.imported_by, format=version.file_format,
            entries=version.entries, added=version.added, changed=version.changed,
            withdrawn=version.withdrawn, duplicates=version.duplicates,
            skipped=version.skipped))
    return [HashListView(name=h.name, kind=h.kind, source=h.source, scheme=h.scheme,
                         pdq_threshold=h.pdq_threshold,
                         entries=versions[h.id][-1].entries if versions[h.id] else 0,
                         versions=versions[h.id]) for h in lists]
