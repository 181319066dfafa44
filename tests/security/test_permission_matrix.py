"""Who may do what (SPEC sections 3 and 5): every caller against every native endpoint, and every
caller against every lifecycle transition through the native API, the back office and the dialects."""

import json
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from cases import services
from cases.actors import Actor
from cases.models import Case, CaseEvent, NetworkSubmission
from tests.conftest import DoorClient
from tests.factories import TransactionFactory, make_api_key, make_case, make_user
from tests.security.callers import CALLERS, make_callers

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

# Needed level per caller: what each may reach (SPEC section 5: read < write < manage).
LEVEL = {
    "anonymous": None, "key_read": "read", "key_write": "write", "key_manage": "manage",
    # Session users: the analyst group may read and write, the supervisor group also manage;
    # a staff member without a role may do nothing; a superuser holds every permission.
    "analyst": "write", "supervisor": "manage", "staff": "", "superuser": "manage", "plain_user": "",
}
RANK = {"read": 1, "write": 2, "manage": 3}


@pytest.fixture
def world(program):
    case = make_case(program)
    admin = Actor.for_user(make_user("world_admin", None, is_staff=True, is_superuser=True))
    services.case_add_note(case=case, actor=admin, text="Seen.")
    evidence, *_ = services.case_add_evidence(case=case, actor=admin, data=PDF, name="receipt.pdf",
                                             category="transaction_receipt")
    claim = services.claim_create(program=program, actor=admin, case_ids=[case.case_id])
    # A withdrawal the network never answered: retryable by whoever may withdraw (write level).
    submission = NetworkSubmission.objects.create(case=case, kind="withdraw", network="mastercard", amount=20000,
                                                  currency="USD", state="failed", attempts=6,
                                                  last_error="connection refused")
    return {"program": program, "case": case, "evidence": evidence, "claim": claim, "submission": submission,
            "callers": make_callers(program)}


def fresh_transaction(program):
    return TransactionFactory(program=program, card_network="mastercard")


# (level, method, path, body builder). Bodies are valid, so an allowed caller gets a 2xx.
ENDPOINTS = [
    ("read", "GET", "/api/v1/cases", None),
    ("read", "GET", "/api/v1/cases/{case}", None),
    ("read", "GET", "/api/v1/cases/{case}/transitions", None),
    ("read", "GET", "/api/v1/cases/{case}/events", None),
    ("read", "GET", "/api/v1/cases/{case}/notes", None),
    ("read", "GET", "/api/v1/cases/{case}/evidence", None),
    ("read", "GET", "/api/v1/cases/{case}/evidence/{evidence}/download", None),
    ("read", "GET", "/api/v1/transactions", None),
    ("read", "GET", "/api/v1/transactions/{fdid}", None),
    ("read", "GET", "/api/v1/merchants", None),
    ("read", "GET", "/api/v1/cardholders", None),
    ("read", "GET", "/api/v1/claims", None),
    ("read", "GET", "/api/v1/claims/{claim}", None),
    ("read", "GET", "/api/v1/reason-codes", None),
    ("read", "GET", "/api/v1/cases/{case}/network-submissions", None),
    ("read", "GET", "/api/v1/cases/{case}/network-messages", None),
    ("write", "POST", "/api/v1/cases", lambda w: {
        "reason": "product_not_received", "program_id": w["program"].program_id,
        "financial_document_id": fresh_transaction(w["program"]).financial_document_id}),
    ("write", "PATCH", "/api/v1/cases/{case}", lambda w: {"custom_fields": {"channel": "web"}}),
    ("write", "POST", "/api/v1/cases/{case}/notes", lambda w: {"note": "Called the cardholder."}),
    ("write", "POST", "/api/v1/cases/{case}/trusted-amount", lambda w: {"amount": 1500, "currency": "USD"}),
    ("write", "POST", "/api/v1/cases/{case}/transitions", lambda w: {"transition": "withdraw"}),
    ("write", "POST", "/api/v1/transactions", lambda w: {
        "program_id": w["program"].program_id, "arn": "7" + str(uuid.uuid4().int)[:22], "amount": 1000, "currency": "USD",
        "date": timezone.now().isoformat(), "card": {"network": "visa", "last4": "1234"}}),
    ("write", "POST", "/api/v1/claims", lambda w: {"program_id": w["program"].program_id,
                                                   "case_ids": [w["case"].case_id]}),
    ("write", "POST", "/api/v1/cases/{case}/network-submissions/{submission}/retry",
     lambda w: {"note": "The network is back."}),
    ("manage", "PATCH", "/api/v1/cases/{case}", lambda w: {"level": "level_2"}),
    ("manage", "POST", "/api/v1/cases/{case}/transitions", lambda w: {"transition": "reject"}),
]


def call(client: Client, method: str, path: str, body):
    if method == "GET":
        return client.get(path)
    return client.generic(method, path, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("level", "method", "path", "body"), ENDPOINTS,
                         ids=[f"{lvl}:{m}:{p}" for lvl, m, p, _ in ENDPOINTS])
def test_endpoint_access(world, caller, level, method, path, body):
    url = path.format(case=world["case"].case_id, evidence=world["evidence"].pk, claim=world["claim"].claim_id,
                      fdid=world["case"].transaction.financial_document_id, submission=world["submission"].pk)
    events = CaseEvent.objects.count()
    response = call(world["callers"][caller], method, url, body(world) if body else None)
    allowed = LEVEL[caller] and RANK[LEVEL[caller]] >= RANK[level]
    if caller == "anonymous":
        assert response.status_code == 401, response.content[:200]
    elif not allowed:
        assert response.status_code == 403, (caller, response.status_code, response.content[:200])
        assert response.json()["code"] == "permission_denied"
    else:
        assert 200 <= response.status_code < 300, (caller, response.status_code, response.content[:300])
    if not allowed:
        assert CaseEvent.objects.count() == events


# Transition -> the path from `created` to a status it may start from.
SOURCE_PATH = {
    "file_chargeback": [], "reject": [], "expire": [], "withdraw": [], "credit_merchant": [],
    "record_representment": ["file_chargeback"], "record_prearb_received": ["file_chargeback"],
    "file_prearbitration": ["file_chargeback", "record_representment"],
    "record_prearb_rebuttal": ["file_chargeback", "record_representment", "file_prearbitration"],
    "file_arbitration": ["file_chargeback", "record_prearb_received"],
    "accept": ["file_chargeback", "record_representment"],
    "win": ["file_chargeback"], "lose": ["file_chargeback"],
}
ANALYST = {"file_chargeback", "withdraw", "credit_merchant", "record_representment", "record_prearb_received",
           "file_prearbitration", "record_prearb_rebuttal", "win", "lose"}
SUPERVISOR = ANALYST | {"reject", "file_arbitration", "accept"}
# SPEC section 3's "who" column. `expire` is the deadline sweep's alone: no person, not even a
# superuser, and no API key runs it.
MAY_RUN = {
    "anonymous": set(), "key_read": set(), "key_write": {"withdraw"}, "key_manage": set(SOURCE_PATH) - {"expire"},
    "analyst": ANALYST, "supervisor": SUPERVISOR, "staff": set(), "superuser": set(SOURCE_PATH) - {"expire"},
    "plain_user": set(),
}


@pytest.mark.parametrize("transition", SOURCE_PATH)
@pytest.mark.parametrize("caller", CALLERS)
def test_transition_through_native_api(world, caller, transition):
    case = make_case(world["program"], path=SOURCE_PATH[transition])
    response = world["callers"][caller].post(f"/api/v1/cases/{case.case_id}/transitions",
                                             {"transition": transition}, content_type="application/json")
    after = Case.objects.get(pk=case.pk)
    if transition in MAY_RUN[caller]:
        assert response.status_code == 200, response.content[:300]
        assert after.status != case.status
    else:
        assert response.status_code == (401 if caller == "anonymous" else 403), response.content[:300]
        assert (after.status, after.version) == (case.status, case.version)


BACK_OFFICE_CALLERS = ("anonymous", "analyst", "supervisor", "staff", "superuser", "plain_user")


@pytest.mark.parametrize("transition", SOURCE_PATH)
@pytest.mark.parametrize("caller", BACK_OFFICE_CALLERS)
def test_transition_through_back_office(world, caller, transition):
    case = make_case(world["program"], path=SOURCE_PATH[transition])
    response = world["callers"][caller].post(f"/cases/{case.number}/transitions/{transition}/", {"note": ""})
    after = Case.objects.get(pk=case.pk)
    if transition in MAY_RUN[caller]:
        assert response.status_code in (302, 303), response.content[:300]
        assert after.status != case.status
    else:
        if caller == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"]
        else:
            assert response.status_code in (403, 404), response.status_code
        assert (after.status, after.version) == (case.status, case.version)


# Dialect lifecycle actions: Decisionly `file` runs file_chargeback, Tutelar verdicts run
# reject / credit_merchant on a created case (SPEC section 6). Only a `manage` key may.
DIALECT_ACTIONS = [
    ("decisionly", "POST", "/v2/issuer/cases/{case_id}/file", {"file_mode": "chargeback"}, 202, "basic_username"),
    ("tutelar", "PUT", "/api/v1/dispute/merchant-won/{case_id}", {}, 200, "basic_split"),
    ("tutelar", "PUT", "/api/v1/dispute/merchant-loss/{case_id}", {}, 200, "basic_split"),
]


@pytest.mark.parametrize("scope", ["none", "read", "write", "manage"])
@pytest.mark.parametrize(("door", "method", "path", "body", "ok", "form"), DIALECT_ACTIONS,
                         ids=[p for _, _, p, *_ in DIALECT_ACTIONS])
def test_transition_through_dialects(world, scope, door, method, path, body, ok, form):
    case = make_case(world["program"])
    client = Client() if scope == "none" else DoorClient(make_api_key(world["program"], [scope], scope)[1], form)
    response = client.generic(method, path.format(case_id=case.case_id), data=json.dumps(body),
                              content_type="application/json")
    after = Case.objects.get(pk=case.pk)
    if scope == "manage":
        assert response.status_code == ok, response.content[:300]
        assert after.status != case.status
    else:
        assert response.status_code in (401, 403), response.content[:300]
        assert (after.status, after.version) == (case.status, case.version)
