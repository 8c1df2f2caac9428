"""Attributing a chat group member to a country by hand, with a reason: for contacts the export
shows by a saved name only, whose number (and so country) the examiner learns elsewhere."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nigehbaan.cases.access import load_case
from nigehbaan.chats.models import ChatGroup, ChatMember
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.countries import check_country
from nigehbaan.core.errors import Conflict, Invalid
from nigehbaan.core.roles import Permission
from nigehbaan.referrals.models import ChatMemberAttribution


def attribute_member(session: Session, actor: Actor, reference: str, member_id: int,
                     country: str, reason: str) -> ChatMemberAttribution:
    case = load_case(session, actor, reference, Permission.CASE_WRITE)
    code = check_country(country)
    if not code:
        raise Invalid("country: required")
    if len(reason.strip()) < 3:
        raise Invalid("reason: say why this member belongs to the country")
    member = session.execute(
        select(ChatMember).join(ChatGroup, ChatGroup.id == ChatMember.group_id)
        .where(ChatMember.id == member_id, ChatGroup.case_id == case.id)).scalar_one_or_none()
    if member is None:
        raise Invalid(f"member: no chat group member {member_id} in case {case.reference}")
    exists = session.execute(select(ChatMemberAttribution.id).where(
        ChatMemberAttribution.member_id == member_id,
        ChatMemberAttribution.country == code)).first()
    if exists:
        raise Conflict(f"chat member {member_id} is already attributed to {code}")
    row = ChatMemberAttribution(case_id=case.id, member_id=member_id, country=code,
                                reason=reason.strip(), set_by=actor.username)
    session.add(row)
    session.flush()
    audit.record(session, actor, "chat_member.attribute", "chat_member", str(member_id),
                 detail={"case": case.reference, "country": code, "reason": row.reason})
    return row
