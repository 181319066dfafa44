"""Correcting the facts of a dispute's transaction: amount, date, payment details, merchant, cardholder
(cases.services.details.case_update_transaction_details)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from cases import lifecycle, services
from cases.actors import Actor
from cases.exceptions import CaseClosed, PermissionDenied, ValidationFailed
from cases.models import Case, CaseEvent, Merchant, Transaction
from tests.factories import MerchantFactory, case_input, make_api_key, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer(program):
    return Actor.for_api_key(make_api_key(program, ["write"])[0], request_id="req-facts")


@pytest.fixture
def manager(program):
    return Actor.for_api_key(make_api_key(program, ["manage"])[0])


def edits(case) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, kind="edit"))


def failure(excinfo) -> tuple[str, str]:
    return excinfo.value.first.field, excinfo.value.first.code


@pytest.mark.parametrize(("name", "value"), [
    ("payment_type", "upi"), ("acquirer_bank_code", "ICICI"), ("remitter_bank", "Axis Bank"),
    ("nodal_account_number", "NODAL123"), ("gateway_order_id", "ORD_2"), ("payment_instrument_id", "PI_7"),
    ("amount", 25000),
])
def test_each_transaction_field_is_changed_with_its_event(program, writer, name, value):
    case = make_case(program)
    before = getattr(case.transaction, name)

    [written] = services.case_update_transaction_details(case=case, actor=writer, note="Corrected.", **{name: value})

    assert getattr(Transaction.objects.get(pk=case.transaction_id), name) == value
    assert written.case.version == Case.objects.get(pk=case.pk).version == 2
    [event] = edits(case)
    assert written == event
    assert event.changes == {f"transaction.{name}": {"before": before, "after": value}}
    assert (event.note, event.request_id, event.actor) == ("Corrected.", "req-facts", writer.label)


def test_none_clears_an_optional_text(program, writer):
    case = make_case(program)
    services.case_update_transaction_details(case=case, actor=writer, remitter_bank="Axis Bank")
    services.case_update_transaction_details(case=case, actor=writer, remitter_bank=None)
    assert Transaction.objects.get(pk=case.transaction_id).remitter_bank == ""
    assert edits(case)[-1].changes == {"transaction.remitter_bank": {"before": "Axis Bank", "after": ""}}


def test_many_fields_make_one_event_and_unchanged_ones_are_left_out(program, writer):
    case = make_case(program)
    txn = case.transaction

    services.case_update_transaction_details(
        case=case, actor=writer, external_id=txn.external_id, payment_type="upi", gateway_order_id="ORD_9",
        cardholder={"name": txn.cardholder.name, "mobile": "+91 98400 12345"},
        merchant={"external_id": txn.merchant.external_id, "business_name": "FoodHub Pvt Ltd"})

    [event] = edits(case)
    assert event.changes == {
        "transaction.payment_type": {"before": "", "after": "upi"},
        "transaction.gateway_order_id": {"before": "", "after": "ORD_9"},
        "cardholder.mobile": {"before": "", "after": "+91 98400 12345"},
        "merchant.business_name": {"before": "", "after": "FoodHub Pvt Ltd"},
    }
    txn.refresh_from_db()
    assert (txn.cardholder.mobile, txn.merchant.business_name) == ("+91 98400 12345", "FoodHub Pvt Ltd")


def test_nothing_changed_writes_no_event(program, writer):
    case = make_case(program)
    txn = case.transaction
    written = services.case_update_transaction_details(case=case, actor=writer, amount=txn.amount,
                                                       date=txn.date, cardholder={"name": txn.cardholder.name})
    assert written == []
    assert Case.objects.get(pk=case.pk).version == 1
    assert edits(case) == []


def test_cardholder_fields_are_edited_in_place(program, writer):
    case = make_case(program)
    cardholder = case.transaction.cardholder

    services.case_update_transaction_details(case=case, actor=writer, cardholder={
        "name": "Priya Raman", "email": "priya@example.com", "mobile": "+91 90000 00000"})

    cardholder.refresh_from_db()
    assert (cardholder.name, cardholder.email, cardholder.mobile) == ("Priya Raman", "priya@example.com",
                                                                      "+91 90000 00000")
    assert edits(case)[0].changes["cardholder.name"] == {"before": "Susie Chargeback", "after": "Priya Raman"}


def test_a_cardholder_is_recorded_when_the_transaction_has_none(program, writer):
    case = make_case(program)
    Transaction.objects.filter(pk=case.transaction_id).update(cardholder=None)

    with pytest.raises(ValidationFailed) as excinfo:
        services.case_update_transaction_details(case=case, actor=writer, cardholder={"email": "a@example.com"})
    assert failure(excinfo) == ("cardholder.name", "cardholder_name_required")

    services.case_update_transaction_details(case=case, actor=writer, cardholder={"name": "Priya Raman"})
    assert Transaction.objects.get(pk=case.transaction_id).cardholder.name == "Priya Raman"
    assert edits(case)[0].changes == {"cardholder.name": {"before": "", "after": "Priya Raman"}}


def test_merchant_fields_are_edited_in_place(program, writer):
    case = make_case(program)
    merchant = case.transaction.merchant

    services.case_update_transaction_details(case=case, actor=writer, merchant={
        "name": "FoodHub Express", "chargeback_email": "cb@foodhub.example", "mobile": "+1 555 0100"})

    merchant.refresh_from_db()
    assert (merchant.name, merchant.chargeback_email, merchant.mobile) == (
        "FoodHub Express", "cb@foodhub.example", "+1 555 0100")
    assert Transaction.objects.get(pk=case.transaction_id).merchant == merchant
    assert edits(case)[0].changes["merchant.name"] == {"before": "FoodHub", "after": "FoodHub Express"}


def test_a_new_merchant_id_is_matched_in_the_program(program, other_program, writer):
    case = make_case(program)
    old = case.transaction.merchant
    MerchantFactory(program=other_program, external_id="TUT_OTHER", name="Elsewhere")
    known = MerchantFactory(program=program, external_id="TUT_OTHER", name="Known Merchant", business_name="",
                            chargeback_email="", mobile="")

    services.case_update_transaction_details(case=case, actor=writer, merchant={"external_id": "TUT_OTHER"})

    assert Transaction.objects.get(pk=case.transaction_id).merchant == known
    old.refresh_from_db()
    assert (old.name, old.external_id) == ("FoodHub", old.external_id)
    changes = edits(case)[0].changes
    assert changes["merchant.external_id"] == {"before": old.external_id, "after": "TUT_OTHER"}
    assert changes["merchant.name"] == {"before": "FoodHub", "after": "Known Merchant"}


def test_an_unknown_merchant_id_is_recorded_with_its_name(program, writer):
    case = make_case(program)

    with pytest.raises(ValidationFailed) as excinfo:
        services.case_update_transaction_details(case=case, actor=writer, merchant={"external_id": "TUT_NEW"})
    assert failure(excinfo) == ("merchant.name", "merchant_name_required")
    assert not Merchant.objects.filter(external_id="TUT_NEW").exists()

    services.case_update_transaction_details(case=case, actor=writer,
                                             merchant={"external_id": "TUT_NEW", "name": "New Merchant"})
    merchant = Transaction.objects.get(pk=case.transaction_id).merchant
    assert (merchant.program, merchant.external_id, merchant.name) == (program, "TUT_NEW", "New Merchant")


def test_the_transaction_amount_cannot_fall_below_the_disputed_amount(program, writer):
    case = make_case(program, disputed_amount=10000)

    with pytest.raises(ValidationFailed) as excinfo:
        services.case_update_transaction_details(case=case, actor=writer, amount=9999)
    assert failure(excinfo) == ("transaction.amount", "amount_exceeds_transaction")
    assert Transaction.objects.get(pk=case.transaction_id).amount == 20000

    services.case_update_transaction_details(case=case, actor=writer, amount=10000)
    assert Transaction.objects.get(pk=case.transaction_id).amount == 10000


@pytest.mark.parametrize(("amount", "disputed"), [(5000, 4000), (50000, 30000)])
def test_amount_and_disputed_amount_change_together(program, writer, amount, disputed):
    case = make_case(program, disputed_amount=10000)

    written = services.case_update_transaction_details(case=case, actor=writer, amount=amount,
                                                       disputed_amount=disputed)

    updated = written[-1].case
    assert (updated.transaction.amount, updated.disputed_amount, updated.version) == (amount, disputed, 3)
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["created", "edit", "amount"]
    assert [e.kind for e in written] == ["edit", "amount"]


@pytest.mark.parametrize("amount", [0, -5, True, "100", 1.5])
def test_invalid_amounts_are_refused(program, writer, amount):
    case = make_case(program)
    with pytest.raises(ValidationFailed) as excinfo:
        services.case_update_transaction_details(case=case, actor=writer, amount=amount)
    assert failure(excinfo) == ("transaction.amount", "invalid_amount")


def test_a_date_change_recomputes_the_chargeback_due_date(program, writer):
    case = make_case(program, network="mastercard", reason="product_not_received")
    new_date = datetime(2024, 3, 1, 15, 30, tzinfo=UTC)
    Case.objects.filter(pk=case.pk).update(internal_due_date=new_date.date() + timedelta(days=400))

    [written] = services.case_update_transaction_details(case=case, actor=writer, date=new_date)
    updated = written.case

    row = Case.objects.get(pk=case.pk)
    # Mastercard product not received: 120 days from the transaction date (cases.networks).
    assert row.chargeback_due_date == new_date.date() + timedelta(days=120)
    assert row.next_deadline == lifecycle.next_deadline(row) == row.chargeback_due_date
    assert updated.transaction.date == new_date
    changes = edits(case)[0].changes
    assert changes["transaction.date"]["after"] == new_date.isoformat()
    assert changes["chargeback_due_date"] == {"before": case.chargeback_due_date.isoformat(),
                                              "after": row.chargeback_due_date.isoformat()}


def test_a_future_transaction_date_is_refused(program, writer):
    case = make_case(program)
    with pytest.raises(ValidationFailed) as excinfo:
        services.case_update_transaction_details(case=case, actor=writer, date=timezone.now() + timedelta(hours=2))
    assert failure(excinfo) == ("transaction.date", "transaction_date_in_future")
    with pytest.raises(ValidationFailed):
        services.case_update_transaction_details(case=case, actor=writer, date=datetime(2024, 3, 1))  # no zone


def test_the_internal_due_date_may_not_precede_a_later_transaction_date(program, writer, manager):
    case = make_case(program, days_ago=60)
    internal = lifecycle.today() - timedelta(days=20)
    Case.objects.filter(pk=case.pk).update(internal_due_date=internal)
    later = datetime.combine(internal + timedelta(days=1), datetime.min.time(), tzinfo=UTC)

    with pytest.raises(ValidationFailed) as excinfo:
        services.case_update_transaction_details(case=case, actor=writer, date=later)
    assert failure(excinfo) == ("internal_due_date", "internal_due_date_before_transaction")

    written = services.case_update_transaction_details(case=case, actor=manager, date=later,
                                                       internal_due_date=later.date() + timedelta(days=5))
    assert [e.kind for e in written] == ["edit", "edit"]
    updated = written[-1].case
    assert (updated.transaction.date, updated.internal_due_date) == (later, later.date() + timedelta(days=5))


def test_the_transaction_id_cannot_change(program, writer):
    case = make_case(program)
    with pytest.raises(ValidationFailed) as excinfo:
        services.case_update_transaction_details(case=case, actor=writer, external_id="another_txn",
                                                 payment_type="upi")
    assert failure(excinfo) == ("transaction.external_id", "transaction_id_immutable")
    assert Transaction.objects.get(pk=case.transaction_id).payment_type == ""
    assert edits(case) == []


def test_a_closed_case_is_refused(program, writer):
    case = make_case(program, path=["reject"])
    with pytest.raises(CaseClosed):
        services.case_update_transaction_details(case=case, actor=writer, payment_type="upi")
    assert Transaction.objects.get(pk=case.transaction_id).payment_type == ""


def test_a_read_key_may_not_edit(program):
    case = make_case(program)
    with pytest.raises(PermissionDenied):
        services.case_update_transaction_details(
            case=case, actor=Actor.for_api_key(make_api_key(program, ["read"])[0]), payment_type="upi")


@pytest.mark.parametrize(("changes", "field"), [
    ({"payment_type": "x" * 65}, "transaction.payment_type"),
    ({"gateway_order_id": 42}, "transaction.gateway_order_id"),
    ({"merchant": {"mcc": "5734"}}, "merchant.mcc"),
    ({"merchant": {"external_id": ""}}, "merchant.external_id"),
    ({"cardholder": {"name": ""}}, "cardholder.name"),
])
def test_invalid_values_are_refused(program, writer, changes, field):
    case = make_case(program)
    with pytest.raises(ValidationFailed) as excinfo:
        services.case_update_transaction_details(case=case, actor=writer, **changes)
    assert excinfo.value.first.field == field
    assert Case.objects.get(pk=case.pk).version == 1


def test_the_change_is_recorded_on_this_case_only(program, writer):
    closed = make_case(program, path=["reject"])
    case = services.case_create(program=program, actor=writer, data=case_input(transaction=closed.transaction))
    trail_of_closed = list(CaseEvent.objects.filter(case=closed).values_list("pk", flat=True))

    services.case_update_transaction_details(case=case, actor=writer, payment_type="upi")

    assert Transaction.objects.get(pk=closed.transaction_id).payment_type == "upi"
    assert list(CaseEvent.objects.filter(case=closed).values_list("pk", flat=True)) == trail_of_closed
    assert edits(case)[0].changes == {"transaction.payment_type": {"before": "", "after": "upi"}}


def test_a_failed_event_write_rolls_everything_back(program, writer, monkeypatch):
    case = make_case(program)
    txn, merchant = case.transaction, case.transaction.merchant

    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr("cases.services.edits.event_record", broken)
    with pytest.raises(RuntimeError):
        services.case_update_transaction_details(case=case, actor=writer, amount=30000, payment_type="upi",
                                                 merchant={"name": "Renamed"}, cardholder={"name": "Renamed"})

    row = Transaction.objects.get(pk=txn.pk)
    assert (row.amount, row.payment_type, row.merchant.name, row.cardholder.name) == (
        20000, "", merchant.name, txn.cardholder.name)
    assert Case.objects.get(pk=case.pk).version == 1
    assert edits(case) == []
