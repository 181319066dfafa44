"""Each transition condition fails with its name (SPEC section 3), and the case stays as it was."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from cases import lifecycle, services
from cases.actors import Actor
from cases.choices import CaseStatus
from cases.exceptions import TransitionConditionFailed
from cases.models import Case, CaseEvent, Transaction
from tests.factories import make_case

FRAUD_READY = {"card": {"is_active": False}, "fraud": {"was_reported": True}}


def refused(case, transition, actor, condition):
    """Run a transition expected to fail `condition`; assert nothing changed and return the error."""
    events_before = CaseEvent.objects.filter(case=case).count()
    status_before = Case.objects.get(pk=case.pk).status
    with pytest.raises(TransitionConditionFailed) as excinfo:
        services.case_transition(case=case, transition=transition, actor=actor)
    assert condition in excinfo.value.failed
    assert excinfo.value.failed[condition] == lifecycle.CONDITION_MESSAGES[condition]
    assert condition in excinfo.value.extra["failed_conditions"]
    assert Case.objects.get(pk=case.pk).status == status_before
    assert CaseEvent.objects.filter(case=case).count() == events_before
    return excinfo.value


def filed(case, actor):
    case = services.case_transition(case=case, transition="file_chargeback", actor=actor).case
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CHARGEBACK_FILED
    return case


def travel_to(day, hour=12):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=UTC), tick=False)


def test_before_chargeback_due_date(program, analyst_actor):
    case = make_case(program)
    with travel_to(case.chargeback_due_date + timedelta(days=1)):
        error = refused(case, "file_chargeback", analyst_actor, "before_chargeback_due_date")
        assert list(error.failed) == ["before_chargeback_due_date"]
    with travel_to(case.chargeback_due_date, hour=23):
        filed(case, analyst_actor)


def test_not_under_review(program, analyst_actor, supervisor_actor):
    program.review_threshold = 15000
    program.save()
    case = make_case(program, amount=20000)
    assert case.review_status == "chargeback_needs_review"

    refused(case, "file_chargeback", analyst_actor, "not_under_review")

    services.case_mark_reviewed(case=case, actor=supervisor_actor)
    filed(case, analyst_actor)


def test_disputed_amount_positive(program, analyst_actor):
    case = make_case(program)
    Case.objects.filter(pk=case.pk).update(disputed_amount=0)
    refused(case, "file_chargeback", analyst_actor, "disputed_amount_positive")


@pytest.mark.parametrize("status", ["failed", "refunded"])
def test_transaction_succeeded(program, analyst_actor, status):
    case = make_case(program)
    Transaction.objects.filter(pk=case.transaction_id).update(status=status)
    refused(case, "file_chargeback", analyst_actor, "transaction_succeeded")


@pytest.mark.parametrize("evidence", [
    {},
    {"card": {"is_active": True}, "fraud": {"was_reported": True}},
    {"card": {"is_active": False}},
    {"card": {"is_active": False}, "fraud": {"was_reported": False, "submit_report": False}},
    {"fraud": {"was_reported": True}},
], ids=["none", "card-active", "not-reported", "reported-false", "card-unknown"])
def test_fraud_needs_card_blocked_and_fraud_reported(program, analyst_actor, evidence):
    case = make_case(program, reason="fraud", issuer_evidence=evidence)
    refused(case, "file_chargeback", analyst_actor, "fraud_card_blocked_and_reported")


@pytest.mark.parametrize("fraud", [{"was_reported": True}, {"submit_report": True}])
def test_fraud_with_issuer_evidence_files(program, analyst_actor, fraud):
    case = make_case(program, reason="fraud", issuer_evidence={"card": {"is_active": False}, "fraud": fraud})
    filed(case, analyst_actor)


def test_fraud_code_without_evidence_is_refused(program, analyst_actor):
    case = make_case(program, reason=None, network_reason_code="4837")
    assert case.reason == "fraud"
    refused(case, "file_chargeback", analyst_actor, "fraud_card_blocked_and_reported")


def test_non_fraud_reason_needs_no_fraud_evidence(program, analyst_actor):
    filed(make_case(program, reason="duplicate_charge"), analyst_actor)


def test_several_failed_conditions_are_all_named(program, analyst_actor):
    program.review_threshold = 1
    program.save()
    case = make_case(program, reason="fraud")
    Case.objects.filter(pk=case.pk).update(disputed_amount=0)
    error = refused(case, "file_chargeback", analyst_actor, "not_under_review")
    assert set(error.failed) == {"not_under_review", "disputed_amount_positive", "fraud_card_blocked_and_reported"}


def represented(program, **overrides):
    return make_case(program, path=["file_chargeback", "record_representment"], **overrides)


@pytest.mark.parametrize("transition", ["file_prearbitration", "accept"])
def test_before_stage_deadline_for_a_person(program, supervisor_actor, transition):
    case = represented(program)
    assert case.response_due_date is not None
    with travel_to(case.response_due_date + timedelta(days=1)):
        refused(case, transition, supervisor_actor, "before_stage_deadline")
    with travel_to(case.response_due_date):
        services.case_transition(case=case, transition=transition, actor=supervisor_actor)
    assert Case.objects.get(pk=case.pk).status != CaseStatus.CHARGEBACK_REPRESENTED


def test_before_stage_deadline_for_arbitration(program, supervisor_actor):
    case = make_case(program, path=["file_chargeback", "record_prearb_received"])
    with travel_to(case.response_due_date + timedelta(days=1)):
        refused(case, "file_arbitration", supervisor_actor, "before_stage_deadline")


def test_system_sweep_may_accept_after_the_deadline(program):
    case = represented(program)
    with travel_to(case.response_due_date + timedelta(days=5)):
        result = services.case_transition(case=case, transition="accept", actor=Actor.for_system()).case
    assert result.status == CaseStatus.ACCEPTED
    event = CaseEvent.objects.filter(case=case).last()
    assert (event.transition, event.actor, event.to_status) == ("accept", "system", "accepted")


def test_available_transitions_report_unmet_conditions(program, supervisor_actor):
    case = represented(program)
    with travel_to(case.response_due_date + timedelta(days=1)):
        listed = {t["transition"]: t for t in services.case_available_transitions(case=case, actor=supervisor_actor)}
    assert set(listed) == {"withdraw", "credit_merchant", "file_prearbitration", "file_arbitration", "accept"}
    assert listed["withdraw"]["available"] is True
    assert listed["accept"]["available"] is False
    assert [c["condition"] for c in listed["accept"]["unmet_conditions"]] == ["before_stage_deadline"]
    assert {c["condition"] for c in listed["file_arbitration"]["unmet_conditions"]} == {
        "arbitration_path_allowed", "before_stage_deadline"}


def test_arbitration_path_refused_for_a_code_that_needs_prearbitration(program, supervisor_actor):
    case = represented(program, reason=None, network_reason_code="4853")
    error = refused(case, "file_arbitration", supervisor_actor, "arbitration_path_allowed")
    assert list(error.failed) == ["arbitration_path_allowed"]


@pytest.mark.parametrize("code", ["4808", "4870", "4871"])
def test_arbitration_path_allowed_for_codes_that_skip_prearbitration(program, supervisor_actor, code):
    overrides = {"issuer_evidence": FRAUD_READY} if code != "4808" else {}
    case = represented(program, reason=None, network_reason_code=code, **overrides)
    result = services.case_transition(case=case, transition="file_arbitration", actor=supervisor_actor).case
    assert result.status == CaseStatus.ARBITRATION_FILED


def test_arbitration_after_prearbitration_received_needs_no_special_code(program, supervisor_actor):
    case = make_case(program, path=["file_chargeback", "record_prearb_received"], reason=None,
                     network_reason_code="4853")
    result = services.case_transition(case=case, transition="file_arbitration", actor=supervisor_actor).case
    assert result.status == CaseStatus.ARBITRATION_FILED


def test_visa_code_cannot_skip_prearbitration(program, supervisor_actor):
    case = represented(program, network="visa", reason=None, network_reason_code="11.3")
    refused(case, "file_arbitration", supervisor_actor, "arbitration_path_allowed")
