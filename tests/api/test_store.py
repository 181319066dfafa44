"""The transaction store, parties, claims and reason codes."""

import pytest

from cases.models import Cardholder, Claim, Merchant, Transaction
from tests.api.conftest import assert_problem, case_payload, transaction_payload
from tests.factories import TransactionFactory, make_case

pytestmark = pytest.mark.django_db


def test_record_a_transaction_with_its_parties(api, program):
    body = transaction_payload()
    response = api.post("/api/v1/transactions", body)
    assert response.status_code == 201, response.content
    txn = response.json()
    assert txn["financial_document_id"] > 0 and txn["status"] == "success"
    assert (txn["external_id"], txn["gateway_order_id"], txn["payment_type"]) == (
        body["external_id"], body["gateway_order_id"], "card")
    assert txn["merchant"]["issuer_id"] == body["merchant"]["issuer_id"]
    assert txn["cardholder"]["email"] == "arjun@example.com"
    stored = Transaction.objects.get(financial_document_id=txn["financial_document_id"])
    assert stored.program == program and stored.card_last4 == "1881"
    again = api.post("/api/v1/transactions", body)
    assert again.status_code == 200 and again.json()["financial_document_id"] == txn["financial_document_id"]
    assert Transaction.objects.count() == 1


def test_parties_are_matched_by_issuer_id(api):
    first = transaction_payload()
    second = transaction_payload(merchant=first["merchant"])
    api.post("/api/v1/transactions", first)
    api.post("/api/v1/transactions", second)
    assert Merchant.objects.count() == 1 and Cardholder.objects.count() == 2


def test_given_financial_document_id_is_kept_and_read_back(api, other_api):
    response = api.post("/api/v1/transactions", transaction_payload(financial_document_id=777))
    assert response.status_code == 201
    detail = api.get("/api/v1/transactions/777")
    assert detail.status_code == 200 and detail.json()["arn"] == response.json()["arn"]
    assert_problem(other_api.get("/api/v1/transactions/777"), 404, "not_found")
    assert_problem(api.get("/api/v1/transactions/778"), 404)


@pytest.mark.parametrize("mutate, field", [
    (lambda b: b.update(amount=0), "amount"),
    (lambda b: b.update(status="pending"), "status"),
    (lambda b: b.update(date="2999-01-01T00:00:00Z"), "date"),
    (lambda b: b.update(financial_document_id=-4), "financial_document_id"),
    (lambda b: b["card"].update(last4="42a2"), "card.last4"),
    (lambda b: b["merchant"].update(category_code="57"), "merchant.category_code"),
    (lambda b: b.update(merchant="FoodHub"), "merchant"),
])
def test_transaction_bad_input(api, mutate, field):
    body = transaction_payload()
    mutate(body)
    problem = assert_problem(api.post("/api/v1/transactions", body), 422)
    assert field in [e["field"] for e in problem["errors"]]
    assert not Transaction.objects.exists()


def test_transaction_list_is_scoped_paged_and_filterable(api, program, other_program):
    mine = [TransactionFactory(program=program) for _ in range(3)]
    TransactionFactory(program=other_program)
    page = api.get("/api/v1/transactions", {"limit": 2}).json()
    assert page["has_more"] is True
    assert [t["financial_document_id"] for t in page["data"]] == [t.financial_document_id for t in mine[::-1][:2]]
    rest = api.get("/api/v1/transactions", {"starting_after": page["data"][-1]["financial_document_id"]}).json()
    assert [t["financial_document_id"] for t in rest["data"]] == [mine[0].financial_document_id]
    assert rest["has_more"] is False
    by_arn = api.get("/api/v1/transactions", {"arn": mine[1].arn}).json()
    assert [t["financial_document_id"] for t in by_arn["data"]] == [mine[1].financial_document_id]
    assert_problem(api.get("/api/v1/transactions", {"arn": "a\x00b"}), 400)


def test_merchants_and_cardholders(api, program, other_program):
    txn = TransactionFactory(program=program)
    TransactionFactory(program=other_program)
    merchants = api.get("/api/v1/merchants").json()
    assert [m["issuer_id"] for m in merchants["data"]] == [txn.merchant.external_id]
    assert merchants["data"][0]["id"] == txn.merchant.pk
    cardholders = api.get("/api/v1/cardholders", {"issuer_id": txn.cardholder.external_id}).json()
    assert [c["name"] for c in cardholders["data"]] == [txn.cardholder.name]
    assert api.get("/api/v1/cardholders", {"issuer_id": "nobody"}).json()["data"] == []
    assert_problem(api.get("/api/v1/merchants", {"limit": 0}), 400, "invalid_request")


def test_claims(api, other_api, program):
    one, two = make_case(program), make_case(program)
    response = api.post("/api/v1/claims", {"case_ids": [one.case_id, two.case_id], "claim_id": "claim-1"})
    assert response.status_code == 201, response.content
    claim = response.json()
    assert claim["claim_id"] == "claim-1" and claim["status"] == "open"
    assert sorted(c["case_id"] for c in claim["cases"]) == sorted([one.case_id, two.case_id])
    assert api.get(f"/api/v1/cases/{one.case_id}").json()["claim_id"] == "claim-1"
    assert [c["claim_id"] for c in api.get("/api/v1/claims").json()["data"]] == ["claim-1"]
    assert api.get("/api/v1/claims/claim-1").json()["claim_id"] == "claim-1"
    assert_problem(other_api.get("/api/v1/claims/claim-1"), 404)
    assert other_api.get("/api/v1/claims").json()["data"] == []
    assert_problem(other_api.post("/api/v1/claims", {"case_ids": [one.case_id]}), 404, "not_found")


@pytest.mark.parametrize("body", [{}, {"case_ids": []}, {"case_ids": "abc"}, {"case_ids": [1]},
                                  {"case_ids": ["x"], "claim_id": "bad id"}, {"case_ids": ["a\x00"]}])
def test_claim_bad_input(api, program, body):
    assert_problem(api.post("/api/v1/claims", body), 422, "validation_error")
    assert not Claim.objects.exists()


def test_reason_codes(api):
    codes = api.get("/api/v1/reason-codes").json()["data"]
    assert {"network": "mastercard", "code": "4855", "reason": "product_not_received",
            "description": "Goods or services not provided"} in codes
    visa = api.get("/api/v1/reason-codes", {"network": "visa"}).json()["data"]
    assert {c["network"] for c in visa} == {"visa"} and len(visa) == 24


def test_case_on_a_recorded_transaction(api):
    txn = api.post("/api/v1/transactions", transaction_payload()).json()
    response = api.post("/api/v1/cases", {"financial_document_id": txn["financial_document_id"], "reason": "fraud",
                                          "dispute": {"amount": 100}})
    assert response.status_code == 201
    assert response.json()["network_reason_code"] == "10.4"
    duplicate = api.post("/api/v1/cases", case_payload(financial_document_id=txn["financial_document_id"]))
    assert_problem(duplicate, 409, "open_case_exists")
