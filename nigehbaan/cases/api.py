"""API routes of the case register."""

from __future__ import annotations

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from nigehbaan.cases import moves, queries, register, statutes
from nigehbaan.cases.channels import CHANNEL_LABELS, Channel
from nigehbaan.cases.lifecycle import Status, allowed_moves
from nigehbaan.cases.schemas import (
    ApprovalIn,
    AssignIn,
    CaseIn,
    IdentifierIn,
    MoveIn,
    PersonIn,
)
from nigehbaan.cases.views import CaseDetail, CaseSummary, LinkView, PersonView
from nigehbaan.core.inputs import TextIn
from nigehbaan.core.roles import Permission
from nigehbaan.web.deps import AppSettings, CurrentActor, Db, RowId

router = APIRouter(tags=["cases"])


class ChannelOut(BaseModel):
    code: str
    label: str
    first_action_hours: int


class StatuteOut(BaseModel):
    code: str
    law: str
    section: str
    title: str
    description: str


class StatusOut(BaseModel):
    code: str
    allowed_moves: list[str]


class StatuteIn(TextIn):
    """One catalogue entry, each part no longer than the `statutes` table holds it (the
    catalogue loader names any required part that is missing)."""

    model_config = ConfigDict(str_strip_whitespace=True)
    code: str = Field(default="", max_length=statutes.LIMITS["code"])
    law: str = Field(default="", max_length=statutes.LIMITS["law"])
    section: str = Field(default="", max_length=statutes.LIMITS["section"])
    title: str = Field(default="", max_length=statutes.LIMITS["title"])
    description: str = Field(default="", max_length=statutes.LIMITS["description"])


class CatalogueIn(TextIn):
    catalogue: str = Field(default="", max_length=statutes.CATALOGUE_NAME_MAX)
    statutes: list[StatuteIn] = Field(max_length=5000)


@router.get("/channels", response_model=list[ChannelOut])
def channels(actor: CurrentActor, settings: AppSettings) -> list[ChannelOut]:
    return [ChannelOut(code=c.value, label=CHANNEL_LABELS[c],
                       first_action_hours=settings.deadline_for(c.value)) for c in Channel]


@router.get("/statuses", response_model=list[StatusOut])
def statuses(actor: CurrentActor) -> list[StatusOut]:
    return [StatusOut(code=s.value, allowed_moves=[t.value for t in allowed_moves(s)])
            for s in Status]


@router.get("/statutes", response_model=list[StatuteOut])
def statute_list(actor: CurrentActor, db: Db) -> list[StatuteOut]:
    return [StatuteOut.model_validate(s, from_attributes=True)
            for s in statutes.list_statutes(db)]


@router.post("/statutes", status_code=201)
def statute_load(body: CatalogueIn, actor: CurrentActor, db: Db) -> dict[str, int]:
    return {"loaded": statutes.load_catalogue(db, actor, body.model_dump())}


@router.get("/cases", response_model=list[CaseSummary])
def case_list(actor: CurrentActor, db: Db, status: Status | None = None,
              channel: Channel | None = None, overdue: bool = False,
              limit: int = Query(default=200, ge=1, le=1000)) -> list[CaseSummary]:
    return queries.list_cases(db, actor, status=status, channel=channel.value if channel else "",
                              overdue_only=overdue, limit=limit)


@router.post("/cases", response_model=CaseDetail, status_code=201)
def case_open(body: CaseIn, actor: CurrentActor, db: Db, settings: AppSettings) -> CaseDetail:
    case = register.open_case(db, actor, body, settings)
    return queries.case_detail(db, actor, case.reference, audit_read=False)


@router.get("/cases/{reference}", response_model=CaseDetail)
def case_show(reference: str, actor: CurrentActor, db: Db) -> CaseDetail:
    return queries.case_detail(db, actor, reference)


@router.post("/cases/{reference}/moves", response_model=CaseDetail)
def case_move(reference: str, body: MoveIn, actor: CurrentActor, db: Db) -> CaseDetail:
    case = moves.move_case(db, actor, reference, body)
    return queries.case_detail(db, actor, case.reference, audit_read=False)


@router.post("/cases/{reference}/approval", response_model=CaseDetail)
def case_approve(reference: str, body: ApprovalIn, actor: CurrentActor, db: Db) -> CaseDetail:
    case = moves.approve_case(db, actor, reference, body)
    return queries.case_detail(db, actor, case.reference, audit_read=False)


@router.post("/cases/{reference}/team", response_model=CaseDetail)
def case_assign(reference: str, body: AssignIn, actor: CurrentActor, db: Db) -> CaseDetail:
    case = moves.assign(db, actor, reference, body.username)
    return queries.case_detail(db, actor, case.reference, audit_read=False)


@router.get("/cases/{reference}/persons", response_model=list[PersonView])
def person_list(reference: str, actor: CurrentActor, db: Db) -> list[PersonView]:
    return queries.case_detail(db, actor, reference).persons


@router.post("/cases/{reference}/persons", response_model=PersonView, status_code=201)
def person_add(reference: str, body: PersonIn, actor: CurrentActor, db: Db,
               settings: AppSettings) -> PersonView:
    person = register.add_person(db, actor, reference, body, settings)
    detail = queries.case_detail(db, actor, reference, audit_read=False)
    return next(view for view in detail.persons if view.id == person.id)


@router.post("/cases/{reference}/persons/{person_id}/identifiers", response_model=PersonView,
             status_code=201)
def identifier_add(reference: str, person_id: RowId, body: IdentifierIn, actor: CurrentActor,
                   db: Db, settings: AppSettings) -> PersonView:
    register.add_identifier(db, actor, reference, person_id, body, settings)
    detail = queries.case_detail(db, actor, reference, audit_read=False)
    return next(view for view in detail.persons if view.id == person_id)


@router.get("/cases/{reference}/links", response_model=list[LinkView])
def case_links(reference: str, actor: CurrentActor, db: Db) -> list[LinkView]:
    actor.require(Permission.CASE_READ)
    return queries.case_detail(db, actor, reference).links
