"""Tutelar create validation: every seed message from a request that triggers it, one clear message for
every other field, checked in the order of the seed's parameter table."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services
from cases.models import Case, Transaction
from tests.conftest import DoorClient
from tests.factories import TransactionFactory
from tests.providers.conftest import load_payload

pytestmark = pytest.mark.django_db
BASE = "/api/v1/dispute"


def filled() -> dict:
    return load_payload("tutelar", "create_request.json")


def set_path(body: dict, dotted: str, value) -> dict:
    node = body
    *parents, last = dotted.split(".")
    for part in parents:
        node = node[part]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return body


DELETE = object()
TOMORROW = (timezone.now() + timedelta(days=1)).date().isoformat()


def refused(response, status: int = 422) -> str:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"success", "code", "message", "data"}
    assert (body["success"], body["code"], body["data"]) == (False, 300, {})
    return body["message"]


# Each seed failure message and a change to the filled sample that triggers it.
SEED_MESSAGE_TRIGGERS = {
    "Please enter your Customer name": ("transactionDetails.customerName", DELETE),
    "Transaction id is missing": ("transactionDetails.id", DELETE),
    "Invalid Internal Due date": ("internalDueDate", "2023-10-01"),
    "Dispute amount cannot be higher than transaction amount": ("disputeAmount", "1001.01"),
    "Only allowed A-Za-z0-9 .,'!&@_ in Comments": ("comments", "refund <now>"),
    "Invalid reason code": ("reasonCode", "10-4"),
    "Only allow uppercase for Acquirer bank code": ("acquirerBankCode", "hdfc"),
    "Please add acquirer bank details": ("acquirerBankCode", DELETE),
    "Please select dispute-tax type": ("disputeAmountTaxDetails.type", "sometimes"),
    "Invalid data received from dispute-tdr amount type": ("disputeAmountTdrDetails.amountType", "flat"),
    "Please Update general configuration": ("level", "level_9"),
    "Transaction date should not be greater than current date": ("transactionDetails.transactionDate", TOMORROW),
}


def seed_failure_messages() -> list[str]:
    return [f["message"].strip() for f in load_payload("tutelar", "failure_responses.json")]


@pytest.mark.parametrize("message", seed_failure_messages())
def test_every_seed_failure_message(api, message):
    if message == "Dispute details already in submitted":
        assert api.post(f"{BASE}/create", filled()).status_code == 201
        assert refused(api.post(f"{BASE}/create", filled())) == message
        assert Case.objects.count() == 1
        return
    path, value = SEED_MESSAGE_TRIGGERS[message]
    assert refused(api.post(f"{BASE}/create", set_path(filled(), path, value))) == message
    assert not Case.objects.exists()


def test_the_seed_generic_errors(api, anonymous, monkeypatch):
    published = {e["message"]: e for e in load_payload("tutelar", "error_responses.json")}
    assert anonymous.post(f"{BASE}/create", filled()).json() == published["Unauthorized access"]
    assert anonymous.post(f"{BASE}/create", filled()).status_code == 401
    assert api.get(f"{BASE}/nowhere").json() == published["Request not found"]
    assert api.get(f"{BASE}/nowhere").status_code == 404

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "case_create", broken)
    response = api.post(f"{BASE}/create", filled())
    assert (response.status_code, response.json()) == (500, published["Something went wrong"])


def test_a_bad_key_is_unauthorized(program):
    client = DoorClient("abcdefgh.wrong-secret", form="basic_split")
    assert refused(client.post(f"{BASE}/create", filled()), 401) == "Unauthorized access"


# Every other field: missing (when required) and invalid, each with one message in the seed's style.
FIELD_CASES = [
    ("transactionDetails", DELETE, "Please add transaction details"),
    ("transactionDetails", "trans_53146", "Please add transaction details"),
    ("transactionDetails.id", {"nested": 1}, "Invalid Transaction id"),
    ("transactionDetails.customerName", "Priya\x07", "Invalid Customer name"),
    ("transactionDetails.customerEmail", "priya-at-example", "Invalid Customer email"),
    ("transactionDetails.customerMobile", "call me", "Invalid Customer mobile"),
    ("transactionDetails.amount", DELETE, "Please enter your Transaction amount"),
    ("transactionDetails.amount", "ten", "Invalid Transaction amount"),
    ("transactionDetails.amount", -5, "Invalid Transaction amount"),
    ("transactionDetails.amount", "10.005", "Invalid Transaction amount"),
    ("transactionDetails.amount", True, "Invalid Transaction amount"),
    ("transactionDetails.transactionDate", DELETE, "Please enter your Transaction date"),
    ("transactionDetails.transactionDate", "11/10/2023", "Invalid Transaction date"),
    ("merchantDetails", DELETE, "Please add merchant details"),
    ("merchantDetails.id", DELETE, "Merchant id is missing"),
    ("merchantDetails.id", ["TUT"], "Invalid Merchant id"),
    ("merchantDetails.name", DELETE, "Please enter your Merchant name"),
    ("merchantDetails.name", "x" * 201, "Invalid Merchant name"),
    ("merchantDetails.businessName", 3.5, "Invalid Merchant business name"),
    ("merchantDetails.chargebackEmail", "nobody", "Invalid Merchant chargeback email"),
    ("merchantDetails.mobile", "12", "Invalid Merchant mobile"),
    ("disputeAmount", DELETE, "Please enter your Dispute amount"),
    ("disputeAmount", "lots", "Invalid Dispute amount"),
    ("disputeAmount", 0, "Invalid Dispute amount"),
    ("disputeAmountTdrDetails", "include", "Invalid data received from dispute-tdr details"),
    ("disputeAmountTdrDetails.type", DELETE, "Please select dispute-tdr type"),
    ("disputeAmountTdrDetails.amount", "x", "Invalid data received from dispute-tdr amount"),
    ("disputeAmountTaxDetails.amountType", DELETE, "Invalid data received from dispute-tax amount type"),
    ("disputeAmountTaxDetails.amount", 101, "Invalid data received from dispute-tax amount"),
    ("disputeType", DELETE, "Please select dispute type"),
    ("disputeType", "grumble", "Invalid dispute type"),
    ("internalDueDate", DELETE, "Please enter Internal Due date"),
    ("internalDueDate", "2023-02-30", "Invalid Internal Due date"),
    ("dueDate", "tomorrow", "Invalid Due date"),
    ("level", DELETE, "Please select dispute level"),
    ("paymentType", DELETE, "Please select payment type"),
    ("paymentType", "cc;drop", "Invalid payment type"),
    ("acquirerBankCode", "HD FC", "Invalid Acquirer bank code"),
    ("remitterBank", "x" * 127, "Invalid Remitter bank"),
    ("reasonCode", DELETE, "Please enter reason code"),
    ("reasonCode", "12345678901", "Invalid reason code"),
    ("nodalAccountNo", "09-89", "Invalid Nodal account number"),
    ("gatewayOrderId", DELETE, "Please enter Gateway order id"),
    ("gatewayOrderId", "ORD\n1", "Invalid Gateway order id"),
    ("paymentInstrumentId", DELETE, "Please enter Payment instrument id"),
    ("paymentInstrumentId", {"id": 1}, "Invalid Payment instrument id"),
    ("comments", DELETE, "Please enter Comments"),
    ("comments", "   ", "Please enter Comments"),
]


@pytest.mark.parametrize(("path", "value", "message"), FIELD_CASES, ids=[f"{p}-{m}" for p, _, m in FIELD_CASES])
def test_field_messages(api, path, value, message):
    assert refused(api.post(f"{BASE}/create", set_path(filled(), path, value))) == message
    assert not Case.objects.exists()
    assert not Transaction.objects.exists()


def test_optional_fields_may_be_left_out(api):
    body = filled()
    for name in ("disputeAmountTdrDetails", "disputeAmountTaxDetails", "dueDate", "remitterBank", "nodalAccountNo"):
        del body[name]
    for name in ("customerEmail", "customerMobile"):
        del body["transactionDetails"][name]
    assert api.post(f"{BASE}/create", body).status_code == 201


def test_fields_are_checked_in_the_table_order(api):
    body = filled()
    body["comments"] = "<bad>"
    body["level"] = "level_9"
    body["disputeAmount"] = "abc"
    assert refused(api.post(f"{BASE}/create", body)) == "Invalid Dispute amount"
    body["disputeAmount"] = "10"
    assert refused(api.post(f"{BASE}/create", body)) == "Please Update general configuration"
    body["level"] = "level_2"
    assert refused(api.post(f"{BASE}/create", body)) == "Only allowed A-Za-z0-9 .,'!&@_ in Comments"


def test_internal_due_date_in_the_past_is_accepted(api):
    assert api.post(f"{BASE}/create", set_path(filled(), "internalDueDate", "2023-10-11")).status_code == 201


def test_level_must_be_configured_for_the_program(api, program):
    program.levels = ["level_1", "level_2", "level_3", "level_4"]
    program.save()
    assert api.post(f"{BASE}/create", set_path(filled(), "level", "level_4")).status_code == 201


def test_dispute_above_the_stored_transaction_amount(api, program):
    from datetime import UTC, datetime

    TransactionFactory(program=program, external_id="trans_53146", amount=5000, card_network="",
                       date=datetime(2023, 10, 11, tzinfo=UTC))
    message = refused(api.post(f"{BASE}/create", filled()))
    assert message == "Dispute amount cannot be higher than transaction amount"


def test_a_known_network_checks_its_catalog(api, program):
    from datetime import UTC, datetime

    TransactionFactory(program=program, external_id="trans_53146", amount=100100, card_network="visa",
                       date=datetime(2023, 10, 11, tzinfo=UTC))
    assert refused(api.post(f"{BASE}/create", filled())) == "Invalid reason code"
    assert api.post(f"{BASE}/create", set_path(filled(), "reasonCode", "13.1")).status_code == 201


def test_nul_characters_are_refused(api):
    body = set_path(filled(), "merchantDetails.name", "Anand\u0000Stores")
    assert refused(api.post(f"{BASE}/create", body)) == "Invalid data received"
    assert not Transaction.objects.exists()


@pytest.mark.parametrize("raw", ["{oops", "[]", "", "12"])
def test_malformed_body(api, raw):
    assert refused(api.post(f"{BASE}/create", raw=raw)) == "Invalid data received"


def test_read_key_is_unauthorized(read_api):
    assert refused(read_api.post(f"{BASE}/create", filled()), 401) == "Unauthorized access"


def test_wrong_method_is_request_not_found(api):
    response = api.get(f"{BASE}/create")
    assert refused(response, 404) == "Request not found"
    assert response["Allow"] == "POST"

