"""Decisionly issuer dialect: the seed's create example field by field, list, retrieve, update, file, claims."""

import copy
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from cases.choices import CaseStatus, EventKind, ReviewStatus, Source
from cases.models import Case, CaseEvent, Claim, Transaction
from tests.factories import TransactionFactory
from tests.providers.conftest import load_payload

pytestmark = pytest.mark.django_db
BASE = "/v2/issuer"
GENERATED = {"case_id", "created", "chargeback_due_date"}
DATETIMES = {"date", "created", "updated", "chargeback_due_date"}


def seed_request() -> dict:
    return load_payload("decisionly", "create_case_request.json")


def fresh_request(index: int, **changes) -> dict:
    """The seed request on another, recent transaction (its own ARN and switch serial number)."""
    body = seed_request()
    recent = (timezone.now() - timedelta(days=5)).isoformat()
    body["transaction"].update(arn=f"5{index:022d}", switch_serial_number=f"9{index:08d}", date=recent)
    body["dispute"]["date"] = recent
    body.update(changes)
    return body


def assert_holds(actual, expected, path="response"):
    """Every field of `expected` is in `actual` with the same value (date-times as the same instant)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), path
        for key, value in expected.items():
            assert key in actual, f"{path}.{key} missing"
            assert_holds(actual[key], value, f"{path}.{key}")
    elif path.rsplit(".", 1)[-1] in DATETIMES and isinstance(expected, str):
        assert datetime.fromisoformat(actual) == datetime.fromisoformat(expected), path
    else:
        assert actual == expected, path


def create(api, body=None, **changes):
    body = copy.deepcopy(body or seed_request())
    body.update(changes)
    return api.post(f"{BASE}/cases", body)


@pytest.fixture
def created(api):
    response = create(api)
    assert response.status_code == 201, response.content
    return response.json()


def test_seed_request_gives_every_field_of_the_seed_response(api):
    response = create(api)

    assert response.status_code == 201, response.content
    body = response.json()
    documented = load_payload("decisionly", "create_case_response.json")
    assert_holds(body, {k: v for k, v in documented.items() if k not in GENERATED})
    assert set(documented) <= set(body)
    assert body["case_id"].startswith("case_")
    assert datetime.fromisoformat(body["created"]) and datetime.fromisoformat(body["chargeback_due_date"])
    # The request's extra facts come back too.
    assert body["custom_fields"] == seed_request()["custom_fields"]
    assert body["issuer_evidence"] == seed_request()["issuer_evidence"]
    assert body["transaction"]["switch_serial_number"] == "242025095"


def test_create_records_the_transaction_and_parties(api, created, program):
    case = Case.objects.select_related("transaction__merchant", "transaction__cardholder").get(
        case_id=created["case_id"])
    txn = case.transaction
    assert (case.source, case.program, case.reason, case.network_reason_code) == (
        Source.DECISIONLY, program, "product_not_received", "4855")
    assert (txn.arn, txn.amount, txn.currency, txn.card_last4, txn.card_network) == (
        "48162855246353338636162", 299, "USD", "4242", "mastercard")
    assert (txn.merchant.external_id, txn.merchant.mcc) == ("8201132789", "5734")
    assert (txn.cardholder.external_id, txn.cardholder.country) == ("9529456289", "US")
    # Chargeback due date: 120 days from the transaction date, product not received on Mastercard.
    assert (case.chargeback_due_date - txn.date.date()).days == 120


def test_client_case_id_is_kept(api):
    response = create(api, case_id="case_abc123")
    assert response.status_code == 201
    assert response.json()["case_id"] == "case_abc123"


def test_transaction_is_matched_by_arn(api, program):
    stored = TransactionFactory(program=program, arn="48162855246353338636162", amount=299)
    response = create(api)
    assert response.status_code == 201
    assert Case.objects.get(case_id=response.json()["case_id"]).transaction == stored
    assert Transaction.objects.count() == 1


def test_transaction_is_matched_by_switch_serial_number_under_network_details(api, program):
    stored = TransactionFactory(program=program, arn="", switch_serial_number="777123", amount=299)
    body = seed_request()
    del body["transaction"]["arn"], body["transaction"]["switch_serial_number"]
    body["transaction"]["network_details"] = {"mastercard": {"switch_serial_number": "777123"}}
    response = create(api, body)
    assert response.status_code == 201, response.content
    assert Case.objects.get(case_id=response.json()["case_id"]).transaction == stored


def test_reason_nested_in_dispute_is_read(api):
    body = seed_request()
    body["dispute"]["reason"] = body.pop("reason")
    response = create(api, body)
    assert (response.status_code, response.json()["reason"]) == (201, "product_not_received")


def test_program_id_of_the_key_is_accepted(api, program):
    assert create(api, program_id=program.program_id).status_code == 201


def test_list_cases_paginates_newest_first(api, django_assert_max_num_queries):
    ids = [create(api, fresh_request(index)).json()["case_id"] for index in range(5)]
    newest_first = list(reversed(ids))

    with django_assert_max_num_queries(4):
        first = api.get(f"{BASE}/cases?limit=2").json()
    assert ([c["case_id"] for c in first["data"]], first["has_more"]) == (newest_first[:2], True)
    second = api.get(f"{BASE}/cases?limit=2&starting_after={newest_first[1]}").json()
    assert ([c["case_id"] for c in second["data"]], second["has_more"]) == (newest_first[2:4], True)
    last = api.get(f"{BASE}/cases?limit=2&starting_after={newest_first[3]}").json()
    assert ([c["case_id"] for c in last["data"]], last["has_more"]) == (newest_first[4:], False)
    back = api.get(f"{BASE}/cases?limit=2&ending_before={newest_first[4]}").json()
    assert ([c["case_id"] for c in back["data"]], back["has_more"]) == (newest_first[2:4], True)
    everything = api.get(f"{BASE}/cases").json()
    assert [c["case_id"] for c in everything["data"]] == newest_first


def test_list_shows_only_the_key_program(api, other_api, created):
    assert other_api.get(f"{BASE}/cases").json() == {"has_more": False, "data": []}


def test_retrieve_case(api, created):
    response = api.get(f"{BASE}/cases/{created['case_id']}")
    assert response.status_code == 200
    assert response.json() == created


@pytest.mark.parametrize("stored", [False, True], ids=["new-transaction", "stored-transaction"])
def test_created_case_reads_back_the_same(api, program, stored):
    """The create response is rendered without a re-read: reading the case back gives the same body,
    for a transaction the call records and for one already in the store (matched by ARN)."""
    body = fresh_request(7100)
    if stored:
        TransactionFactory(program=program, arn=body["transaction"]["arn"], amount=5000, currency="USD")
    first = create(api, body)
    assert first.status_code == 201, first.content
    assert Transaction.objects.filter(program=program).count() == 1
    assert api.get(f"{BASE}/cases/{first.json()['case_id']}").json() == first.json()


def test_update_custom_fields_null_removes_a_key(api, created):
    body = {"custom_fields": {"wallet_type": None, "channel": "app"}}
    response = api.put(f"{BASE}/cases/{created['case_id']}", body)

    assert response.status_code == 200, response.content
    assert response.json()["custom_fields"] == {"card_program": "CardHub", "channel": "app"}
    event = CaseEvent.objects.filter(case__case_id=created["case_id"], kind=EventKind.EDIT).get()
    assert event.changes["custom_fields"]["before"] == {"card_program": "CardHub", "wallet_type": "mobile"}


def test_update_issuer_evidence_while_created(api, created):
    evidence = {"cardholder_explanation": "Still nothing", "merchant_contact": {"was_attempted": True}}
    response = api.put(f"{BASE}/cases/{created['case_id']}", {"issuer_evidence": evidence})
    assert response.json()["issuer_evidence"] == evidence


def test_issuer_evidence_is_fixed_once_filed_but_custom_fields_are_not(api):
    case_id = create(api, fresh_request(1)).json()["case_id"]
    assert api.post(f"{BASE}/cases/{case_id}/file", {"file_mode": "chargeback"}).status_code == 202
    refused = api.put(f"{BASE}/cases/{case_id}", {"issuer_evidence": {"cardholder_explanation": "changed"}})
    assert refused.status_code == 400
    assert refused.json()["error"]["param"] == "issuer_evidence"
    allowed = api.put(f"{BASE}/cases/{case_id}", {"custom_fields": {"late": "yes"}})
    assert allowed.status_code == 200
    assert allowed.json()["custom_fields"]["late"] == "yes"


def test_file_chargeback(api):
    case_id = create(api, fresh_request(1)).json()["case_id"]

    response = api.post(f"{BASE}/cases/{case_id}/file", {"file_mode": "chargeback"})

    assert (response.status_code, response.json()) == (202, {"success": True})
    case = Case.objects.get(case_id=case_id)
    assert case.status == CaseStatus.CHARGEBACK_FILED
    assert CaseEvent.objects.filter(case=case, transition="file_chargeback").exists()


def test_fraud_case_with_card_blocked_and_reported_files(api):
    evidence = {"card": {"is_active": False}, "fraud": {"was_reported": True}}
    case_id = create(api, fresh_request(5, reason="fraud", issuer_evidence=evidence)).json()["case_id"]
    assert api.post(f"{BASE}/cases/{case_id}/file", {"file_mode": "auto"}).status_code == 202
    assert Case.objects.get(case_id=case_id).status == CaseStatus.CHARGEBACK_FILED


def test_file_auto_files_when_every_condition_holds(api):
    case_id = create(api, fresh_request(2)).json()["case_id"]
    assert api.post(f"{BASE}/cases/{case_id}/file", {"file_mode": "auto"}).status_code == 202
    assert Case.objects.get(case_id=case_id).status == CaseStatus.CHARGEBACK_FILED


def test_file_auto_flags_for_review_when_a_condition_fails(api):
    # A fraud case whose card is still active fails Decisionly's fraud rule.
    case_id = create(api, fresh_request(3, reason="fraud")).json()["case_id"]

    response = api.post(f"{BASE}/cases/{case_id}/file", {"file_mode": "auto"})

    assert (response.status_code, response.json()) == (202, {"success": True})
    case = api.get(f"{BASE}/cases/{case_id}").json()
    assert (case["status"], case["review_status"]) == ("created", ReviewStatus.CHARGEBACK_NEEDS_REVIEW)


def test_file_chargeback_refuses_when_a_condition_fails(api):
    case_id = create(api, fresh_request(4, reason="fraud")).json()["case_id"]

    response = api.post(f"{BASE}/cases/{case_id}/file", {"file_mode": "chargeback"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "transition_condition_failed"
    assert "is_active" in response.json()["error"]["message"]
    assert Case.objects.get(case_id=case_id).status == CaseStatus.CREATED


def test_claims_create_and_replace_cases(api, program):
    case_ids = [create(api, fresh_request(index)).json()["case_id"] for index in range(3)]

    response = api.post(f"{BASE}/claims", {"case_ids": case_ids[:2], "claim_id": "claim_abc123"})

    assert response.status_code == 201, response.content
    claim = response.json()
    assert {"claim_id", "status", "cases", "created", "updated"} <= set(claim)
    assert (claim["claim_id"], claim["status"]) == ("claim_abc123", "open")
    assert claim["cases"] == [{"case_id": c} for c in case_ids[:2]]
    assert api.get(f"{BASE}/cases/{case_ids[0]}").json()["claim_id"] == "claim_abc123"

    replaced = api.put(f"{BASE}/claims/claim_abc123/cases", {"case_ids": case_ids[1:]})

    assert replaced.status_code == 200
    assert replaced.json()["cases"] == [{"case_id": c} for c in case_ids[1:]]
    assert api.get(f"{BASE}/cases/{case_ids[0]}").json()["claim_id"] is None


def test_claim_id_is_generated(api, created):
    response = api.post(f"{BASE}/claims", {"case_ids": [created["case_id"]]})
    assert response.status_code == 201
    assert Claim.objects.get().claim_id == response.json()["claim_id"]
