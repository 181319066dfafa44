"""On PostgreSQL: concurrent creates on one transaction through all three dialects at once. Exactly
one opens the case; every other gets its own dialect's duplicate error naming that case (SPEC section 9)."""

import threading
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection

from cases.models import Case
from cases.roles import ensure_roles
from tests.factories import TransactionFactory
from tests.providers.conftest import DialectClient, load_payload

PER_DIALECT = 5


@pytest.fixture
def postgres_only(request):
    request.getfixturevalue("db")
    if connection.vendor != "postgresql":
        pytest.fail("this test proves a database constraint under concurrency: run it on PostgreSQL")
    yield
    ensure_roles(Group, Permission)  # the transactional flush removed the role groups


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
def test_one_case_per_transaction_across_dialects(postgres_only, program, manage_key):
    txn = TransactionFactory(program=program, financial_document_id=30004, external_id="trans_53146",
                             arn="48162855246353338636162", amount=100100, card_network="mastercard",
                             date=datetime(2026, 10, 1, tzinfo=UTC))
    calls = [(name, path, body) for name, (path, body) in requests_for(txn).items() for _ in range(PER_DIALECT)]
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, name, path, body):
        try:
            client = DialectClient(manage_key[1])
            barrier.wait(timeout=30)
            response = client.post(path, body)
            results[index] = (name, response.status_code, response.json(), response.get("Location"))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert all(results), "a worker failed or hung"
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
