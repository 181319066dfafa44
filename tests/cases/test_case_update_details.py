"""Editing what a dispute is about: type, reason code, fee details (cases.services.details)."""

import pytest

from cases import services
from cases.actors import Actor
from cases.exceptions import CaseClosed, InvalidReasonCode, PermissionDenied, ValidationFailed
from cases.models import Case, CaseEvent
from tests.factories import make_api_key, make_case


@pytest.fixture
def writer(program):
    return Actor.for_api_key(make_api_key(program, ["write"])[0], request_id="req-details")


def test_reason_code_sets_reason_and_chargeback_due_date(program, writer):
    case = make_case(program, network="mastercard", reason="product_not_received")

    services.case_update_details(case=case, actor=writer, network_reason_code="4808", note="Recoded.")

    row = Case.objects.get(pk=case.pk)
    assert (row.network_reason_code, row.reason) == ("4808", "invalid_authorization")
    # Invalid authorization: 90 days from the transaction instead of 120.
    assert (row.chargeback_due_date - row.transaction.date.date()).days == 90
    assert row.version == 2
    event = CaseEvent.objects.filter(case=case).last()
    assert (event.kind, event.note, event.request_id) == ("edit", "Recoded.", "req-details")
    assert event.changes["network_reason_code"] == {"before": "4855", "after": "4808"}
    assert event.changes["reason"] == {"before": "product_not_received", "after": "invalid_authorization"}


def test_dispute_type_and_fee_details(program, writer):
    case = make_case(program)
    tdr = {"type": "include", "amount_type": "price", "amount": 500}

    services.case_update_details(case=case, actor=writer, dispute_type="fraud", tdr_details=tdr, tax_details=None)

    row = Case.objects.get(pk=case.pk)
    assert (row.dispute_type, row.tdr_details, row.tax_details) == ("fraud", tdr, None)
    assert set(CaseEvent.objects.filter(case=case).last().changes) == {"dispute_type", "tdr_details"}


def test_no_change_writes_no_event(program, writer):
    case = make_case(program)
    services.case_update_details(case=case, actor=writer, dispute_type=case.dispute_type)
    assert CaseEvent.objects.filter(case=case).count() == 1
    assert Case.objects.get(pk=case.pk).version == 1


@pytest.mark.parametrize(("changes", "error"), [
    ({"dispute_type": "rant"}, ValidationFailed),
    ({"network_reason_code": "10.4"}, InvalidReasonCode),  # a Visa code on a Mastercard case
    ({"tdr_details": "5%"}, ValidationFailed),
])
def test_invalid_values_are_refused(program, writer, changes, error):
    case = make_case(program, network="mastercard")
    with pytest.raises(error):
        services.case_update_details(case=case, actor=writer, **changes)
    assert Case.objects.get(pk=case.pk).version == 1


def test_closed_case_is_refused(program, writer):
    case = make_case(program, path=["reject"])
    with pytest.raises(CaseClosed):
        services.case_update_details(case=case, actor=writer, dispute_type="fraud")


def test_a_read_key_may_not_edit(program):
    case = make_case(program)
    with pytest.raises(PermissionDenied):
        services.case_update_details(case=case, actor=Actor.for_api_key(make_api_key(program, ["read"])[0]),
                                     dispute_type="fraud")
