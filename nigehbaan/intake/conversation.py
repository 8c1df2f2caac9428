"""The conversation between a reporter and the unit, seen from both sides.

The reporter's side (`from_reporter`) is reached with a receipt, through the portal. The
officers' side goes through `cases.access.load_case`, so need-to-know applies: reading needs
`case.read` on the case, replying `case.write`; each read and each reply is audited (the reply's
length, never its words: the audit log is read by auditors, the words by the case's officers).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nigehbaan.cases.access import load_case, on_team
from nigehbaan.core import audit
from nigehbaan.core.actors import Actor
from nigehbaan.core.errors import Invalid, NotFound
from nigehbaan.core.roles import Permission
from nigehbaan.intake.actor import portal_actor
from nigehbaan.intake.forms import LIMITS, clean
from nigehbaan.intake.models import PortalMessage, PortalReport
from nigehbaan.intake.reports import Replayed
from nigehbaan.intake.views import ContactView, HashView, MessageView, ReporterPage

KINDS = ("message", "information")
WITHHELD = "[withheld: the reporter is a child; visible to the assigned team]"


def from_reporter(session: Session, report: PortalReport, body: str, kind: str, *,
                  nonce: str, unit: str) -> PortalMessage:
    if kind not in KINDS:
        raise Invalid(f"kind: one of {', '.join(KINDS)}")
    if session.execute(select(PortalMessage.id)
                       .where(PortalMessage.form_nonce == nonce)).first() is not None:
        raise Replayed("this message was already sent")
    message = PortalMessage(report_id=report.id, author="reporter", kind=kind, body=body,
                            form_nonce=nonce)
    report.messages.append(message)
    session.flush()
    audit.record(session, portal_actor(unit), "portal.message", "case", report.case.reference,
                 detail={"kind": kind, "length": len(body)})
    return message


def _report_for(session: Session, actor: Actor, reference: str,
                permission: Permission) -> PortalReport:
    case = load_case(session, actor, reference, permission)
    report = session.execute(select(PortalReport).where(PortalReport.case_id == case.id)
                             ).scalar_one_or_none()
    if report is None:
        raise NotFound(f"{case.reference} did not come through the portal")
    return report


def came_through_portal(session: Session, actor: Actor, reference: str) -> bool:
    """Whether the case holds a portal report: a case can also be opened by hand with the
    portal as its channel (a report taken by phone, an old case entered later), and then
    there is no reporter's page to link to."""
    case = load_case(session, actor, reference)
    return session.execute(select(PortalReport.id).where(PortalReport.case_id == case.id)
                           .limit(1)).first() is not None


def reply(session: Session, actor: Actor, reference: str, body: str) -> PortalMessage:
    report = _report_for(session, actor, reference, Permission.CASE_WRITE)
    text = clean(body)
    if not text:
        raise Invalid("body: write the message")
    if len(text) > LIMITS["body"]:
        raise Invalid(f"body: at most {LIMITS['body']} characters")
    message = PortalMessage(report_id=report.id, author="officer", kind="message",
                            officer=actor.username, body=text)
    report.messages.append(message)
    session.flush()
    audit.record(session, actor, "portal.reply", "case", report.case.reference,
                 detail={"message": message.id, "length": len(text)})
    return message


def reporter_page(session: Session, actor: Actor, reference: str) -> ReporterPage:
    """The report as the officers see it. A child reporter's own contact details are shown to
    the assigned team only, like a minor's name in the register."""
    report = _report_for(session, actor, reference, Permission.CASE_READ)
    team = on_team(actor, report.case)
    hide = report.reporter_role == "child" and not team
    page = ReporterPage(
        reference=report.case.reference, language=report.language,
        reporter_role=report.reporter_role, age_band=report.age_band,
        spreading_now=report.spreading_now, platform=report.platform, groups=report.groups,
        people=report.people, description=report.description,
        contact=WITHHELD if hide and report.contact else report.contact,
        contacts=[ContactView(source=c.source, kind=c.kind, raw=c.raw, value=c.value,
                              country=c.country, valid=c.valid, problem=c.problem)
                  for c in report.contacts if not (hide and c.source == "contact")],
        hashes=[HashView(sha256=h.sha256, md5=h.md5, pdq=h.pdq, quality=h.quality,
                         size=h.size, found=h.found_at is not None) for h in report.hashes],
        messages=[MessageView(id=m.id, author=m.author, kind=m.kind, officer=m.officer, body=m.body,
                              at=m.created_at) for m in report.messages],
        created_at=report.created_at, can_reply=actor.can(Permission.CASE_WRITE),
    )
    audit.record(session, actor, "portal.read", "case", report.case.reference,
                 detail={"messages": len(page.messages), "contact_withheld": hide})
    return page
