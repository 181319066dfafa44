"""On PostgreSQL: concurrent creates on one transaction through all three dialects at once. Exactly
one opens the case; every other gets its own dialect's duplicate error naming that case (SPEC section 9)."""

from datetime import UTC, datetime

import pytest

from cases.models import Case
from tests.conftest import DoorClient, concurrently
from tests.factories import TransactionFactory, make_api_key
from tests.providers.conftest import load_payload

PER_DIALECT = 5


def requests_for(txn):
    tutelar = load_payload("tutelar", "create_request.json")
    tutelar["transactionDetails"]["transactionDate"] = "2026-10-01"
    tutelar.update(internalDueDate="2026-10-20", reasonCode="4853")
    decisionly = load_payload("decisionly", "create_case_request.json")
    decisionly["transaction"]["date"] = "2026-10-01T00:00:00Z"
    return {
        "mastercard": ("/global-processing/dispute/cases",
                       {"financialDocumentId": txn.financial_document_id, "reasonCode": "4837"}),
        "decisionly": ("/v2/issuer/cases", decisionly),
        "tutelar": ("/api/v1/dispute/create", tutelar),
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_case_per_transaction_across_dialects(program):
    raw_key = make_api_key(program, ["manage"], "dialect manage")[1]
    txn = TransactionFactory(program=program, financial_document_id=30004, external_id="trans_53146",
                             arn="48162855246353338636162", amount=100100, card_network="mastercard",
                             date=datetime(2026, 10, 1, tzinfo=UTC))
    calls = [(name, path, body) for name, (path, body) in requests_for(txn).items() for _ in range(PER_DIALECT)]

    def create(name, path, body):
        response = DoorClient(raw_key).post(path, body)
        return name, response.status_code, response.json(), response.get("Location")

    results = concurrently([lambda call=call: create(*call) for call in calls], timeout=30)

    assert not [r for r in results if isinstance(r, Exception)], results
    created = [r for r in results if r[1] == 201]
    assert len(created) == 1, [r[:2] for r in results]
    case = Case.objects.get()
    for name, status, body, location in results:
        if status == 201:
            continue
        if name == "mastercard":
            assert status == 400
            error = body["Errors"]["Error"][0]
            assert error["ReasonCode"] == "ANOTHER_OPEN_CASE_ALREADY_EXISTS"
            assert f"with id {case.number} " in error["Description"]
        elif name == "decisionly":
            assert (status, body["error"]["code"]) == (409, "open_case_exists")
            assert case.case_id in body["error"]["message"]
        else:
            assert (status, body["message"]) == (422, "Dispute details already in submitted")
            assert location == f"/api/v1/dispute/view/{case.case_id}"
