"""GET/POST /api/v1/cases and GET/PATCH /api/v1/cases/{case_id}."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, CaseEvent, Transaction
from tests.api.conftest import assert_problem, case_payload
from tests.conftest import DoorClient, logged_in
from tests.factories import TransactionFactory, make_case

pytestmark = pytest.mark.django_db


def test_create_returns_the_decisionly_shape_plus_native_fields(api, program):
    body = case_payload()
    response = api.post("/api/v1/cases", body)
    assert response.status_code == 201, response.content
    case = response.json()
    assert response["Location"] == f"/api/v1/cases/{case['case_id']}"
    assert response["ETag"] == f'"{case["number"]}-1"'
    for key in ("reason", "issuer_evidence", "custom_fields"):
        assert case[key] == body[key]
    assert case["cardholder"]["billing_address"] == body["cardholder"]["billing_address"]
    assert case["merchant"]["category_code"] == "5734"
    assert case["transaction"]["card"]["last4"] == "4242"
    assert case["transaction"]["amount"] == 2990 and case["dispute"]["amount"] == 2990
    assert case["status"] == "created" and case["review_status"] is None and case["claim_id"] is None
    assert case["program_id"] == "prog_a"
    assert case["chargeback_due_date"].endswith("T00:00:00.000Z")
    assert case["network_reason_code"] == "4855" and case["dispute_type"] == "dispute"
    stored = Case.objects.get(case_id=case["case_id"])
    assert stored.source == "api" and stored.program == program
    event = CaseEvent.objects.get(case=stored)
    assert event.kind == "created" and event.actor.startswith("api_key:") and event.request_id


def test_create_with_native_extensions_on_a_stored_transaction(api, program):
    txn = TransactionFactory(program=program, card_network="visa")
    response = api.post("/api/v1/cases", {
        "financial_document_id": txn.financial_document_id, "network_reason_code": "13.1", "dispute_type": "chargeback",
        "level": "level_2", "internal_due_date": "2099-01-01", "due_date": "2099-02-01", "case_id": "my-case-1"})
    assert response.status_code == 201, response.content
    case = response.json()
    assert (case["case_id"], case["reason"], case["network_reason_code"]) == ("my-case-1", "product_not_received", "13.1")
    assert (case["level"], case["internal_due_date"], case["due_date"]) == ("level_2", "2099-01-01", "2099-02-01")
    assert case["financial_document_id"] == txn.financial_document_id
    assert case["dispute"]["amount"] == txn.amount


def test_create_outcomes_follow_the_transaction_status(api):
    failed = api.post("/api/v1/cases", case_payload(transaction={**case_payload()["transaction"], "status": "failed"}))
    assert failed.status_code == 201 and failed.json()["status"] == "rejected"
    refunded = api.post("/api/v1/cases", case_payload(
        transaction={**case_payload()["transaction"], "status": "refunded"}))
    assert refunded.json()["status"] == "merchant_credited"


def _stored_transaction_body(program):
    txn = TransactionFactory(program=program, card_network="visa")
    return {"financial_document_id": txn.financial_document_id, "network_reason_code": "13.1",
            "internal_due_date": "2099-01-01"}


@pytest.mark.parametrize("body", [
    lambda program: case_payload(),
    lambda program: case_payload(dispute={"date": "2026-11-11T13:12:18.198-08:00", "amount": 1500,
                                          "currency": "usd", "raised_by": "issuer"}),
    lambda program: case_payload(transaction={**case_payload()["transaction"], "status": "failed"}),
    lambda program: case_payload(transaction={**case_payload()["transaction"], "status": "refunded"}),
    lambda program: case_payload(cardholder=None, merchant=None, custom_fields={"z": "1", "a": "2"},
                                issuer_evidence={"delivery": {"expected_date": "2026-11-01", "tracking": [1, 2.5]}}),
    _stored_transaction_body,
], ids=["new", "offset-dates", "failed", "refunded", "no-parties", "stored-transaction"])
def test_create_response_is_what_a_read_returns(api, program, body):
    """The created case is rendered from what the service wrote, without a re-read: it must be
    exactly what reading it back gives."""
    program.review_threshold = 2000
    program.save()
    created = api.post("/api/v1/cases", body(program))
    assert created.status_code == 201, created.content
    read = api.get(created["Location"])
    assert created.json() == read.json()
    assert created["ETag"] == read["ETag"]


def test_open_case_exists_names_the_existing_case(api):
    body = case_payload()
    first = api.post("/api/v1/cases", body).json()
    problem = assert_problem(api.post("/api/v1/cases", body), 409, "open_case_exists")
    assert problem["case_id"] == first["case_id"]
    assert Case.objects.count() == 1


def test_case_id_taken(api):
    api.post("/api/v1/cases", case_payload(case_id="dup-1"))
    problem = assert_problem(api.post("/api/v1/cases", case_payload(case_id="dup-1")), 409, "case_id_taken")
    assert problem["errors"][0]["field"] == "case_id"


@pytest.mark.parametrize("mutate, field, status", [
    (lambda b: b.pop("transaction"), "transaction", 422),
    (lambda b: b.pop("reason"), "reason", 422),
    (lambda b: b.update(reason="bogus"), "reason", 422),
    (lambda b: b["transaction"].update(amount="12.5"), "transaction.amount", 422),
    (lambda b: b["transaction"].update(amount=-5), "transaction.amount", 422),
    (lambda b: b["transaction"].update(amount=10**30), "transaction.amount", 422),
    (lambda b: b["transaction"].update(currency="ZZZ"), "transaction.currency", 422),
    (lambda b: b["transaction"].update(date="yesterday"), "transaction.date", 422),
    (lambda b: b["transaction"].update(arn=None, switch_serial_number=None), "transaction.arn", 422),
    (lambda b: b["transaction"]["card"].update(expiry_month=13), "transaction.card.expiry_month", 422),
    (lambda b: b["transaction"]["card"].update(network="diners"), "transaction.card.network", 422),
    (lambda b: b["cardholder"]["billing_address"].update(country="XX"), "cardholder.billing_address.country", 422),
    (lambda b: b["cardholder"].update(email="not-an-email"), "cardholder.email", 422),
    (lambda b: b["cardholder"].update(name="x" * 500), "cardholder.name", 422),
    (lambda b: b["merchant"].update(name="Food\x00Hub"), "merchant.name", 422),
    (lambda b: b["dispute"].update(amount=999999), "dispute.amount", 422),
    (lambda b: b["dispute"].update(currency="EUR"), "dispute.currency", 422),
    (lambda b: b.update(custom_fields={"k": 5}), "custom_fields.k", 422),
    (lambda b: b.update(custom_fields={f"k{i}": "v" for i in range(26)}), "custom_fields", 422),
    (lambda b: b.update(issuer_evidence=["not", "an", "object"]), "issuer_evidence", 422),
    (lambda b: b.update(issuer_evidence={"a": "\x00"}), "issuer_evidence.a", 422),
    (lambda b: b.update(level="level_9"), "level", 422),
    (lambda b: b.update(case_id="has spaces"), "case_id", 422),
    (lambda b: b.update(network_reason_code="13.1"), "network_reason_code", 422),  # a Visa code on Mastercard
    (lambda b: b.update(internal_due_date="2000-01-01"), "internal_due_date", 422),
    (lambda b: b.update(due_date="31/12/2030"), "due_date", 422),
    (lambda b: b.update(financial_document_id=424242), "transaction.financial_document_id", 404),
])
def test_create_bad_input_names_the_field(api, mutate, field, status):
    body = case_payload()
    mutate(body)
    problem = assert_problem(api.post("/api/v1/cases", body), status)
    assert field in [e["field"] for e in problem["errors"]], problem
    assert not Case.objects.exists()


@pytest.mark.parametrize("raw", ["", "{", "[1, 2]", '"text"', "null", "{\"a\": NaN}", "[" * 5000 + "]" * 5000])
def test_create_malformed_bodies_are_4xx(api, raw):
    response = api.post("/api/v1/cases", raw=raw)
    assert 400 <= response.status_code < 500
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("overrides, field", [
    ({"surprise": {"x": 1}}, "surprise"),
    ({"merchant": {"name": "FoodHub", "nickname": "FH"}}, "merchant.nickname"),
    ({"dispute": {"amount": 100, "currency": "USD", "reason_detail": "extra"}}, "dispute.reason_detail"),
])
def test_unknown_fields_are_refused_as_the_document_says(api, overrides, field):
    """The native API refuses what its OpenAPI document does not name (additionalProperties: false)."""
    problem = assert_problem(api.post("/api/v1/cases", case_payload(**overrides)), 422, "validation_error")
    assert problem["errors"][0] == {"field": field, "code": "unknown_field", "message": problem["errors"][0]["message"]}


def test_free_form_objects_keep_their_keys(api):
    body = case_payload(issuer_evidence={"anything": {"nested": [1, "two"]}}, custom_fields={"any_key": "v"})
    assert api.post("/api/v1/cases", body).status_code == 201


def test_api_key_cannot_create_in_another_program(api, other_program):
    problem = assert_problem(api.post("/api/v1/cases", case_payload(program_id="prog_b")), 422, "validation_error")
    assert problem["errors"][0]["field"] == "program_id"
    assert api.post("/api/v1/cases", case_payload(program_id="prog_a")).status_code == 201


def test_session_user_names_the_program(analyst, program):
    client = logged_in(analyst)
    user_api = DoorClient(client=client)
    problem = assert_problem(user_api.post("/api/v1/cases", case_payload()), 422)
    assert problem["errors"][0] == {"field": "program_id", "code": "required", "message": problem["errors"][0]["message"]}
    response = user_api.post("/api/v1/cases", case_payload(program_id="prog_a"))
    assert response.status_code == 201
    assert CaseEvent.objects.get(case__case_id=response.json()["case_id"]).actor == "user:ana"
    assert_problem(user_api.post("/api/v1/cases", case_payload(program_id="nope")), 422)


def test_session_user_without_a_role_is_refused(plain_user, program):
    client = logged_in(plain_user)
    assert_problem(DoorClient(client=client).get("/api/v1/cases"), 403, "permission_denied")


def test_detail_has_etag_and_other_program_is_404(api, other_api, program):
    case = make_case(program)
    response = api.get(f"/api/v1/cases/{case.case_id}")
    assert response.status_code == 200 and response["ETag"] == case.etag
    assert response.json()["case_id"] == case.case_id
    assert_problem(other_api.get(f"/api/v1/cases/{case.case_id}"), 404, "not_found")
    assert_problem(api.get("/api/v1/cases/missing-case"), 404, "not_found")


def test_patch_edits_with_events_and_if_match(api, program):
    case = make_case(program)
    response = api.patch(f"/api/v1/cases/{case.case_id}", {
        "level": "level_2", "due_date": "2099-05-01", "custom_fields": {"a": "b", "card_program": None},
        "issuer_evidence": {"cardholder_explanation": "updated"}, "note": "escalated"}, **{"If-Match": case.etag})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["level"], body["due_date"], body["custom_fields"]["a"]) == ("level_2", "2099-05-01", "b")
    assert response["ETag"] == f'"{case.number}-2"'
    edit = CaseEvent.objects.filter(case=case, kind="edit").get()
    assert edit.changes["level"] == {"before": "level_1", "after": "level_2"} and edit.note == "escalated"
    stale = api.patch(f"/api/v1/cases/{case.case_id}", {"level": "level_3"}, **{"If-Match": case.etag})
    assert_problem(stale, 412, "precondition_failed")
    assert Case.objects.get(pk=case.pk).level == "level_2"


def test_patch_deadlines_need_manage_scope(api_for, program):
    case = make_case(program)
    writer = api_for("write")
    assert_problem(writer.patch(f"/api/v1/cases/{case.case_id}", {"level": "level_2"}), 403, "permission_denied")
    ok = writer.patch(f"/api/v1/cases/{case.case_id}", {"custom_fields": {"x": "y"}})
    assert ok.status_code == 200 and ok.json()["custom_fields"]["x"] == "y"
    assert_problem(api_for("read").patch(f"/api/v1/cases/{case.case_id}", {"custom_fields": {"x": "z"}}), 403)


@pytest.mark.parametrize("body, field", [
    ({"level": 5}, "level"), ({"due_date": "soon"}, "due_date"), ({"custom_fields": []}, "custom_fields"),
    ({"issuer_evidence": "text"}, "issuer_evidence"), ({"internal_due_date": "2000-01-01"}, "internal_due_date"),
])
def test_patch_bad_input(api, program, body, field):
    case = make_case(program)
    problem = assert_problem(api.patch(f"/api/v1/cases/{case.case_id}", body), 422)
    assert problem["errors"][0]["field"] == field


def test_patch_other_program_is_404(other_api, program):
    case = make_case(program)
    assert_problem(other_api.patch(f"/api/v1/cases/{case.case_id}", {"level": "level_2"}), 404)


def test_transaction_is_recorded_once_per_arn(api):
    body = case_payload()
    created = api.post("/api/v1/cases", body).json()
    api.post(f"/api/v1/cases/{created['case_id']}/transitions", {"transition": "withdraw"})
    again = api.post("/api/v1/cases", body)
    assert again.status_code == 201
    assert Transaction.objects.count() == 1


@pytest.mark.parametrize("path", ["/api/v1/cases", "/v2/issuer/cases"])
def test_create_renders_without_reading_the_case_back(api, path):
    """After the audit event, nothing: the response is rendered from the rows the service wrote."""
    with CaptureQueriesContext(connection) as captured:
        response = api.post(path, case_payload())
    assert response.status_code == 201, response.content
    statements = [q["sql"] for q in captured.captured_queries]
    event = next(i for i, sql in enumerate(statements) if sql.startswith('INSERT INTO "cases_caseevent"'))
    # After the event only its webhook outbox is read (the program's endpoints; none here), never the case.
    assert not [sql for sql in statements[event + 1:] if sql.startswith("SELECT") and '"cases_webhook' not in sql], \
        statements[event + 1:]
