"""The case lifecycle as the unit works it: which moves exist, and nothing else."""

from __future__ import annotations

from enum import StrEnum
from itertools import pairwise


class Status(StrEnum):
    RECEIVED = "received"
    INQUIRY = "inquiry"
    EVIDENCE_AUTHENTICATION = "evidence_authentication"
    SUSPECT_TRACING = "suspect_tracing"
    REGISTERED = "registered"
    PROSECUTION = "prosecution"
    CLOSED = "closed"
    DECLINED = "declined"
    MERGED = "merged"


_WORK_ORDER = [
    Status.RECEIVED, Status.INQUIRY, Status.EVIDENCE_AUTHENTICATION, Status.SUSPECT_TRACING,
    Status.REGISTERED, Status.PROSECUTION, Status.CLOSED,
]
_BEFORE_REGISTRATION = frozenset(_WORK_ORDER[:4])
TERMINAL = frozenset({Status.CLOSED, Status.DECLINED, Status.MERGED})


def _build() -> dict[Status, frozenset[Status]]:
    moves: dict[Status, set[Status]] = {status: set() for status in Status}
    for current, following in pairwise(_WORK_ORDER):
        moves[current].add(following)
    for status in _BEFORE_REGISTRATION:
        moves[status].add(Status.DECLINED)
    for status in Status:
        if status not in TERMINAL:
            moves[status].add(Status.MERGED)
    moves[Status.REGISTERED].add(Status.CLOSED)
    return {status: frozenset(targets) for status, targets in moves.items()}


TRANSITIONS: dict[Status, frozenset[Status]] = _build()
"""A registered case can be closed without prosecution (e.g. the FIR is cancelled); a case may be
declined only before registration, and merged into another from any open state."""


def allowed_moves(status: Status) -> list[Status]:
    return [target for target in Status if target in TRANSITIONS[status]]


def is_allowed(current: Status, target: Status) -> bool:
    return target in TRANSITIONS[current]
