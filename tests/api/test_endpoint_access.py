"""Every endpoint: 401 without credentials, 403 with too small a scope, 404 for another program's object."""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import NetworkSubmission
from tests.api.conftest import assert_problem, case_payload, transaction_payload
from tests.factories import make_case

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@dataclass
class Endpoint:
    method: str
    path: str  # {case}, {evidence}, {fdid}, {claim} are filled from objects of `program`
    body: object = None
    scope: str = "read"  # the smallest scope allowed; one below it is refused
    denied_scope: str = "none"
    object_bound: bool = True
    success: int = 200


ENDPOINTS = [
    Endpoint("GET", "/api/v1/cases", object_bound=False),
    Endpoint("POST", "/api/v1/cases", "case", "write", "read", object_bound=False, success=201),
    Endpoint("GET", "/api/v1/cases/{case}"),
    Endpoint("PATCH", "/api/v1/cases/{case}", {"custom_fields": {"a": "b"}}, "write", "read"),
    Endpoint("PATCH", "/api/v1/cases/{case}", {"level": "level_2"}, "manage", "write"),
    Endpoint("GET", "/api/v1/cases/{case}/transitions"),
    Endpoint("POST", "/api/v1/cases/{case}/transitions", {"transition": "withdraw"}, "write", "read"),
    Endpoint("POST", "/api/v1/cases/{case}/transitions", {"transition": "file_chargeback"}, "manage", "write"),
    Endpoint("GET", "/api/v1/cases/{case}/approval-requests"),
    Endpoint("GET", "/api/v1/cases/{case}/events"),
    Endpoint("GET", "/api/v1/cases/{case}/notes"),
    Endpoint("POST", "/api/v1/cases/{case}/notes", {"note": "hello"}, "write", "read", success=201),
    Endpoint("POST", "/api/v1/cases/{case}/trusted-amount", {"amount": 100, "currency": "USD"}, "write", "read"),
    Endpoint("GET", "/api/v1/cases/{case}/evidence"),
    Endpoint("POST", "/api/v1/cases/{case}/evidence", "upload", "write", "read", success=201),
    Endpoint("GET", "/api/v1/cases/{case}/evidence/{evidence}/download"),
    Endpoint("GET", "/api/v1/transactions", object_bound=False),
    Endpoint("POST", "/api/v1/transactions", "transaction", "write", "read", object_bound=False, success=201),
    Endpoint("GET", "/api/v1/transactions/{fdid}"),
    Endpoint("GET", "/api/v1/merchants", object_bound=False),
    Endpoint("GET", "/api/v1/cardholders", object_bound=False),
    Endpoint("GET", "/api/v1/claims", object_bound=False),
    Endpoint("POST", "/api/v1/claims", "claim", "write", "read", object_bound=False, success=201),
    Endpoint("GET", "/api/v1/claims/{claim}"),
    Endpoint("GET", "/api/v1/reason-codes", object_bound=False),
    Endpoint("GET", "/api/v1/cases/{case}/network-submissions"),
    Endpoint("GET", "/api/v1/cases/{case}/network-messages"),
    # A failed withdrawal: `write` may withdraw, so `write` may retry it.
    Endpoint("POST", "/api/v1/cases/{case}/network-submissions/{submission}/retry", {}, "write", "read"),
]


def endpoints(keep=lambda e: True):
    return [pytest.param(e, id=f"{e.method} {e.path} {e.scope}") for e in ENDPOINTS if keep(e)]


@pytest.fixture
def objects(api, program):
    case = make_case(program)
    evidence = api.upload(f"/api/v1/cases/{case.case_id}/evidence",
                          {"file": SimpleUploadedFile("r.pdf", PDF)}).json()
    claim_case = make_case(program)
    api.post("/api/v1/claims", {"case_ids": [claim_case.case_id], "claim_id": "claim-x"})
    submission = NetworkSubmission.objects.create(case=case, kind="withdraw", network="mastercard", amount=100,
                                                  currency="USD", state="failed", last_error="timeout")
    return {"case": case.case_id, "evidence": evidence["id"], "fdid": case.transaction.financial_document_id,
            "claim": "claim-x", "claim_case": claim_case.case_id, "submission": submission.pk}


def _call(client, endpoint: Endpoint, objects):
    path = endpoint.path.format(**objects)
    if endpoint.body == "upload":
        return client.upload(path, {"file": SimpleUploadedFile("s.pdf", PDF + b"%" + path.encode())})
    body = {"case": case_payload(), "transaction": transaction_payload(),
            "claim": {"case_ids": [objects.get("claim_case", "")]}}.get(endpoint.body, endpoint.body) \
        if isinstance(endpoint.body, str) else endpoint.body
    if endpoint.method == "GET":
        return client.get(path)
    return client.send(endpoint.method, path, body)


@pytest.mark.parametrize("endpoint", endpoints())
def test_success_with_enough_scope(endpoint, api_for, objects):
    response = _call(api_for(endpoint.scope), endpoint, objects)
    assert response.status_code == endpoint.success, response.content[:400]


@pytest.mark.parametrize("endpoint", endpoints())
def test_no_credentials_is_401(endpoint, anon, objects):
    problem = assert_problem(_call(anon, endpoint, objects), 401, "authentication_failed")
    assert problem["errors"] == []


@pytest.mark.parametrize("endpoint", endpoints())
def test_smaller_scope_is_403(endpoint, api_for, objects):
    assert_problem(_call(api_for(endpoint.denied_scope), endpoint, objects), 403, "permission_denied")


@pytest.mark.parametrize("endpoint", endpoints(lambda e: e.object_bound))
def test_another_programs_object_is_404(endpoint, other_api, objects):
    assert_problem(_call(other_api, endpoint, objects), 404, "not_found")


@pytest.mark.parametrize("endpoint", endpoints(lambda e: e.method == "GET" and not e.object_bound))
def test_lists_never_show_another_programs_objects(endpoint, other_api, objects):
    response = _call(other_api, endpoint, objects)
    assert response.status_code == 200
    if endpoint.path != "/api/v1/reason-codes":
        assert response.json()["data"] == []
