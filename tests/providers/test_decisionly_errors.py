"""Decisionly errors: each in {"error": {type, code, message, param}} with its HTTP status."""

import pytest

from cases import services
from cases.models import Case, Claim, Transaction
from tests.providers.conftest import load_payload

pytestmark = pytest.mark.django_db
BASE = "/v2/issuer"


def error_of(response, status: int, kind: str = "invalid_request_error") -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(error) == {"type", "code", "message", "param"}
    assert error["type"] == kind
    assert error["message"]
    return error


def without(body: dict, dotted: str) -> dict:
    node = body
    *parents, last = dotted.split(".")
    for part in parents:
        node = node[part]
    del node[last]
    return body


def seed() -> dict:
    return load_payload("decisionly", "create_case_request.json")


@pytest.mark.parametrize("param", ["reason", "cardholder", "merchant", "transaction", "dispute"])
def test_required_field_missing(api, param):
    error = error_of(api.post(f"{BASE}/cases", without(seed(), param)), 400)
    assert (error["code"], error["param"]) == ("parameter_missing", param)
    assert param in error["message"]
    assert not Case.objects.exists()


@pytest.mark.parametrize("param", ["transaction.amount", "transaction.date", "transaction.currency"])
def test_a_new_transaction_must_be_described(api, param):
    error = error_of(api.post(f"{BASE}/cases", without(seed(), param)), 400)
    assert error["param"] == param
    assert not Transaction.objects.exists()


def test_arn_or_switch_serial_number_is_required(api):
    body = without(without(seed(), "transaction.arn"), "transaction.switch_serial_number")
    error = error_of(api.post(f"{BASE}/cases", body), 400)
    assert (error["code"], error["param"]) == ("parameter_missing", "transaction.arn")
    assert "switch_serial_number" in error["message"]


@pytest.mark.parametrize(("change", "param"), [
    ({"reason": "unhappy"}, "reason"),
    ({"reason": 7}, "reason"),
    ({"cardholder": "Susie"}, "cardholder"),
    ({"case_id": "has spaces"}, "case_id"),
    ({"case_id": "c" * 127}, "case_id"),
    ({"case_id": 12}, "case_id"),
    ({"custom_fields": {"k": 1}}, "custom_fields.k"),
    ({"custom_fields": {f"k{i}": "v" for i in range(26)}}, "custom_fields"),
    ({"issuer_evidence": ["not", "an", "object"]}, "issuer_evidence"),
])
def test_invalid_top_level_fields(api, change, param):
    body = seed()
    body.update(change)
    error = error_of(api.post(f"{BASE}/cases", body), 400)
    assert error["param"] == param


@pytest.mark.parametrize(("section", "field", "value", "param"), [
    ("transaction", "amount", 2.5, "transaction.amount"),
    ("transaction", "amount", -1, "transaction.amount"),
    ("transaction", "amount", "299", "transaction.amount"),
    ("transaction", "amount", 10**30, "transaction.amount"),
    ("transaction", "currency", "ZZZ", "transaction.currency"),
    ("transaction", "date", "26/11/2025", "transaction.date"),
    ("transaction", "date", "2999-01-01T00:00:00Z", "transaction.date"),
    ("transaction", "system", "triple_message", "transaction.system"),
    ("dispute", "amount", 300, "dispute.amount"),
    ("dispute", "amount", 0, "dispute.amount"),
    ("dispute", "currency", "EUR", "dispute.currency"),
    ("dispute", "raised_by", "merchant", "dispute.raised_by"),
    ("merchant", "category_code", "57A4", "merchant.category_code"),
    ("merchant", "name", "x" * 201, "merchant.name"),
    ("cardholder", "type", "robot", "cardholder.type"),
    ("cardholder", "name", "Susie\x07", "cardholder.name"),
])
def test_invalid_nested_fields(api, section, field, value, param):
    body = seed()
    body[section][field] = value
    error = error_of(api.post(f"{BASE}/cases", body), 400)
    assert error["param"] == param
    assert not Case.objects.exists()


@pytest.mark.parametrize(("field", "value", "param"), [
    ("last4", "42", "transaction.card.last4"),
    ("expiry_month", 13, "transaction.card.expiry_month"),
    ("network", "carrier-pigeon", "transaction.card.network"),
])
def test_invalid_card_fields(api, field, value, param):
    body = seed()
    body["transaction"]["card"][field] = value
    assert error_of(api.post(f"{BASE}/cases", body), 400)["param"] == param


def test_unknown_country(api):
    body = seed()
    body["cardholder"]["billing_address"]["country"] = "QQ"
    error = error_of(api.post(f"{BASE}/cases", body), 400)
    assert (error["code"], error["param"]) == ("invalid_country", "cardholder.billing_address.country")


def test_program_id_of_another_program_is_refused(api, other_program):
    body = seed()
    body["program_id"] = other_program.program_id
    error = error_of(api.post(f"{BASE}/cases", body), 400)
    assert error["param"] == "program_id"
    assert not Case.objects.exists()


def test_taken_case_id_is_409(api):
    body = seed()
    body["case_id"] = "case_abc123"
    assert api.post(f"{BASE}/cases", body).status_code == 201
    other = seed()
    other["case_id"] = "case_abc123"
    other["transaction"].update(arn="1" * 23, switch_serial_number="1")
    error = error_of(api.post(f"{BASE}/cases", other), 409)
    assert (error["code"], error["param"]) == ("case_id_taken", "case_id")


def test_second_case_on_the_same_transaction_is_409_naming_the_open_case(api):
    first = api.post(f"{BASE}/cases", seed()).json()
    error = error_of(api.post(f"{BASE}/cases", seed()), 409)
    assert error["code"] == "open_case_exists"
    assert first["case_id"] in error["message"]
    assert Case.objects.count() == 1


@pytest.mark.parametrize("client_name", ["anonymous", "bad_key"])
def test_authentication_error(client_name, anonymous, request):
    from tests.conftest import DoorClient

    client = anonymous if client_name == "anonymous" else DoorClient("abcdefgh.not-a-real-secret")
    error = error_of(client.post(f"{BASE}/cases", seed()), 401, "authentication_error")
    assert error["code"] == "invalid_api_key"


def test_unknown_case_is_404(api):
    for response in (api.get(f"{BASE}/cases/case_missing"), api.put(f"{BASE}/cases/case_missing", {}),
                     api.post(f"{BASE}/cases/case_missing/file", {"file_mode": "auto"})):
        assert error_of(response, 404)["code"] == "resource_missing"


def test_another_program_case_is_404(api, other_api):
    case_id = api.post(f"{BASE}/cases", seed()).json()["case_id"]
    assert error_of(other_api.get(f"{BASE}/cases/{case_id}"), 404)["code"] == "resource_missing"
    assert error_of(other_api.put(f"{BASE}/cases/{case_id}", {"custom_fields": {"a": "b"}}), 404)
    assert error_of(other_api.post(f"{BASE}/claims", {"case_ids": [case_id]}), 404)["param"] == "case_ids"
    assert Case.objects.get(case_id=case_id).custom_fields == seed()["custom_fields"]


@pytest.mark.parametrize(("body", "code"), [({}, "parameter_missing"), ({"file_mode": "eventually"}, "parameter_invalid")])
def test_file_mode_is_checked(api, body, code):
    case_id = api.post(f"{BASE}/cases", seed()).json()["case_id"]
    error = error_of(api.post(f"{BASE}/cases/{case_id}/file", body), 400)
    assert (error["code"], error["param"]) == (code, "file_mode")


def test_filing_twice_is_409(api, program):
    from tests.factories import TransactionFactory

    txn = TransactionFactory(program=program, arn="6" * 23)
    body = seed()
    body["transaction"].update(arn=txn.arn, switch_serial_number="")
    case_id = api.post(f"{BASE}/cases", body).json()["case_id"]
    assert api.post(f"{BASE}/cases/{case_id}/file", {"file_mode": "chargeback"}).status_code == 202
    error = error_of(api.post(f"{BASE}/cases/{case_id}/file", {"file_mode": "chargeback"}), 409)
    assert error["code"] == "transition_not_allowed"


def test_a_write_key_may_not_file(write_api):
    case_id = write_api.post(f"{BASE}/cases", seed()).json()["case_id"]
    error = error_of(write_api.post(f"{BASE}/cases/{case_id}/file", {"file_mode": "chargeback"}), 403)
    assert error["code"] == "permission_denied"


@pytest.mark.parametrize(("body", "status", "param"), [
    ({}, 400, "case_ids"),
    ({"case_ids": []}, 400, "case_ids"),
    ({"case_ids": "case_1"}, 400, "case_ids"),
    ({"case_ids": ["case_nope"]}, 404, "case_ids"),
])
def test_claim_errors(api, body, status, param):
    assert error_of(api.post(f"{BASE}/claims", body), status)["param"] == param
    assert not Claim.objects.exists()


def test_claim_id_taken_is_409(api):
    case_id = api.post(f"{BASE}/cases", seed()).json()["case_id"]
    assert api.post(f"{BASE}/claims", {"case_ids": [case_id], "claim_id": "claim_1"}).status_code == 201
    error = error_of(api.post(f"{BASE}/claims", {"case_ids": [case_id], "claim_id": "claim_1"}), 409)
    assert error["param"] == "claim_id"


def test_unknown_claim_is_404(api):
    assert error_of(api.put(f"{BASE}/claims/claim_nope/cases", {"case_ids": ["x"]}), 404)["code"] == "resource_missing"


@pytest.mark.parametrize(("query", "code"), [
    ("limit=0", "parameter_invalid"), ("limit=101", "parameter_invalid"), ("limit=ten", "parameter_invalid"),
    ("starting_after=a&ending_before=b", "parameter_invalid"), ("starting_after=case_nope", "invalid_cursor"),
    ("ending_before=not%20an%20id", "invalid_cursor"),
])
def test_bad_pagination(api, query, code):
    assert error_of(api.get(f"{BASE}/cases?{query}"), 400)["code"] == code


@pytest.mark.parametrize("raw", ["{not json", "[]", "", "42"])
def test_malformed_body(api, raw):
    assert error_of(api.post(f"{BASE}/cases", raw=raw), 400)["code"] == "malformed_body"


def test_nul_characters_are_refused_not_stored(api):
    body = seed()
    body["issuer_evidence"]["cardholder_explanation"] = "nothing\u0000arrived"
    error = error_of(api.post(f"{BASE}/cases", body), 400)
    assert error["param"] == "issuer_evidence.cardholder_explanation"


def test_unexpected_failure_is_api_error(api, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "case_create", broken)
    error = error_of(api.post(f"{BASE}/cases", seed()), 500, "api_error")
    assert "boom" not in error["message"]


def test_unknown_path_and_method(api):
    assert error_of(api.get(f"{BASE}/nothing-here"), 404)["code"] == "resource_missing"
    response = api.send("DELETE", f"{BASE}/cases")
    assert error_of(response, 405)["code"] == "method_not_allowed"
    assert response["Allow"] == "GET, POST"
