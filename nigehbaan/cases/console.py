"""Console pages of the case register: the worklist, registering a case, and one case."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from nigehbaan.cases import moves, queries, register, statutes
from nigehbaan.cases.channels import CHANNEL_LABELS, Channel, Priority
from nigehbaan.cases.identifiers import IdentifierKind
from nigehbaan.cases.lifecycle import Status
from nigehbaan.cases.person_roles import PersonRole
from nigehbaan.cases.schemas import ApprovalIn, CaseIn, MoveIn, PersonIn
from nigehbaan.chats.queries import list_groups
from nigehbaan.chats.triage.rules import CATEGORIES
from nigehbaan.core.actors import Actor
from nigehbaan.core.auth import actor_for, session_ref
from nigehbaan.core.users import WebSession
from nigehbaan.intake.conversation import came_through_portal
from nigehbaan.matching.summary import case_summary
from nigehbaan.web.deps import AppSettings, ConsoleSession, Db, check_csrf
from nigehbaan.web.pages import parse, redirect, render

router = APIRouter(include_in_schema=False)
Field = Annotated[str, Form()]
Optional = Annotated[str, Form()]


def _actor(web: WebSession) -> Actor:
    return actor_for(web.user, session_ref(web))


@router.get("/cases", response_class=HTMLResponse)
def worklist(request: Request, web: ConsoleSession, db: Db, status: str = "",
             channel: str = "", overdue: bool = False) -> Response:
    chosen = Status(status) if status in Status._value2member_map_ else None
    rows = queries.list_cases(db, _actor(web), status=chosen,
                              channel=channel if channel in Channel._value2member_map_ else "",
                              overdue_only=overdue)
    return render(request, "cases.html", web, cases=rows, statuses=list(Status),
                  channels=CHANNEL_LABELS, status=status, channel=channel, overdue=overdue)


@router.get("/cases/new", response_class=HTMLResponse)
def new_case_page(request: Request, web: ConsoleSession, db: Db) -> Response:
    return render(request, "case_new.html", web, channels=CHANNEL_LABELS,
                  priorities=list(Priority), statutes=statutes.list_statutes(db))


@router.post("/cases/new")
async def new_case(request: Request, web: ConsoleSession, db: Db,
                   settings: AppSettings) -> Response:
    form = await request.form()
    check_csrf(web, str(form.get("csrf", "")))
    fields: dict[str, object] = {key: str(value) for key, value in form.items()
              if key not in ("csrf", "offences") and str(value).strip()}
    fields["offences"] = [str(code) for code in form.getlist("offences")]
    draft = parse(CaseIn, fields)
    case = register.open_case(db, _actor(web), draft, settings)
    return redirect(f"/cases/{case.reference}")


@router.get("/cases/{reference}", response_class=HTMLResponse)
def case_page(request: Request, reference: str, web: ConsoleSession, db: Db) -> Response:
    actor = _actor(web)
    detail = queries.case_detail(db, actor, reference)
    return render(request, "case.html", web, case=detail, roles=list(PersonRole),
                  kinds=list(IdentifierKind), known=case_summary(db, actor, reference),
                  groups=list_groups(db, actor, reference), categories=CATEGORIES,
                  portal_report=came_through_portal(db, actor, reference))


@router.post("/cases/{reference}/move")
def case_move(reference: str, web: ConsoleSession, db: Db, csrf: Field, to: Field,
              reason: Field, police_reference: Optional = "",
              merged_into: Optional = "") -> Response:
    check_csrf(web, csrf)
    move = parse(MoveIn, {"to": to, "reason": reason, "police_reference": police_reference,
                          "merged_into": merged_into})
    case = moves.move_case(db, _actor(web), reference, move)
    return redirect(f"/cases/{case.reference}")


@router.post("/cases/{reference}/approve")
def case_approve(reference: str, web: ConsoleSession, db: Db, csrf: Field,
                 reason: Field) -> Response:
    check_csrf(web, csrf)
    case = moves.approve_case(db, _actor(web), reference, parse(ApprovalIn, {"reason": reason}))
    return redirect(f"/cases/{case.reference}")


@router.post("/cases/{reference}/team")
def case_assign(reference: str, web: ConsoleSession, db: Db, csrf: Field,
                username: Field) -> Response:
    check_csrf(web, csrf)
    case = moves.assign(db, _actor(web), reference, username.strip())
    return redirect(f"/cases/{case.reference}")


@router.post("/cases/{reference}/persons")
def person_add(reference: str, web: ConsoleSession, db: Db, settings: AppSettings,
               csrf: Field, role: Field, full_name: Optional = "",
               is_minor: Optional = "", country: Optional = "", notes: Optional = "",
               identifier_kind: Optional = "phone", identifier: Optional = "",
               platform: Optional = "") -> Response:
    check_csrf(web, csrf)
    identifiers = ([{"kind": identifier_kind, "value": identifier, "platform": platform}]
                   if identifier.strip() else [])
    draft = parse(PersonIn, {"role": role, "full_name": full_name, "is_minor": bool(is_minor),
                             "country": country, "notes": notes, "identifiers": identifiers})
    register.add_person(db, _actor(web), reference, draft, settings)
    return redirect(f"/cases/{reference.upper()}")
