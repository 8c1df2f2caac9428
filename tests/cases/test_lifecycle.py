"""Only the lifecycle's moves are possible, each recorded with who, when and why."""

from __future__ import annotations

import contextlib
import itertools

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from nigehbaan.cases import moves, register
from nigehbaan.cases.lifecycle import TERMINAL, TRANSITIONS, Status, allowed_moves
from nigehbaan.cases.models import Case
from nigehbaan.cases.schemas import ApprovalIn, CaseIn, MoveIn
from nigehbaan.core.db import transaction
from nigehbaan.core.errors import Conflict, DomainError, Forbidden, Invalid
from nigehbaan.core.settings import Settings
from tests.support import Account


def test_work_order_and_exits() -> None:
    assert allowed_moves(Status.RECEIVED) == [Status.INQUIRY, Status.DECLINED, Status.MERGED]
    assert allowed_moves(Status.REGISTERED) == [Status.PROSECUTION, Status.CLOSED, Status.MERGED]
    assert all(not TRANSITIONS[status] for status in TERMINAL)
    assert Status.DECLINED not in TRANSITIONS[Status.REGISTERED]


def _open(session: Session, account: Account, settings: Settings, channel: str = "walk_in") -> Case:
    return register.open_case(session, account.actor,
                              CaseIn(title="Lifecycle case", channel=channel), settings)


def _move(to: str, **extra: str) -> MoveIn:
    return MoveIn.model_validate({"to": to, "reason": f"moving to {to}", **extra})


def test_moves_are_recorded_and_first_action_set(session: Session, settings: Settings,
                                                 accounts: dict[str, Account]) -> None:
    inv = accounts["investigator"].actor
    case = _open(session, accounts["investigator"], settings)
    assert case.first_action_at is None
    for status in ("inquiry", "evidence_authentication", "suspect_tracing"):
        moves.move_case(session, inv, case.reference, _move(status))
    moves.move_case(session, inv, case.reference, _move("registered", police_reference="FIR 7/26"))
    assert case.status == "registered" and case.police_reference == "FIR 7/26"
    assert case.first_action_at is not None
    assert [(m.from_status, m.to_status, m.actor) for m in case.moves][:2] == [
        ("received", "inquiry", "investigator"),
        ("inquiry", "evidence_authentication", "investigator")]
    assert all(m.reason.startswith("moving to") for m in case.moves)


def test_forbidden_move_names_allowed_moves(session: Session, settings: Settings,
                                            accounts: dict[str, Account]) -> None:
    case = _open(session, accounts["investigator"], settings)
    with pytest.raises(Conflict, match="allowed moves from received: inquiry, declined, merged"):
        moves.move_case(session, accounts["investigator"].actor, case.reference,
                        _move("registered", police_reference="FIR 1"))
    assert case.status == "received"


def test_registration_needs_police_reference(session: Session, settings: Settings,
                                             accounts: dict[str, Account]) -> None:
    inv = accounts["investigator"].actor
    case = _open(session, accounts["investigator"], settings)
    for status in ("inquiry", "evidence_authentication", "suspect_tracing"):
        moves.move_case(session, inv, case.reference, _move(status))
    with pytest.raises(Invalid, match="police_reference"):
        moves.move_case(session, inv, case.reference, _move("registered"))


def test_proactive_case_needs_supervisor_approval(session: Session, settings: Settings,
                                                  accounts: dict[str, Account]) -> None:
    inv, sup = accounts["investigator"].actor, accounts["supervisor"].actor
    case = _open(session, accounts["investigator"], settings, "proactive_monitoring")
    for status in ("inquiry", "evidence_authentication", "suspect_tracing"):
        moves.move_case(session, inv, case.reference, _move(status))
    with pytest.raises(Conflict, match="supervisor must approve"):
        moves.move_case(session, inv, case.reference, _move("registered", police_reference="F1"))
    with pytest.raises(Forbidden):
        moves.approve_case(session, inv, case.reference, ApprovalIn(reason="me"))
    moves.approve_case(session, sup, case.reference, ApprovalIn(reason="log reviewed"))
    moves.move_case(session, inv, case.reference, _move("registered", police_reference="F1"))
    assert case.status == "registered" and case.approved_by == "supervisor"


def test_merge_needs_an_open_target(session: Session, settings: Settings,
                                    accounts: dict[str, Account]) -> None:
    inv = accounts["investigator"].actor
    first, second = (_open(session, accounts["investigator"], settings) for _ in range(2))
    with pytest.raises(Invalid, match="merged_into"):
        moves.move_case(session, inv, first.reference, _move("merged"))
    with pytest.raises(Invalid, match="itself"):
        moves.move_case(session, inv, first.reference,
                        _move("merged", merged_into=first.reference))
    moves.move_case(session, inv, first.reference, _move("merged", merged_into=second.reference))
    assert first.merged_into == second.reference
    with pytest.raises(Conflict, match="merged"):
        moves.move_case(session, inv, second.reference,
                        _move("merged", merged_into=first.reference))


def test_supervisor_assigns_within_unit(session: Session, settings: Settings,
                                        accounts: dict[str, Account]) -> None:
    case = _open(session, accounts["investigator"], settings)
    moves.assign(session, accounts["supervisor"].actor, case.reference, "analyst")
    with pytest.raises(Invalid, match="not in unit"):
        moves.assign(session, accounts["supervisor"].actor, case.reference, "outsider")
    with pytest.raises(Invalid, match="does not work cases"):
        moves.assign(session, accounts["supervisor"].actor, case.reference, "auditor")
    with pytest.raises(Forbidden):
        moves.assign(session, accounts["investigator"].actor, case.reference, "colleague")


PRECONDITIONS = {"police_reference": "FIR 1/26"}


@hypothesis_settings(max_examples=40, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(targets=st.lists(st.sampled_from(list(Status)), min_size=1, max_size=12),
       proactive=st.booleans(), approve_at=st.integers(min_value=0, max_value=12))
def test_random_moves_never_leave_the_lifecycle(
        factory: sessionmaker[Session], settings: Settings, accounts: dict[str, Account],
        targets: list[Status], proactive: bool, approve_at: int) -> None:
    channel = "proactive_monitoring" if proactive else "walk_in"
    inv, sup = accounts["investigator"].actor, accounts["supervisor"].actor
    with transaction(factory) as session:
        case = _open(session, accounts["investigator"], settings, channel)
        other = _open(session, accounts["investigator"], settings)
    path = [Status.RECEIVED]
    for index, target in enumerate(targets):
        with transaction(factory) as session:
            if index == approve_at and proactive:
                with contextlib.suppress(Conflict):
                    moves.approve_case(session, sup, case.reference, ApprovalIn(reason="ok"))
        try:
            with transaction(factory) as session:
                moved = moves.move_case(session, inv, case.reference,
                                        _move(target.value, merged_into=other.reference,
                                              **PRECONDITIONS))
                path.append(Status(moved.status))
        except DomainError:
            pass
    with transaction(factory) as session:
        stored = session.get(Case, case.id)
        assert stored is not None
        recorded = [Status.RECEIVED] + [Status(m.to_status) for m in stored.moves]
        assert recorded == path
        for before, after in itertools.pairwise(recorded):
            assert after in TRANSITIONS[before]
        if proactive and Status.REGISTERED in recorded:
            assert stored.approved_at is not None
        assert Status(stored.status) == recorded[-1]
