"""The intake routes of `/api/v1`: a portal report with its conversation, replies, the queue."""

from __future__ import annotations

from fastapi import APIRouter

from nigehbaan.intake import conversation, queue
from nigehbaan.intake.views import MessageView, QueueItem, ReplyIn, ReporterPage
from nigehbaan.web.deps import CurrentActor, Db

router = APIRouter(tags=["intake"])


@router.get("/cases/{reference}/reporter", response_model=ReporterPage)
def reporter_page(reference: str, db: Db, actor: CurrentActor) -> ReporterPage:
    """The portal report behind a case, with the reporter's messages (audited read)."""
    return conversation.reporter_page(db, actor, reference)


@router.post("/cases/{reference}/reporter/messages", response_model=MessageView,
             status_code=201)
def reporter_reply(reference: str, reply: ReplyIn, db: Db, actor: CurrentActor) -> MessageView:
    """Answer the reporter; they read it on the portal with their receipt code."""
    message = conversation.reply(db, actor, reference, reply.body)
    return MessageView(id=message.id, author=message.author, kind=message.kind,
                       officer=message.officer, body=message.body, at=message.created_at)


@router.get("/queue", response_model=list[QueueItem])
def intake_queue(db: Db, actor: CurrentActor) -> list[QueueItem]:
    """Cases still `received`, safeguarding first, then overdue, then soonest due."""
    return queue.intake_queue(db, actor)
