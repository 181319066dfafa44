"""Every Mastercard error code, each produced by a request that triggers it, in the Errors envelope."""

import base64

import pytest

from cases import services
from cases.actors import Actor
from cases.models import Case, Evidence
from tests.factories import TransactionFactory

pytestmark = pytest.mark.django_db
BASE = "/global-processing/dispute"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n"


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    errors = response.json()["Errors"]["Error"]
    assert errors, "at least one error"
    for error in errors:
        assert set(error) == {"Source", "ReasonCode", "Description", "Recoverable", "Details"}
        assert error["Source"] == "DISPUTES"
        assert error["Details"] is None
        assert error["Description"]
    return errors[0]


@pytest.fixture
def case(api, stored_transaction):
    response = api.post(f"{BASE}/cases", {"financialDocumentId": stored_transaction.financial_document_id,
                                          "reasonCode": "4837"})
    return Case.objects.get(number=response.json()["caseId"])


def file_body(content: bytes = PDF, **overrides) -> dict:
    body = {"actionCode": "DSP_ADD_FILE", "file": {"name": "a.pdf", "bytes": base64.b64encode(content).decode()}}
    body.update(overrides)
    return body


@pytest.mark.parametrize(("body", "field"), [
    ({"reasonCode": "4837"}, "financialDocumentId"),
    ({"financialDocumentId": 30000}, "reasonCode"),
    ({"financialDocumentId": 30000, "reasonCode": ""}, "reasonCode"),
])
def test_create_missing_required_field(api, stored_transaction, body, field):
    error = error_of(api.post(f"{BASE}/cases", body), 400)
    assert error["ReasonCode"] == "MISSING_REQUIRED_FIELD"
    assert field in error["Description"]
    assert not Case.objects.exists()


@pytest.mark.parametrize("body", [
    {"financialDocumentId": "abc", "reasonCode": "4837"},
    {"financialDocumentId": -5, "reasonCode": "4837"},
    {"financialDocumentId": True, "reasonCode": "4837"},
    {"financialDocumentId": 2**70, "reasonCode": "4837"},
    {"financialDocumentId": 30000, "reasonCode": "4837", "caseComments": ["not", "text"]},
    {"financialDocumentId": 30000, "reasonCode": "4837", "caseComments": "x" * 5001},
])
def test_create_invalid_field_value(api, stored_transaction, body):
    assert error_of(api.post(f"{BASE}/cases", body), 400)["ReasonCode"] == "INVALID_FIELD_VALUE"


@pytest.mark.parametrize("code", ["9999", "10.4", ["4837"], "48 37"])
def test_create_invalid_reason_code(api, stored_transaction, code):
    body = {"financialDocumentId": stored_transaction.financial_document_id, "reasonCode": code}
    assert error_of(api.post(f"{BASE}/cases", body), 400)["ReasonCode"] == "INVALID_REASON_CODE"


def test_create_financial_document_not_found(api, stored_transaction):
    error = error_of(api.post(f"{BASE}/cases", {"financialDocumentId": 99999, "reasonCode": "4837"}), 404)
    assert error["ReasonCode"] == "FINANCIAL_DOCUMENT_NOT_FOUND"
    assert "99999" in error["Description"]


def test_another_open_case_already_exists(api, case, stored_transaction):
    body = {"financialDocumentId": stored_transaction.financial_document_id, "reasonCode": "4853"}
    error = error_of(api.post(f"{BASE}/cases", body), 400)
    assert error["ReasonCode"] == "ANOTHER_OPEN_CASE_ALREADY_EXISTS"
    assert error["Description"] == (f"Another open case with id {case.number} for the financial document "
                                    f"{stored_transaction.financial_document_id} already exists")
    assert Case.objects.count() == 1


def test_a_closed_case_does_not_block_a_new_one(api, case, stored_transaction, manage_key):
    services.case_transition(case=case, transition="withdraw", actor=Actor.for_api_key(manage_key[0]))
    body = {"financialDocumentId": stored_transaction.financial_document_id, "reasonCode": "4837"}
    assert api.post(f"{BASE}/cases", body).status_code == 201


@pytest.mark.parametrize("path", ["cases/999999", "cases/abc", "cases/0", "cases/99999999999999999999999"])
def test_case_not_found(api, path):
    assert error_of(api.get(f"{BASE}/{path}"), 404)["ReasonCode"] == "CASE_NOT_FOUND"


def test_case_not_found_on_actions(api):
    for action, body in (("trusted-amounts", {"currency": "USD", "newAmount": 1}), ("attachments", file_body())):
        assert error_of(api.post(f"{BASE}/cases/424242/{action}", body), 404)["ReasonCode"] == "CASE_NOT_FOUND"


@pytest.mark.parametrize(("body", "field"), [
    ({"newAmount": 10}, "currency"),
    ({"currency": "USD"}, "newAmount"),
])
def test_trusted_amount_missing_required_field(api, case, body, field):
    error = error_of(api.post(f"{BASE}/cases/{case.number}/trusted-amounts", body), 400)
    assert (error["ReasonCode"], field in error["Description"]) == ("MISSING_REQUIRED_FIELD", True)


@pytest.mark.parametrize("amount", [0, -1, 200.01, 10.001, "150", True, 1e300])
def test_trusted_amount_invalid_amount(api, case, amount):
    response = api.post(f"{BASE}/cases/{case.number}/trusted-amounts", {"currency": "USD", "newAmount": amount})
    assert error_of(response, 400)["ReasonCode"] == "INVALID_AMOUNT"
    case.refresh_from_db()
    assert case.disputed_amount == 20000


@pytest.mark.parametrize("currency", ["EUR", "ZZZ", 840, "usdollar"])
def test_trusted_amount_invalid_currency(api, case, currency):
    response = api.post(f"{BASE}/cases/{case.number}/trusted-amounts", {"currency": currency, "newAmount": 10})
    assert error_of(response, 400)["ReasonCode"] == "INVALID_CURRENCY"


def test_trusted_amount_invalid_reason_code(api, case):
    body = {"currency": "USD", "newAmount": 10, "reasonCode": "13.1"}
    response = api.post(f"{BASE}/cases/{case.number}/trusted-amounts", body)
    assert error_of(response, 400)["ReasonCode"] == "INVALID_REASON_CODE"


def test_trusted_amount_on_a_closed_case(api, case, manage_key):
    services.case_transition(case=case, transition="withdraw", actor=Actor.for_api_key(manage_key[0]))
    response = api.post(f"{BASE}/cases/{case.number}/trusted-amounts", {"currency": "USD", "newAmount": 10})
    assert error_of(response, 400)["ReasonCode"] == "CASE_CLOSED"


@pytest.mark.parametrize(("body", "field"), [
    ({"file": {"name": "a.pdf", "bytes": base64.b64encode(PDF).decode()}}, "actionCode"),
    ({"actionCode": "DSP_ADD_FILE"}, "file"),
    ({"actionCode": "DSP_ADD_FILE", "file": {"bytes": base64.b64encode(PDF).decode()}}, "name"),
    ({"actionCode": "DSP_ADD_FILE", "file": {"name": "a.pdf"}}, "bytes"),
])
def test_attachment_missing_required_field(api, case, body, field):
    error = error_of(api.post(f"{BASE}/cases/{case.number}/attachments", body), 400)
    assert (error["ReasonCode"], field in error["Description"]) == ("MISSING_REQUIRED_FIELD", True)


@pytest.mark.parametrize("body", [
    file_body(actionCode="DSP ADD; FILE"),
    file_body(actionCode=7),
    {"actionCode": "DSP_ADD_FILE", "file": "a.pdf"},
])
def test_attachment_invalid_field_value(api, case, body):
    error = error_of(api.post(f"{BASE}/cases/{case.number}/attachments", body), 400)
    assert error["ReasonCode"] == "INVALID_FIELD_VALUE"


@pytest.mark.parametrize("body", [
    file_body(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),  # PNG: not jpg, tiff or pdf
    file_body(b"just some text pretending to be a pdf"),
    file_body(PDF + b"\x00" * (1024 * 1024)),  # over 1 MB decoded
    {"actionCode": "DSP_ADD_FILE", "file": {"name": "a.pdf", "bytes": "not base64!!"}},
    {"actionCode": "DSP_ADD_FILE", "file": {"name": "a.pdf", "bytes": 12}},
])
def test_attachment_invalid_file(api, case, body):
    error = error_of(api.post(f"{BASE}/cases/{case.number}/attachments", body), 400)
    assert error["ReasonCode"] == "INVALID_FILE"
    assert not Evidence.objects.exists()


def test_unauthorized_without_a_key(anonymous, stored_transaction):
    body = {"financialDocumentId": stored_transaction.financial_document_id, "reasonCode": "4837"}
    error = error_of(anonymous.post(f"{BASE}/cases", body), 401)
    assert error["ReasonCode"] == "UNAUTHORIZED"


def test_a_read_key_may_not_create(read_api, stored_transaction):
    body = {"financialDocumentId": stored_transaction.financial_document_id, "reasonCode": "4837"}
    assert error_of(read_api.post(f"{BASE}/cases", body), 403)["ReasonCode"] == "FORBIDDEN"
    assert not Case.objects.exists()


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", "", "null", '"text"'])
def test_malformed_body(api, raw):
    assert error_of(api.post(f"{BASE}/cases", raw=raw), 400)["ReasonCode"] == "INVALID_FIELD_VALUE"


def test_wrong_method(api):
    response = api.send("DELETE", f"{BASE}/cases")
    assert error_of(response, 405)["ReasonCode"] == "METHOD_NOT_ALLOWED"
    assert response["Allow"] == "POST"


def test_unexpected_failure_answers_in_the_envelope(api, stored_transaction, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(services, "case_create", broken)
    body = {"financialDocumentId": stored_transaction.financial_document_id, "reasonCode": "4837"}
    response = api.post(f"{BASE}/cases", body)
    error = error_of(response, 500)
    assert (error["ReasonCode"], error["Recoverable"]) == ("INTERNAL_SERVER_ERROR", True)
    assert "fire" not in response.content.decode()


def test_another_program_transaction_is_not_found(other_api, stored_transaction):
    body = {"financialDocumentId": stored_transaction.financial_document_id, "reasonCode": "4837"}
    error = error_of(other_api.post(f"{BASE}/cases", body), 404)
    assert error["ReasonCode"] == "FINANCIAL_DOCUMENT_NOT_FOUND"


def test_another_program_case_is_not_found(other_api, case):
    assert error_of(other_api.get(f"{BASE}/cases/{case.number}"), 404)["ReasonCode"] == "CASE_NOT_FOUND"
    body = {"currency": "USD", "newAmount": 1}
    assert error_of(other_api.post(f"{BASE}/cases/{case.number}/trusted-amounts", body), 404)["ReasonCode"] == (
        "CASE_NOT_FOUND")
    case.refresh_from_db()
    assert case.disputed_amount == 20000


def test_visa_transaction_checks_visa_codes(api, program):
    visa = TransactionFactory(program=program, card_network="visa")
    body = {"financialDocumentId": visa.financial_document_id, "reasonCode": "4837"}
    assert error_of(api.post(f"{BASE}/cases", body), 400)["ReasonCode"] == "INVALID_REASON_CODE"
    body["reasonCode"] = "10.4"
    assert api.post(f"{BASE}/cases", body).status_code == 201
