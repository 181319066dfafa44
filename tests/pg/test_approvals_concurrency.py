"""Maker-checker on PostgreSQL (SPEC 14): supervisors pressing approve together run the action once."""

import pytest

from cases.actors import Actor
from cases.choices import CaseStatus, EventKind
from cases.exceptions import ApprovalDecided, ApprovalPending
from cases.models import ApprovalRequest, Case, CaseEvent
from cases.services import approvals
from tests.conftest import concurrently
from tests.factories import ProgramFactory, make_case, make_user

THREADS = 8
REPRESENTED = ("file_chargeback", "record_representment")


def threaded(test):
    return pytest.mark.postgres(pytest.mark.django_db(transaction=True)(test))


@threaded
def test_supervisors_approving_together_run_the_action_once():
    program = ProgramFactory(program_id="prog_gated", approval_actions=["accept"])
    case = make_case(program, path=REPRESENTED)
    request = approvals.approval_request(case=case, action="accept", actor=Actor.for_user(make_user("sue", "supervisor")),
                                         reason="Signed delivery receipt.")
    approvers = [Actor.for_user(make_user(f"boss{i}", "supervisor")) for i in range(THREADS)]
    copies = [ApprovalRequest.objects.get(pk=request.pk) for _ in approvers]

    results = concurrently([
        (lambda a=a, r=r: approvals.approval_approve(request=r, actor=a)) for a, r in zip(approvers, copies, strict=True)
    ])

    done = [r for r in results if isinstance(r, ApprovalRequest)]
    refused = [r for r in results if not isinstance(r, ApprovalRequest)]
    assert len(done) == 1, results
    assert len(refused) == THREADS - 1 and all(isinstance(e, ApprovalDecided) for e in refused), refused
    row = ApprovalRequest.objects.get(pk=request.pk)
    assert (row.status, row.decided_by) == ("approved", done[0].decided_by)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED
    assert CaseEvent.objects.filter(case=case, kind=EventKind.TRANSITION, transition="accept").count() == 1
    assert CaseEvent.objects.filter(case=case, kind=EventKind.APPROVAL).count() == 2  # asked, approved


@threaded
def test_people_asking_together_record_one_request():
    program = ProgramFactory(program_id="prog_gated", approval_actions=["accept"])
    case = make_case(program, path=REPRESENTED)
    askers = [Actor.for_user(make_user(f"sup{i}", "supervisor")) for i in range(THREADS)]

    results = concurrently([
        (lambda a=a: approvals.approval_request(case=Case.objects.get(pk=case.pk), action="accept", actor=a,
                                                reason="Give up.")) for a in askers
    ])

    recorded = [r for r in results if isinstance(r, ApprovalRequest)]
    assert len(recorded) == 1, results
    assert all(isinstance(e, ApprovalPending) and e.request_id == recorded[0].pk
               for e in results if e is not recorded[0])
    assert ApprovalRequest.objects.filter(case=case).count() == 1
