"""Tutelar PATCH /update/{disputeId} with the fields that describe the transaction: any create field,
only while the dispute is active (SPEC section 6.3, https://docs.v2.tutelar.io/update-dispute)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from cases.models import Case, CaseEvent, Merchant, Transaction
from tests.factories import MerchantFactory
from tests.providers.conftest import load_payload

pytestmark = pytest.mark.django_db
BASE = "/api/v1/dispute"
UPDATED = {"success": True, "code": 200, "message": "Dispute Details updated successfully"}
TOMORROW = (timezone.now() + timedelta(days=1)).date().isoformat()


@pytest.fixture
def dispute(api) -> Case:
    response = api.post(f"{BASE}/create", load_payload("tutelar", "create_request.json"))
    assert response.status_code == 201, response.content
    return Case.objects.get(case_id=response.json()["data"]["disputeId"])


def update(api, case, body):
    return api.patch(f"{BASE}/update/{case.case_id}", body)


def updated(api, case, body) -> dict:
    """PATCH, expect the success envelope, and return the dispute as GET /view shows it."""
    response = update(api, case, body)
    assert response.status_code == 200, response.content
    assert response.json() == {**UPDATED, "data": {"disputeId": case.case_id}}
    return api.get(f"{BASE}/view/{case.case_id}").json()["data"]


def refused(response) -> str:
    assert response.status_code == 422, response.content
    body = response.json()
    assert (body["success"], body["code"], body["data"]) == (False, 300, {})
    return body["message"]


def last_edit(case) -> dict:
    return CaseEvent.objects.filter(case=case, kind="edit").last().changes


def test_customer_details_and_amount(api, dispute):
    body = {"transactionDetails": {"customerName": "Priya R", "customerEmail": "priya@example.org",
                                   "customerMobile": "+91 98765 00000", "amount": "1500.50"}}
    view = updated(api, dispute, body)

    assert view["transactionDetails"] | {"transactionDate": None} == {
        "id": "trans_53146", "customerName": "Priya R", "customerEmail": "priya@example.org",
        "customerMobile": "+91 98765 00000", "amount": 1500.5, "transactionDate": None}
    assert last_edit(dispute) == {
        "transaction.amount": {"before": 100100, "after": 150050},
        "cardholder.name": {"before": "Priya Raman", "after": "Priya R"},
        "cardholder.email": {"before": "priya.raman@example.com", "after": "priya@example.org"},
        "cardholder.mobile": {"before": "9876543210", "after": "+91 98765 00000"},
    }
    assert Case.objects.get(pk=dispute.pk).version == dispute.version + 1


def test_an_optional_customer_field_sent_empty_is_cleared(api, dispute):
    view = updated(api, dispute, {"transactionDetails": {"customerEmail": None, "customerMobile": ""}})
    assert (view["transactionDetails"]["customerEmail"], view["transactionDetails"]["customerMobile"]) == (None, None)


def test_transaction_date_moves_the_chargeback_due_date(api, dispute):
    view = updated(api, dispute, {"transactionDetails": {"transactionDate": "2023-10-01T09:30:00Z"}})

    assert view["transactionDetails"]["transactionDate"].startswith("2023-10-01T09:30:00")
    case = Case.objects.get(pk=dispute.pk)
    assert case.transaction.date == datetime(2023, 10, 1, 9, 30, tzinfo=UTC)
    # Unknown network, reason "other": the catalog's window counts from the new date.
    assert case.chargeback_due_date - dispute.chargeback_due_date == timedelta(days=-10)
    assert last_edit(dispute)["chargeback_due_date"] == {"before": dispute.chargeback_due_date.isoformat(),
                                                         "after": case.chargeback_due_date.isoformat()}


def test_merchant_details(api, dispute):
    body = {"merchantDetails": {"name": "Anand Superstores", "businessName": "Anand Superstores LLP",
                                "chargebackEmail": "disputes@anand.example", "mobile": "9000000001"}}
    view = updated(api, dispute, body)

    assert view["merchantDetails"] == {"id": "TUT778t78yt", "name": "Anand Superstores",
                                       "businessName": "Anand Superstores LLP",
                                       "chargebackEmail": "disputes@anand.example", "mobile": "9000000001"}
    assert set(last_edit(dispute)) == {"merchant.name", "merchant.business_name", "merchant.chargeback_email",
                                       "merchant.mobile"}


def test_a_new_merchant_id_matches_the_program_merchant(api, dispute, program):
    MerchantFactory(program=program, external_id="TUT_KNOWN", name="Known Stores", business_name="",
                    chargeback_email="", mobile="")
    view = updated(api, dispute, {"merchantDetails": {"id": "TUT_KNOWN"}})

    assert (view["merchantDetails"]["id"], view["merchantDetails"]["name"]) == ("TUT_KNOWN", "Known Stores")
    assert Merchant.objects.get(external_id="TUT778t78yt").name == "Anand Stores"


def test_an_unknown_merchant_id_is_recorded(api, dispute):
    assert refused(update(api, dispute, {"merchantDetails": {"id": "TUT_NEW"}})) == "Please enter your Merchant name"
    view = updated(api, dispute, {"merchantDetails": {"id": "TUT_NEW", "name": "New Stores"}})
    assert (view["merchantDetails"]["id"], view["merchantDetails"]["name"]) == ("TUT_NEW", "New Stores")


def test_payment_details(api, dispute):
    body = {"paymentType": "upi", "acquirerBankCode": "ICICI", "remitterBank": "Axis Bank",
            "nodalAccountNo": "NODAL77", "gatewayOrderId": "ORD_1", "paymentInstrumentId": "PI 22"}
    view = updated(api, dispute, body)

    for field, value in body.items():
        assert view[field] == value, field
    assert len(last_edit(dispute)) == 6


def test_optional_payment_details_sent_empty_are_cleared(api, dispute):
    view = updated(api, dispute, {"remitterBank": None, "nodalAccountNo": ""})
    assert (view["remitterBank"], view["nodalAccountNo"]) == (None, None)


def test_transaction_and_dispute_fields_in_one_request(api, dispute, program):
    body = {"transactionDetails": {"amount": 50, "transactionDate": "2023-11-01"}, "disputeAmount": 40,
            "internalDueDate": "2023-11-02", "level": "level_2", "paymentType": "upi", "comments": "Corrected"}
    view = updated(api, dispute, body)

    assert (view["transactionDetails"]["amount"], view["disputeAmount"]) == (50, 40)
    assert (view["internalDueDate"], view["level"], view["paymentType"]) == ("2023-11-02", "level_2", "upi")
    kinds = list(CaseEvent.objects.filter(case=dispute).values_list("kind", flat=True))
    assert kinds == ["created", "edit", "amount", "edit", "edit", "note"]


def test_raising_the_amount_and_the_dispute_amount_together(api, dispute):
    view = updated(api, dispute, {"transactionDetails": {"amount": 3000}, "disputeAmount": 2500})
    assert (view["transactionDetails"]["amount"], view["disputeAmount"]) == (3000, 2500)


def test_the_transaction_amount_cannot_fall_below_the_dispute_amount(api, dispute):
    message = refused(update(api, dispute, {"transactionDetails": {"amount": "99.99"}}))
    assert message == "Dispute amount cannot be higher than transaction amount"
    assert Transaction.objects.get(pk=dispute.transaction_id).amount == 100100


def test_a_transaction_date_after_the_internal_due_date_is_refused(api, dispute):
    message = refused(update(api, dispute, {"transactionDetails": {"transactionDate": "2024-01-05"}}))
    assert message == "Invalid Internal Due date"
    message = refused(update(api, dispute, {"transactionDetails": {"transactionDate": "2024-01-05"},
                                            "internalDueDate": "2024-01-01"}))
    assert message == "Invalid Internal Due date"
    view = updated(api, dispute, {"transactionDetails": {"transactionDate": "2024-01-05"},
                                  "internalDueDate": "2024-02-01"})
    assert view["internalDueDate"] == "2024-02-01"


def test_the_transaction_id_cannot_change(api, dispute):
    message = refused(update(api, dispute, {"transactionDetails": {"id": "trans_99999", "customerName": "X"}}))
    assert message == "Transaction id cannot be changed, raise a new dispute for another transaction"
    assert Transaction.objects.get(pk=dispute.transaction_id).cardholder.name == "Priya Raman"
    updated(api, dispute, {"transactionDetails": {"id": "trans_53146"}})
    assert Transaction.objects.filter(external_id="trans_99999").count() == 0


@pytest.mark.parametrize(("body", "message"), [
    ({"transactionDetails": "trans_1"}, "Please add transaction details"),
    ({"transactionDetails": {"id": ""}}, "Transaction id is missing"),
    ({"transactionDetails": {"customerName": ""}}, "Please enter your Customer name"),
    ({"transactionDetails": {"customerEmail": "priya at example"}}, "Invalid Customer email"),
    ({"transactionDetails": {"customerMobile": "call me"}}, "Invalid Customer mobile"),
    ({"transactionDetails": {"amount": None}}, "Please enter your Transaction amount"),
    ({"transactionDetails": {"amount": "ten"}}, "Invalid Transaction amount"),
    ({"transactionDetails": {"transactionDate": "11/10/2023"}}, "Invalid Transaction date"),
    ({"transactionDetails": {"transactionDate": TOMORROW}}, "Transaction date should not be greater than current date"),
    ({"merchantDetails": []}, "Please add merchant details"),
    ({"merchantDetails": {"id": None}}, "Merchant id is missing"),
    ({"merchantDetails": {"name": ""}}, "Please enter your Merchant name"),
    ({"merchantDetails": {"chargebackEmail": "nope"}}, "Invalid Merchant chargeback email"),
    ({"merchantDetails": {"mobile": "x1"}}, "Invalid Merchant mobile"),
    ({"paymentType": ""}, "Please select payment type"),
    ({"paymentType": "cc;drop"}, "Invalid payment type"),
    ({"acquirerBankCode": "hdfc"}, "Only allow uppercase for Acquirer bank code"),
    ({"acquirerBankCode": None}, "Please add acquirer bank details"),
    ({"remitterBank": 12.5}, "Invalid Remitter bank"),
    ({"nodalAccountNo": "09-89"}, "Invalid Nodal account number"),
    ({"gatewayOrderId": ""}, "Please enter Gateway order id"),
    ({"paymentInstrumentId": None}, "Please enter Payment instrument id"),
    # The first failing field in the seed's table order answers.
    ({"paymentType": "", "transactionDetails": {"amount": "ten"}}, "Invalid Transaction amount"),
    ({"transactionDetails": {"amount": "60"}, "disputeAmount": "70"},
     "Dispute amount cannot be higher than transaction amount"),
])
def test_bad_values_get_the_create_messages(api, dispute, body, message):
    assert refused(update(api, dispute, body)) == message
    case = Case.objects.get(pk=dispute.pk)
    assert case.version == dispute.version
    assert not CaseEvent.objects.filter(case=case, kind="edit").exists()


def test_a_failing_dispute_field_undoes_the_transaction_fields(write_api, dispute):
    # A write key may correct the transaction but not move due dates: the second service call fails.
    body = {"transactionDetails": {"amount": 2000}, "merchantDetails": {"name": "Renamed"}, "dueDate": "2024-01-31"}
    response = update(write_api, dispute, body)
    assert (response.status_code, response.json()["message"]) == (401, "Unauthorized access")

    txn = Transaction.objects.get(pk=dispute.transaction_id)
    assert (txn.amount, txn.merchant.name) == (100100, "Anand Stores")
    assert Case.objects.get(pk=dispute.pk).version == dispute.version
    assert not CaseEvent.objects.filter(case=dispute, kind="edit").exists()


def test_a_write_key_may_correct_the_transaction(write_api, dispute):
    view = updated(write_api, dispute, {"paymentType": "upi", "transactionDetails": {"customerName": "P Raman"}})
    assert (view["paymentType"], view["transactionDetails"]["customerName"]) == ("upi", "P Raman")


def test_a_read_key_may_not(read_api, dispute):
    response = update(read_api, dispute, {"paymentType": "upi"})
    assert (response.status_code, response.json()["message"]) == (401, "Unauthorized access")


def test_a_closed_dispute_is_not_updated(api, dispute):
    assert api.put(f"{BASE}/merchant-won/{dispute.case_id}").status_code == 200
    assert refused(update(api, dispute, {"paymentType": "upi"})) == "Dispute is closed and cannot be updated"
    assert Transaction.objects.get(pk=dispute.transaction_id).payment_type == "cc"


def test_another_programs_dispute_is_no_data_found(other_api, dispute):
    assert refused(update(other_api, dispute, {"paymentType": "upi"})) == "No data found"
    assert Transaction.objects.get(pk=dispute.transaction_id).payment_type == "cc"


def test_the_dispute_amount_is_read_in_the_dispute_currency(api, dispute, program):
    program.default_currency = "KWD"  # a later default does not change a raised dispute's currency
    program.save()
    view = updated(api, dispute, {"transactionDetails": {"amount": "1200.5"}})
    assert view["transactionDetails"]["amount"] == 1200.5
    assert Transaction.objects.get(pk=dispute.transaction_id).amount == 120050
