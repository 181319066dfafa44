"""Per-program isolation (SPEC section 5): a key of another program finds nothing of this one,
through any door, on any object type, and changes nothing. Another program's object is "not found"
in the door's own words, never "forbidden" (which would confirm it exists)."""

import json

import pytest

from cases import services
from cases.actors import Actor
from cases.models import Case, CaseEvent, Claim, Evidence, Transaction
from tests.conftest import DoorClient
from tests.factories import TransactionFactory, make_api_key, make_case, make_user
from tests.reliability.doors import create_body, is_envelope

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
FORMS = {"native": "bearer", "mastercard": "bearer", "decisionly": "basic_username", "tutelar": "basic_split"}


@pytest.fixture
def victim(program):
    """Program A's objects: a case with a note, evidence and a claim."""
    admin = Actor.for_user(make_user("iso_admin", None, is_staff=True, is_superuser=True))
    case = make_case(program, path=["file_chargeback"])
    services.case_add_note(case=case, actor=admin, text="Private note of program A.")
    evidence, *_ = services.case_add_evidence(case=case, actor=admin, data=PDF, name="a.pdf", category="other")
    claim = services.claim_create(program=program, actor=admin, case_ids=[case.case_id])
    return {"case": case, "evidence": evidence, "claim": claim, "txn": case.transaction}


@pytest.fixture
def intruder(other_program):
    """A `manage` key of program B: the strongest key that is not program A's."""
    return make_api_key(other_program, ["read", "write", "manage"], "intruder")[1]


def snapshot():
    return (Case.objects.count(), CaseEvent.objects.count(), Evidence.objects.count(), Claim.objects.count(),
            list(Case.objects.order_by("pk").values_list("status", "version", "disputed_amount", "level")))


# (door, method, path, body). {case_id}, {number}, {evidence}, {claim}, {fdid} name program A's objects.
ATTEMPTS = [
    ("native", "GET", "/api/v1/cases/{case_id}", None),
    ("native", "PATCH", "/api/v1/cases/{case_id}", {"level": "level_3", "custom_fields": {"x": "y"}}),
    ("native", "GET", "/api/v1/cases/{case_id}/transitions", None),
    ("native", "POST", "/api/v1/cases/{case_id}/transitions", {"transition": "win"}),
    ("native", "GET", "/api/v1/cases/{case_id}/events", None),
    ("native", "GET", "/api/v1/cases/{case_id}/notes", None),
    ("native", "POST", "/api/v1/cases/{case_id}/notes", {"note": "planted"}),
    ("native", "GET", "/api/v1/cases/{case_id}/evidence", None),
    ("native", "GET", "/api/v1/cases/{case_id}/evidence/{evidence}/download", None),
    ("native", "POST", "/api/v1/cases/{case_id}/trusted-amount", {"amount": 1, "currency": "USD"}),
    ("native", "GET", "/api/v1/transactions/{fdid}", None),
    ("native", "GET", "/api/v1/claims/{claim}", None),
    ("native", "POST", "/api/v1/cases", {"reason": "fraud", "financial_document_id": "{fdid}"}),
    ("native", "POST", "/api/v1/claims", {"case_ids": ["{case_id}"]}),
    ("mastercard", "GET", "/global-processing/dispute/cases/{number}", None),
    ("mastercard", "POST", "/global-processing/dispute/cases", {"financialDocumentId": "{fdid}", "reasonCode": "4855"}),
    ("mastercard", "POST", "/global-processing/dispute/cases/{number}/trusted-amounts",
     {"currency": "USD", "newAmount": 1.00}),
    ("mastercard", "POST", "/global-processing/dispute/cases/{number}/attachments",
     {"actionCode": "DSP_ADD_FILE", "file": {"name": "x.pdf", "bytes": "JVBERi0xLjQK"}}),
    ("decisionly", "GET", "/v2/issuer/cases/{case_id}", None),
    ("decisionly", "PUT", "/v2/issuer/cases/{case_id}", {"custom_fields": {"x": "y"}}),
    ("decisionly", "POST", "/v2/issuer/cases/{case_id}/file", {"file_mode": "chargeback"}),
    ("decisionly", "POST", "/v2/issuer/claims", {"case_ids": ["{case_id}"]}),
    ("decisionly", "PUT", "/v2/issuer/claims/{claim}/cases", {"case_ids": []}),
    ("tutelar", "GET", "/api/v1/dispute/view/{case_id}", None),
    ("tutelar", "PATCH", "/api/v1/dispute/update/{case_id}", {"comments": "planted"}),
    ("tutelar", "PUT", "/api/v1/dispute/move-level/{case_id}", {"level": "level_3", "dueDate": "2030-01-01",
                                                                  "comments": "x"}),
    ("tutelar", "PUT", "/api/v1/dispute/merchant-won/{case_id}", {}),
    ("tutelar", "PUT", "/api/v1/dispute/merchant-loss/{case_id}", {}),
]


def fill(value, names):
    if isinstance(value, str):
        filled = value.format(**names)
        return int(filled) if value == "{fdid}" else filled
    if isinstance(value, dict):
        return {k: fill(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, names) for v in value]
    return value


def not_found(door, response, body) -> bool:
    """Each door's "no such thing" (Tutelar answers unknown ids with 422 "No data found", SPEC 6.3)."""
    if door == "tutelar":
        return response.status_code == 422 and body["message"] == "No data found"
    return response.status_code == 404


@pytest.mark.parametrize(("door", "method", "path", "body"), ATTEMPTS, ids=[f"{d}:{m}:{p}" for d, m, p, _ in ATTEMPTS])
def test_other_programs_key_finds_nothing(victim, intruder, door, method, path, body):
    names = {"case_id": victim["case"].case_id, "number": victim["case"].number, "evidence": victim["evidence"].pk,
             "claim": victim["claim"].claim_id, "fdid": victim["txn"].financial_document_id}
    before = snapshot()
    client = DoorClient(intruder, FORMS[door])
    url = path.format(**names)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.generic(method, url, data=json.dumps(fill(body, names)), content_type="application/json")
    parsed = json.loads(response.content) if response.content else None
    assert is_envelope(door, response.status_code, parsed), response.content[:300]
    assert not_found(door, response, parsed), (response.status_code, response.content[:300])
    assert snapshot() == before
    text = response.content.decode()
    assert victim["txn"].arn not in text and "Private note" not in text and victim["txn"].merchant.name not in text


LISTS = [
    ("native", "/api/v1/cases"), ("native", "/api/v1/cases?q={arn}"), ("native", "/api/v1/transactions"),
    ("native", "/api/v1/merchants"), ("native", "/api/v1/cardholders"), ("native", "/api/v1/claims"),
    ("decisionly", "/v2/issuer/cases"),
]


@pytest.mark.parametrize(("door", "path"), LISTS)
def test_other_programs_lists_are_empty(victim, intruder, door, path):
    response = DoorClient(intruder, FORMS[door]).get(path.format(arn=victim["txn"].arn))
    assert response.status_code == 200
    assert response.json()["data"] == []


def test_described_transaction_never_attaches_to_another_programs_store(victim, intruder, other_program):
    """Decisionly and Tutelar match a described transaction by ARN / external id in the caller's
    program only: program B's create opens its own case, program A's transaction stays untouched."""
    txn = victim["txn"]
    for door in ("decisionly", "tutelar"):
        response = DoorClient(intruder, FORMS[door]).post(
            {"decisionly": "/v2/issuer/cases", "tutelar": "/api/v1/dispute/create"}[door],
            create_body(door, txn), content_type="application/json")
        assert response.status_code == 201, response.content[:300]
    assert Case.objects.filter(transaction=txn).count() == 1
    assert Case.objects.filter(program=other_program).exclude(transaction__program=other_program).count() == 0
    assert Transaction.objects.filter(program=other_program).count() == 2


def test_api_key_cannot_pick_another_program(intruder, program, other_program):
    """A body naming program A with program B's key is refused; nothing is opened anywhere."""
    txn_b = TransactionFactory(program=other_program)
    before = Case.objects.count()
    response = DoorClient(intruder).post("/api/v1/cases", {"reason": "fraud", "program_id": program.program_id,
                                                           "financial_document_id": txn_b.financial_document_id},
                                         content_type="application/json")
    assert 400 <= response.status_code < 500, response.content[:300]
    assert Case.objects.count() == before
