"""SPEC section 9 through the native API: Idempotency-Key on every POST, and PAN screening of bodies."""

import json
from unittest import mock

import pytest

from cases.models import Case, IdempotencyKey, Transaction
from cases.web.idempotency import request_fingerprint
from tests.api.conftest import assert_problem, case_payload, transaction_payload
from tests.conftest import DoorClient, logged_in
from tests.factories import make_case

pytestmark = pytest.mark.django_db
LUHN_PAN = "4111111111111111"  # a well-known test number: Luhn-valid


def test_replay_returns_the_same_status_and_body(api):
    body = case_payload()
    first = api.post("/api/v1/cases", body, **{"Idempotency-Key": "k-1"})
    second = api.post("/api/v1/cases", body, **{"Idempotency-Key": "k-1"})
    assert first.status_code == second.status_code == 201
    assert second.content == first.content and second["Idempotent-Replayed"] == "true"
    assert second["Location"] == first["Location"] and second["ETag"] == first["ETag"]
    assert "Idempotent-Replayed" not in first
    assert Case.objects.count() == 1


def test_replay_of_an_error_is_the_same_error(api):
    body = case_payload(reason="bogus")
    first = api.post("/api/v1/cases", body, **{"Idempotency-Key": "k-err"})
    second = api.post("/api/v1/cases", body, **{"Idempotency-Key": "k-err"})
    assert first.status_code == second.status_code == 422
    assert second.content == first.content and second["Content-Type"] == "application/problem+json"


def test_same_key_with_another_body_is_reused(api):
    api.post("/api/v1/cases", case_payload(), **{"Idempotency-Key": "k-2"})
    assert_problem(api.post("/api/v1/cases", case_payload(), **{"Idempotency-Key": "k-2"}), 422,
                   "idempotency_key_reused")
    assert Case.objects.count() == 1


def test_keys_belong_to_their_owner(api, api_for):
    body = transaction_payload()
    assert api.post("/api/v1/transactions", body, **{"Idempotency-Key": "shared"}).status_code == 201
    other = api_for("write").post("/api/v1/transactions", body, **{"Idempotency-Key": "shared"})
    assert other.status_code == 200 and "Idempotent-Replayed" not in other


def test_in_flight_key_is_409(api, api_keys):
    body = json.dumps(case_payload()).encode()
    request = mock.Mock(method="POST", path="/api/v1/cases")
    IdempotencyKey.objects.create(owner=f"api_key:{api_keys['manage'][0].prefix}", key="busy", method="POST",
                                  path="/api/v1/cases", request_hash=request_fingerprint(request, body))
    response = api.post("/api/v1/cases", raw=body, **{"Idempotency-Key": "busy"})
    assert_problem(response, 409, "idempotency_key_in_use")
    assert not Case.objects.exists()


def test_server_errors_are_not_stored(api, client):
    body = case_payload()
    client.raise_request_exception = False
    with mock.patch("cases.api.views.cases.services.case_create", side_effect=RuntimeError("database went away")):
        failed = api.post("/api/v1/cases", body, **{"Idempotency-Key": "k-5xx"})
    assert failed.status_code == 500
    assert not IdempotencyKey.objects.exists()
    retried = api.post("/api/v1/cases", body, **{"Idempotency-Key": "k-5xx"})
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\tkey"])
def test_bad_idempotency_key_is_422(api, key):
    assert_problem(api.post("/api/v1/cases", case_payload(), **{"Idempotency-Key": key}), 422, "validation_error")


def test_every_post_honours_the_key(api, program):
    case = make_case(program)
    url = f"/api/v1/cases/{case.case_id}/notes"
    first = api.post(url, {"note": "once"}, **{"Idempotency-Key": "note-1"})
    second = api.post(url, {"note": "once"}, **{"Idempotency-Key": "note-1"})
    assert second.content == first.content and second["Idempotent-Replayed"] == "true"
    assert case.events.filter(kind="note").count() == 1


def test_session_user_keys(analyst, program):
    client = logged_in(analyst)
    user_api = DoorClient(client=client)
    body = case_payload(program_id="prog_a")
    first = user_api.post("/api/v1/cases", body, **{"Idempotency-Key": "u-1"})
    second = user_api.post("/api/v1/cases", body, **{"Idempotency-Key": "u-1"})
    assert first.status_code == 201 and second["Idempotent-Replayed"] == "true"
    assert IdempotencyKey.objects.get().owner == f"user:{analyst.pk}"


def _nothing_stored_with(pan_digits: str):
    assert not Case.objects.exists() and not Transaction.objects.exists()
    for record in IdempotencyKey.objects.all():
        assert pan_digits not in bytes(record.response_body or b"").decode()


@pytest.mark.parametrize("place", [
    lambda b, pan: b.update(reason=pan),
    lambda b, pan: b["cardholder"].update(name=f"Susie {pan}"),
    lambda b, pan: b["cardholder"]["billing_address"].update(line2=pan),
    lambda b, pan: b["transaction"]["card"].update(last4=pan),
    lambda b, pan: b.update(custom_fields={"card": pan}),
    lambda b, pan: b.update(issuer_evidence={"cardholder_explanation": f"my card {pan} was stolen"}),
    lambda b, pan: b.update(issuer_evidence={"deep": [{"deeper": {"text": pan}}]}),
    lambda b, pan: b.update(unknown_field=pan),
    lambda b, pan: b.update(custom_fields={pan: "x"}),  # a key: the error's field must not echo it
    lambda b, pan: b.update(issuer_evidence={"cards": {pan: {"text": "x"}}}),
])
@pytest.mark.parametrize("pan", [LUHN_PAN, "4111 1111 1111 1111", "4111-1111-1111-1111", "5555555555554444"])
def test_pan_anywhere_is_refused_and_not_stored(api, place, pan):
    body = case_payload()
    place(body, pan)
    response = api.post("/api/v1/cases", body, **{"Idempotency-Key": "pan-1"})
    problem = assert_problem(response, 400, "pan_detected")
    assert pan not in response.content.decode() and pan.replace(" ", "") not in response.content.decode()
    assert problem["errors"][0]["field"]
    _nothing_stored_with(pan.replace(" ", "").replace("-", ""))


def test_pan_in_transactions_notes_and_patch(api, program):
    case = make_case(program)
    assert_problem(api.post("/api/v1/transactions", transaction_payload(gateway_order_id=LUHN_PAN)), 400,
                   "pan_detected")
    assert_problem(api.post(f"/api/v1/cases/{case.case_id}/notes", {"note": f"card {LUHN_PAN}"}), 400, "pan_detected")
    assert_problem(api.patch(f"/api/v1/cases/{case.case_id}", {"custom_fields": {"x": LUHN_PAN}}), 400, "pan_detected")
    assert case.events.count() == 1 and Transaction.objects.count() == 1


def test_non_luhn_sixteen_digits_and_arns_are_accepted(api):
    body = case_payload(custom_fields={"reference": "4111111111111112"})
    body["issuer_evidence"] = {"note": "ARN 74987506001000000000011"}
    response = api.post("/api/v1/cases", body)
    assert response.status_code == 201
    assert response.json()["custom_fields"]["reference"] == "4111111111111112"
