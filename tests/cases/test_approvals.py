"""Maker-checker (SPEC section 14): requests, a different supervisor's decision, the program's rules."""

import pytest

from cases import approval_rules, selectors, services
from cases.actors import Actor
from cases.choices import EventKind
from cases.exceptions import (
    ApprovalDecided,
    ApprovalNotRequired,
    ApprovalPending,
    ApprovalRequired,
    PermissionDenied,
    TransitionNotAllowed,
    ValidationFailed,
)
from cases.models import ApprovalRequest, Case, CaseEvent
from cases.services import approvals
from cases.services.provisional_credit import case_provisional_credit
from tests.factories import ProgramFactory, make_api_key, make_case, make_user
from tests.regulation.helpers import regulated_case

pytestmark = pytest.mark.django_db
REPRESENTED = ("file_chargeback", "record_representment")


@pytest.fixture
def gated():
    return ProgramFactory(program_id="prog_gated", approval_actions=["accept", "credit_reverse", "credit_make_final"])


@pytest.fixture
def sue(db):
    return Actor.for_user(make_user("sue", "supervisor"))


@pytest.fixture
def bob(db):
    return Actor.for_user(make_user("bob", "supervisor"))


def represented(program):
    return make_case(program, path=REPRESENTED)


def test_a_new_program_holds_accept_and_credit_reversal_and_final_to_maker_checker():
    from cases.models import Program

    program = Program.objects.create(program_id="fresh", name="Fresh")
    assert program.approval_actions == ["accept", "credit_make_final", "credit_reverse"]
    assert program.approval_amount is None


def test_accept_on_a_gated_program_is_refused_without_approval(gated, sue):
    case = represented(gated)
    with pytest.raises(ApprovalRequired) as refused:
        services.case_transition(case=case, transition="accept", actor=sue)
    assert (refused.value.code, refused.value.status) == ("approval_required", 409)
    assert Case.objects.get(pk=case.pk).status == "chargeback_represented"


def test_the_action_refusal_comes_before_the_approval_rule(gated, db):
    analyst = Actor.for_user(make_user("ana", "analyst"))
    case = represented(gated)
    with pytest.raises(PermissionDenied):
        services.case_transition(case=case, transition="accept", actor=analyst)
    created = make_case(gated)
    with pytest.raises(TransitionNotAllowed):
        approvals.approval_request(case=created, action="accept", actor=Actor.for_user(make_user("s2", "supervisor")),
                                   reason="Give up.")


def test_request_then_a_different_supervisor_approves_runs_the_action_once(gated, sue, bob):
    case = represented(gated)
    request = approvals.approval_request(case=case, action="accept", actor=sue, reason="Signed delivery receipt.")
    assert (request.status, request.requested_by, request.reason) == ("pending", "user:sue", "Signed delivery receipt.")
    assert Case.objects.get(pk=case.pk).status == "chargeback_represented"
    assert [r.pk for r in selectors.approvals_pending(bob)] == [request.pk]
    assert selectors.pending_approvals_count(bob) == 1

    approved = approvals.approval_approve(request=request, actor=bob, note="Agreed.")
    assert (approved.status, approved.decided_by, approved.decision_note) == ("approved", "user:bob", "Agreed.")
    case = Case.objects.get(pk=case.pk)
    assert case.status == "accepted"
    events = list(CaseEvent.objects.filter(case=case).order_by("id").values_list("kind", "transition", "actor", "note"))
    assert events[-3:] == [
        (EventKind.APPROVAL, "accept", "user:sue", "Signed delivery receipt."),
        (EventKind.TRANSITION, "accept", "user:bob", "Signed delivery receipt."),
        (EventKind.APPROVAL, "accept", "user:bob", "Agreed."),
    ]
    assert CaseEvent.objects.filter(case=case, kind=EventKind.APPROVAL).last().changes["status"] == "approved"
    assert selectors.pending_approvals_count(bob) == 0
    with pytest.raises(ApprovalDecided):
        approvals.approval_approve(request=request, actor=Actor.for_user(make_user("cat", "supervisor")))
    assert CaseEvent.objects.filter(case=case, kind=EventKind.TRANSITION, transition="accept").count() == 1


def test_the_requester_cannot_approve_or_decline_their_own_request(gated, sue):
    request = approvals.approval_request(case=represented(gated), action="accept", actor=sue, reason="Give up.")
    with pytest.raises(PermissionDenied, match="own request"):
        approvals.approval_approve(request=request, actor=sue)
    with pytest.raises(PermissionDenied, match="own request"):
        approvals.approval_decline(request=request, actor=sue)
    request.refresh_from_db()
    assert request.status == "pending"
    assert Case.objects.get(pk=request.case_id).status == "chargeback_represented"


def test_an_analyst_cannot_decide(gated, sue):
    request = approvals.approval_request(case=represented(gated), action="accept", actor=sue, reason="Give up.")
    with pytest.raises(PermissionDenied):
        approvals.approval_approve(request=request, actor=Actor.for_user(make_user("ana", "analyst")))


def test_decline_leaves_the_case_as_it_was(gated, sue, bob):
    case = represented(gated)
    before = Case.objects.filter(pk=case.pk).values().get()
    request = approvals.approval_request(case=case, action="accept", actor=sue, reason="Give up.")
    declined = approvals.approval_decline(request=request, actor=bob, note="Fight it: we have the tracking.")
    assert (declined.status, declined.decided_by) == ("declined", "user:bob")
    assert Case.objects.filter(pk=case.pk).values().get() == before
    last = CaseEvent.objects.filter(case=case).order_by("id").last()
    assert (last.kind, last.changes["status"], last.note) == (EventKind.APPROVAL, "declined",
                                                               "Fight it: we have the tracking.")
    with pytest.raises(ApprovalDecided):
        approvals.approval_approve(request=request, actor=bob)
    # Declined, the action may be asked for again.
    again = approvals.approval_request(case=case, action="accept", actor=sue, reason="New facts.")
    assert again.pk != request.pk


def test_one_pending_request_per_action(gated, sue, bob):
    case = represented(gated)
    first = approvals.approval_request(case=case, action="accept", actor=sue, reason="Give up.")
    with pytest.raises(ApprovalPending) as pending:
        approvals.approval_request(case=case, action="accept", actor=bob, reason="Me too.")
    assert pending.value.request_id == first.pk


def test_a_request_needs_a_reason_and_a_gated_action(gated, sue):
    case = represented(gated)
    with pytest.raises(ValidationFailed) as refused:
        approvals.approval_request(case=case, action="accept", actor=sue, reason="  ")
    assert refused.value.field == "reason"
    with pytest.raises(ApprovalNotRequired):
        approvals.approval_request(case=case, action="withdraw", actor=sue, reason="Cardholder withdrew.")
    with pytest.raises(ValidationFailed):
        approvals.approval_request(case=case, action="explode", actor=sue, reason="Why not.")


def test_transition_or_request_runs_ungated_steps_and_requests_gated_ones(gated, sue):
    case = represented(gated)
    request = approvals.case_transition_or_request(case=case, transition="accept", actor=sue, note="Receipt holds.")
    assert isinstance(request, ApprovalRequest) and request.reason == "Receipt holds."
    event = approvals.case_transition_or_request(case=make_case(gated), transition="withdraw", actor=sue)
    assert event.case.status == "withdrawn"


def test_the_approval_amount_holds_only_larger_amounts(sue):
    program = ProgramFactory(approval_actions=["accept"], approval_amount=20_000)
    small = make_case(program, path=REPRESENTED, amount=20_000)
    assert services.case_transition(case=small, transition="accept", actor=sue).case.status == "accepted"
    large = make_case(program, path=REPRESENTED, amount=20_001)
    assert approval_rules.needs_approval(large, "accept", sue)
    with pytest.raises(ApprovalRequired):
        services.case_transition(case=large, transition="accept", actor=sue)


def test_the_system_is_not_held_to_maker_checker(gated):
    case = represented(gated)
    event = services.case_transition(case=case, transition="accept", actor=Actor.for_system())
    assert event.case.status == "accepted"


def test_an_api_key_may_ask_and_a_supervisor_approves(gated, bob):
    key, _ = make_api_key(gated, ["manage"])
    case = represented(gated)
    request = approvals.approval_request(case=case, action="accept", actor=Actor.for_api_key(key), reason="Per policy.")
    assert request.requested_by == f"api_key:{key.prefix}"
    assert selectors.pending_approvals_count(Actor.for_api_key(key)) == 1
    assert selectors.pending_approvals_count(Actor.for_api_key(make_api_key(ProgramFactory())[0])) == 0
    with pytest.raises(PermissionDenied):
        approvals.approval_approve(request=request, actor=Actor.for_api_key(key))
    approvals.approval_approve(request=request, actor=bob)
    assert Case.objects.get(pk=case.pk).status == "accepted"


def test_credit_reversal_and_final_need_approval(gated, sue, bob):
    case = case_provisional_credit(case=regulated_case(gated), actor=sue, action="grant")
    with pytest.raises(ApprovalRequired) as refused:
        case_provisional_credit(case=case, actor=sue, action="reverse")
    assert refused.value.action == "credit_reverse"
    request = approvals.case_provisional_credit_or_request(case=case, actor=sue, action="make_final", note="Keep it.")
    assert request.action == "credit_make_final"
    approvals.approval_approve(request=request, actor=bob)
    case = Case.objects.get(pk=case.pk)
    assert case.provisional_credit_status == "final"
    credit = CaseEvent.objects.filter(case=case, kind=EventKind.CREDIT, transition="make_final").get()
    assert (credit.actor, credit.note) == ("user:bob", "Keep it.")


def test_approving_a_request_the_case_outgrew_changes_nothing(gated, sue, bob):
    case = represented(gated)
    request = approvals.approval_request(case=case, action="accept", actor=sue, reason="Give up.")
    services.case_transition(case=case, transition="withdraw", actor=sue)
    with pytest.raises(TransitionNotAllowed):
        approvals.approval_approve(request=request, actor=bob)
    request.refresh_from_db()
    assert request.status == "pending"
    assert approvals.approval_decline(request=request, actor=bob).status == "declined"
