"""The three dialects share one store: duplicates across dialects, and the same facts through every door."""

from datetime import UTC, datetime

import pytest

from cases import selectors
from cases.actors import Actor
from cases.models import Case
from tests.factories import TransactionFactory
from tests.providers.conftest import load_payload

pytestmark = pytest.mark.django_db
MASTERCARD, DECISIONLY, TUTELAR = "/global-processing/dispute", "/v2/issuer", "/api/v1/dispute"


def tutelar_body() -> dict:
    return load_payload("tutelar", "create_request.json")


@pytest.fixture
def shared_transaction(program):
    """A stored Mastercard transaction every dialect can name: fdid, external id and ARN."""
    return TransactionFactory(program=program, financial_document_id=30004, external_id="trans_53146",
                              arn="48162855246353338636162", switch_serial_number="242025095", amount=100100,
                              card_network="mastercard", date=datetime(2026, 10, 1, tzinfo=UTC))


def mastercard_create(api, txn):
    return api.post(f"{MASTERCARD}/cases", {"financialDocumentId": txn.financial_document_id, "reasonCode": "4837"})


def decisionly_body(txn) -> dict:
    body = load_payload("decisionly", "create_case_request.json")
    body["transaction"]["date"] = txn.date.isoformat()
    return body


def tutelar_on(txn) -> dict:
    body = tutelar_body()
    body["transactionDetails"]["transactionDate"] = "2026-10-01"
    body["internalDueDate"] = "2026-10-20"
    body["reasonCode"] = "4853"
    return body


def test_tutelar_then_mastercard_names_the_existing_case(api, program):
    created = api.post(f"{TUTELAR}/create", tutelar_body())
    existing = Case.objects.get(case_id=created.json()["data"]["disputeId"])
    document = existing.transaction.financial_document_id

    response = api.post(f"{MASTERCARD}/cases", {"financialDocumentId": document, "reasonCode": "4837"})

    assert response.status_code == 400
    error = response.json()["Errors"]["Error"][0]
    assert error["ReasonCode"] == "ANOTHER_OPEN_CASE_ALREADY_EXISTS"
    assert error["Description"] == (f"Another open case with id {existing.number} for the financial document "
                                    f"{document} already exists")
    assert Case.objects.count() == 1


def test_mastercard_then_tutelar_names_the_existing_case(api, shared_transaction):
    number = mastercard_create(api, shared_transaction).json()["caseId"]
    existing = Case.objects.get(number=number)

    response = api.post(f"{TUTELAR}/create", tutelar_on(shared_transaction))

    assert response.status_code == 422
    assert response.json() == {"success": False, "code": 300, "message": "Dispute details already in submitted",
                               "data": {}}
    assert response["Location"] == f"{TUTELAR}/view/{existing.case_id}"


def test_mastercard_then_decisionly_names_the_existing_case(api, shared_transaction):
    existing = Case.objects.get(number=mastercard_create(api, shared_transaction).json()["caseId"])

    response = api.post(f"{DECISIONLY}/cases", decisionly_body(shared_transaction))

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "open_case_exists"
    assert existing.case_id in error["message"]


def test_decisionly_then_mastercard_names_the_existing_case(api, program):
    case_id = api.post(f"{DECISIONLY}/cases", load_payload("decisionly", "create_case_request.json")).json()["case_id"]
    existing = Case.objects.get(case_id=case_id)
    document = existing.transaction.financial_document_id

    response = api.post(f"{MASTERCARD}/cases", {"financialDocumentId": document, "reasonCode": "4837"})

    assert response.status_code == 400
    assert f"with id {existing.number} for the financial document {document}" in (
        response.json()["Errors"]["Error"][0]["Description"])


def test_decisionly_then_tutelar_on_the_same_transaction(api, shared_transaction):
    existing = api.post(f"{DECISIONLY}/cases", decisionly_body(shared_transaction)).json()["case_id"]
    response = api.post(f"{TUTELAR}/create", tutelar_on(shared_transaction))
    assert response.json()["message"] == "Dispute details already in submitted"
    assert response["Location"] == f"{TUTELAR}/view/{existing}"


@pytest.mark.parametrize("dialect", ["mastercard", "decisionly", "tutelar"])
def test_a_dialect_case_is_visible_through_the_native_api(api, shared_transaction, dialect):
    if dialect == "mastercard":
        case = Case.objects.get(number=mastercard_create(api, shared_transaction).json()["caseId"])
    elif dialect == "decisionly":
        case = Case.objects.get(case_id=api.post(f"{DECISIONLY}/cases", decisionly_body(shared_transaction)).json()[
            "case_id"])
    else:
        response = api.post(f"{TUTELAR}/create", tutelar_on(shared_transaction))
        case = Case.objects.get(case_id=response.json()["data"]["disputeId"])

    native = api.get(f"/api/v1/cases/{case.case_id}")

    assert native.status_code == 200, native.content
    body = native.json()
    assert (body["case_id"], body["number"], body["source"], body["status"]) == (
        case.case_id, case.number, dialect, "created")
    assert (body["dispute"]["amount"], body["dispute"]["currency"], body["reason"]) == (
        case.disputed_amount, "USD", case.reason)
    assert (body["network_reason_code"], body["financial_document_id"]) == (
        case.network_reason_code, shared_transaction.financial_document_id)
    assert body["transaction"]["arn"] == shared_transaction.arn
    assert body["level"] == case.level


def test_a_case_reads_the_same_through_every_door(api, manage_key, shared_transaction):
    """Opened through Mastercard, read through Decisionly, Tutelar, the native API and the selectors."""
    number = mastercard_create(api, shared_transaction).json()["caseId"]
    actor = Actor.for_api_key(manage_key[0])
    case = selectors.case_get(actor, Case.objects.get(number=number).case_id)

    decisionly = api.get(f"{DECISIONLY}/cases/{case.case_id}").json()
    tutelar = api.get(f"{TUTELAR}/view/{case.case_id}").json()["data"]
    mastercard = api.get(f"{MASTERCARD}/cases/{number}").json()
    native = api.get(f"/api/v1/cases/{case.case_id}").json()

    assert (case.disputed_amount, case.currency, case.network_reason_code, case.reason) == (
        100100, "USD", "4837", "fraud")
    assert (decisionly["dispute"]["amount"], decisionly["dispute"]["currency"], decisionly["reason"]) == (
        case.disputed_amount, case.currency, case.reason)
    assert decisionly["transaction"]["arn"] == shared_transaction.arn
    assert (tutelar["disputeAmount"], tutelar["reasonCode"], tutelar["transactionDetails"]["id"]) == (
        1001, "4837", "trans_53146")
    assert (mastercard["reasonCode"], mastercard["caseStatus"]) == ("4837", "A")
    assert decisionly["status"] == case.status and tutelar["status"] == "open"
    for field in ("case_id", "claim_id", "program_id", "reason", "merchant", "issuer_evidence",
                  "custom_fields", "status", "review_status", "created", "chargeback_due_date"):
        assert native[field] == decisionly[field], field
    # The native cardholder adds the regulation facts (account_opened_on, billing_cycle_day).
    assert {k: v for k, v in native["cardholder"].items()
            if k not in ("account_opened_on", "billing_cycle_day")} == decisionly["cardholder"]
    # The dialect adds the newer samples' aliases (dispute.reason, transaction.network_details).
    assert native["dispute"] == {k: v for k, v in decisionly["dispute"].items() if k != "reason"}
    assert native["transaction"] == {k: v for k, v in decisionly["transaction"].items() if k != "network_details"}


def test_tutelar_case_reads_the_same_through_decisionly(api):
    dispute_id = api.post(f"{TUTELAR}/create", tutelar_body()).json()["data"]["disputeId"]
    decisionly = api.get(f"{DECISIONLY}/cases/{dispute_id}").json()
    assert (decisionly["case_id"], decisionly["dispute"]["amount"], decisionly["cardholder"]["name"]) == (
        dispute_id, 10000, "Priya Raman")
    assert decisionly["merchant"]["issuer_id"] == "TUT778t78yt"
