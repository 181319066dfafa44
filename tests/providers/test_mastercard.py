"""Mastercard Processing Dispute dialect: the documented calls, golden payloads field by field."""

import base64

import pytest

from cases.choices import CaseStatus, EventKind, Source
from cases.models import Case, CaseEvent, Evidence
from tests.factories import TransactionFactory
from tests.providers.conftest import load_payload

pytestmark = pytest.mark.django_db
BASE = "/global-processing/dispute"


def golden(name: str) -> dict:
    return load_payload("mastercard", name)


@pytest.fixture
def sandbox_transaction(program):
    """The sandbox's financial document 30004: 200.00 USD on a Mastercard card."""
    return TransactionFactory(program=program, financial_document_id=30004, amount=20000, currency="USD",
                              card_network="mastercard")


@pytest.fixture
def created(api, sandbox_transaction):
    response = api.post(f"{BASE}/cases", golden("create_case_request.json"))
    assert response.status_code == 201, response.content
    return Case.objects.get(number=response.json()["caseId"])


def test_create_case_matches_the_documented_response(api, sandbox_transaction):
    response = api.post(f"{BASE}/cases", golden("create_case_request.json"))

    assert response.status_code == 201
    body, documented = response.json(), golden("create_case_response.json")
    assert set(body) == set(documented)
    assert isinstance(body["caseId"], int)  # generated; the documentation shows 80001
    case = Case.objects.get(number=body["caseId"])
    assert response["Location"] == f"{BASE}/cases/{case.number}"
    assert case.source == Source.MASTERCARD
    assert case.transaction == sandbox_transaction
    assert (case.network, case.network_reason_code, case.reason) == ("mastercard", "4837", "fraud")


def test_case_is_for_the_entire_transaction_amount(created, sandbox_transaction):
    assert (created.disputed_amount, created.currency) == (sandbox_transaction.amount, "USD")


def test_case_comments_are_kept_whole_and_as_custom_fields(created):
    assert created.comments == golden("create_case_request.json")["caseComments"]
    assert created.custom_fields == {"transactionDate": "2020-06-05", "disputedAmount": "202.35",
                                     "caseComments": "Product not delivered"}
    event = CaseEvent.objects.get(case=created, kind=EventKind.CREATED)
    assert event.note == created.comments
    assert event.actor.startswith("api_key:")


def test_financial_document_id_as_a_digit_string_is_accepted(api, sandbox_transaction):
    response = api.post(f"{BASE}/cases", {"financialDocumentId": "30004", "reasonCode": "4837"})
    assert response.status_code == 201


def test_change_trusted_amount_matches_the_documented_response(api, created):
    response = api.post(f"{BASE}/cases/{created.number}/trusted-amounts", golden("change_trusted_amount_request.json"))

    assert response.status_code == 200, response.content
    body, documented = response.json(), golden("change_trusted_amount_response.json")
    assert set(body) == set(documented)
    assert body["caseActionDescription"] == documented["caseActionDescription"]
    assert body["caseNumber"] == f"D{created.number}"  # "D" + caseId, as documented ("D80001")
    event = CaseEvent.objects.get(pk=body["caseActionId"])
    assert (event.case_id, event.kind) == (created.number, EventKind.AMOUNT)
    assert event.changes["disputed_amount"] == {"before": 20000, "after": 15000}
    assert event.changes["reason_code"] == "4837"
    assert event.note == "lastContactDate=2020-06-10"
    created.refresh_from_db()
    assert created.disputed_amount == 15000  # the new total, not a difference


def test_trusted_amount_uses_the_currency_exponent(api, program):
    yen = TransactionFactory(program=program, amount=5000, currency="JPY", card_network="mastercard")
    number = api.post(f"{BASE}/cases", {"financialDocumentId": yen.financial_document_id,
                                        "reasonCode": "4853"}).json()["caseId"]

    response = api.post(f"{BASE}/cases/{number}/trusted-amounts", {"currency": "JPY", "newAmount": 1200})

    assert response.status_code == 200
    assert Case.objects.get(number=number).disputed_amount == 1200


def test_trusted_amount_may_equal_the_transaction_amount(api, created):
    response = api.post(f"{BASE}/cases/{created.number}/trusted-amounts", {"currency": "USD", "newAmount": 200})
    assert response.status_code == 200


def test_add_file_matches_the_documented_response(api, created):
    response = api.post(f"{BASE}/cases/{created.number}/attachments", golden("add_file_request.json"))

    assert response.status_code == 200, response.content
    body, documented = response.json(), golden("add_file_response.json")
    assert set(body) == set(documented)
    assert body["caseActionDescription"] == "Add File"
    assert body["caseNumber"] == f"D{created.number}"
    evidence = Evidence.objects.get(case=created)
    assert (evidence.original_name, evidence.content_type, evidence.description) == (
        "receipt.pdf", "application/pdf", "Cardholder receipt")
    event = CaseEvent.objects.get(pk=body["caseActionId"])
    assert (event.kind, event.changes["evidence_id"]) == (EventKind.EVIDENCE, evidence.pk)


def test_the_same_file_twice_answers_with_the_first_action(api, created):
    first = api.post(f"{BASE}/cases/{created.number}/attachments", golden("add_file_request.json")).json()
    second = api.post(f"{BASE}/cases/{created.number}/attachments", golden("add_file_request.json")).json()

    assert second["caseActionId"] == first["caseActionId"]
    assert Evidence.objects.filter(case=created).count() == 1


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("scan.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64, "image/jpeg"),
    ("scan.tiff", b"II*\x00\x08\x00\x00\x00" + b"\x00" * 64, "image/tiff"),
])
def test_jpg_and_tiff_are_accepted(api, created, name, content, content_type):
    body = {"actionCode": "DSP_ADD_FILE", "file": {"name": name, "bytes": base64.b64encode(content).decode()}}
    response = api.post(f"{BASE}/cases/{created.number}/attachments", body)
    assert response.status_code == 200, response.content
    assert Evidence.objects.get(case=created).content_type == content_type


def test_retrieve_status_matches_the_documented_response(api, created):
    response = api.get(f"{BASE}/cases/{created.number}")

    assert response.status_code == 200
    body, documented = response.json(), golden("retrieve_status_response.json")
    assert set(body) == set(documented)
    assert body["caseId"] == created.number
    for field in ("caseStatus", "reasonCode", "reasonDescription"):
        assert body[field] == documented[field], field
    # caseStep's value list is only in the unpublished OAS file: ours is the status's label.
    assert body["caseStep"] == "Created"


def test_status_of_a_closed_case_is_c(api, created, manage_key):
    from cases import services
    from cases.actors import Actor

    services.case_transition(case=created, transition="withdraw", actor=Actor.for_api_key(manage_key[0]))
    body = api.get(f"{BASE}/cases/{created.number}").json()
    assert (body["caseStatus"], body["caseStep"]) == ("C", "Withdrawn")
    assert Case.objects.get(pk=created.pk).status == CaseStatus.WITHDRAWN


def test_paths_have_no_trailing_slash(api, sandbox_transaction):
    response = api.post(f"{BASE}/cases/", golden("create_case_request.json"))
    assert response.status_code == 404
    assert response.json()["Errors"]["Error"][0]["ReasonCode"] == "NOT_FOUND"
    assert not Case.objects.exists()
