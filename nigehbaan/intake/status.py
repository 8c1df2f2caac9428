"""What a reporter is told about their case: its status in plain words, and nothing internal.

No reference, officer name, offence or other case is ever shown: a returning reporter may be
reading over someone's shoulder, or be someone else who found the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from nigehbaan.cases.lifecycle import Status
from nigehbaan.intake.models import PortalReport
from nigehbaan.intake.words import N_

STATUS_WORDS: dict[Status, str] = {
    Status.RECEIVED: N_("Received. Your report is waiting for an officer."),
    Status.INQUIRY: N_("An officer is looking into it."),
    Status.EVIDENCE_AUTHENTICATION: N_("Officers are checking the evidence."),
    Status.SUSPECT_TRACING: N_("Officers are working to find the people responsible."),
    Status.REGISTERED: N_("A case has been registered with the police."),
    Status.PROSECUTION: N_("The case is before the courts."),
    Status.CLOSED: N_("The case is closed. You can still send us a message."),
    Status.DECLINED: N_("The unit could not take this report further. You can still send us a "
                        "message."),
    Status.MERGED: N_("Your report has been joined with another report about the same thing. "
                      "Officers are working on it."),
}


@dataclass(frozen=True)
class Line:
    author: str
    kind: str
    body: str
    at: datetime


@dataclass(frozen=True)
class ReporterView:
    status_words: str
    material_found: bool
    hashes: int
    lines: list[Line]


def reporter_view(report: PortalReport) -> ReporterView:
    return ReporterView(
        status_words=STATUS_WORDS[Status(report.case.status)],
        material_found=any(h.found_at is not None for h in report.hashes),
        hashes=len(report.hashes),
        lines=[Line(m.author, m.kind, m.body, m.created_at) for m in report.messages],
    )
