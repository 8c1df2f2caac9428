"""Triage follows matching: a list that arrives after the chat import, or an analyst's
confirmation of a match, updates the members' known-material indicators without a re-import."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.chats import known
from nigehbaan.chats.models import ChatIndicator, ChatMember
from nigehbaan.chats.views import MediaMatchView
from nigehbaan.core.db import transaction
from nigehbaan.core.settings import Settings
from nigehbaan.matching import engine, review
from tests.chats.media_export import Export, hash_list
from tests.chats.test_media_vault import case_ref, export, import_chat
from tests.support import Account

__all__ = ["case_ref", "export"]


def _known(factory: sessionmaker[Session]) -> dict[int, tuple[int, list[str]]]:
    with transaction(factory) as session:
        rows = session.execute(select(ChatMember.id, ChatMember.known_matches)).all()
        details = session.execute(select(ChatIndicator.member_id, ChatIndicator.detail).where(
            ChatIndicator.code == "known_material")).all()
    return {member: (count, [d for m, d in details if m == member])
            for member, count in rows if count}


def test_a_later_list_and_a_confirmation_reach_the_triage(
        factory: sessionmaker[Session], accounts: dict[str, Account], settings: Settings,
        case_ref: str, export: Export, tmp_path: Path) -> None:
    investigator = accounts["investigator"].actor
    done = import_chat(factory, investigator, case_ref, export.zip, settings)
    assert done.media.linked > 0 and _known(factory) == {}

    hash_list(factory, accounts["admin"].actor, export, tmp_path)
    with transaction(factory) as session:
        run = engine.match_case(session, investigator, case_ref)
    assert run.new_matches > 0
    posters = _known(factory)
    assert posters and all(count == 1 for count, _ in posters.values())
    assert all("1" in " ".join(details) for _, details in posters.values())

    with transaction(factory) as session:
        match = review.case_matches(session, investigator, case_ref)[0]
        review.confirm(session, accounts["analyst"].actor, case_ref, match.id, "2")
    assert all("2" in " ".join(details) for _, details in _known(factory).values())


def test_a_victims_own_picture_is_named_so_not_uncategorised() -> None:
    def match(suggested: str, reported: bool) -> MediaMatchView:
        return MediaMatchView(match_id=1, list="l", suggested=suggested, confirmed=None,
                              method="exact-md5", distance=None, reported=reported)

    assert known.categories([match("", True)]) == {"reported by a victim"}
    assert known.categories([match("", False)]) == {"uncategorised"}
    assert known.categories([match("A1", False), match("", True)]) == {"A1",
                                                                        "reported by a victim"}
