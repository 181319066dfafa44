"""Bad input never 500s (SPEC section 9): every door's write endpoints against a malformed corpus,
fuzzed bodies (hypothesis, bounded), oversized bodies and broken multipart. Each answer is a 4xx in
the door's own envelope (or a success), and a refused request stores nothing."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DoorClient
from tests.factories import TransactionFactory, make_api_key, make_case
from tests.reliability.bad_input import MALFORMED, nasty_value, oversized_body, paths, replace, stored_state
from tests.reliability.doors import CREATE_PATHS, DOORS, create_body, is_envelope

FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Every write endpoint of every door (SPEC sections 5-6); {case_id} and {number} name a live case.
WRITE_ENDPOINTS = [
    ("native", "POST", "/api/v1/cases"),
    ("native", "PATCH", "/api/v1/cases/{case_id}"),
    ("native", "POST", "/api/v1/cases/{case_id}/transitions"),
    ("native", "POST", "/api/v1/cases/{case_id}/notes"),
    ("native", "POST", "/api/v1/cases/{case_id}/trusted-amount"),
    ("native", "POST", "/api/v1/transactions"),
    ("native", "POST", "/api/v1/claims"),
    ("mastercard", "POST", "/global-processing/dispute/cases"),
    ("mastercard", "POST", "/global-processing/dispute/cases/{number}/trusted-amounts"),
    ("mastercard", "POST", "/global-processing/dispute/cases/{number}/attachments"),
    ("decisionly", "POST", "/v2/issuer/cases"),
    ("decisionly", "PUT", "/v2/issuer/cases/{case_id}"),
    ("decisionly", "POST", "/v2/issuer/cases/{case_id}/file"),
    ("decisionly", "POST", "/v2/issuer/claims"),
    ("tutelar", "POST", "/api/v1/dispute/create"),
    ("tutelar", "PATCH", "/api/v1/dispute/update/{case_id}"),
    ("tutelar", "PUT", "/api/v1/dispute/move-level/{case_id}"),
    ("tutelar", "PUT", "/api/v1/dispute/merchant-won/{case_id}"),
    ("tutelar", "PUT", "/api/v1/dispute/merchant-loss/{case_id}"),
]
ENDPOINT_IDS = [f"{door}:{method}:{path}" for door, method, path in WRITE_ENDPOINTS]


@pytest.fixture
def door_key(program):
    return make_api_key(program, ["read", "write", "manage"], "fuzz")[1]


@pytest.fixture
def target(program):
    return make_case(program, path=["file_chargeback"])


def send(door, method, path, body: bytes, key, content_type="application/json"):
    response = DoorClient(key, door).send(method, path, raw=body, content_type=content_type)
    try:
        parsed = json.loads(response.content) if response.content else None
    except ValueError:
        parsed = None
    return response, parsed


def assert_refused_cleanly(door, response, parsed, before, label):
    assert response.status_code < 500, f"{label}: {response.status_code} {response.content[:300]!r}"
    if response.status_code >= 400:
        assert is_envelope(door, response.status_code, parsed), f"{label}: {response.content[:300]!r}"
        if door == "native":
            assert response["Content-Type"].startswith("application/problem+json"), label
        assert stored_state() == before, f"{label}: a refused request stored something"


@pytest.mark.parametrize(("door", "method", "path"), WRITE_ENDPOINTS, ids=ENDPOINT_IDS)
def test_malformed_corpus(door, method, path, door_key, target):
    url = path.format(case_id=target.case_id, number=target.number)
    for name, body in MALFORMED.items():
        before = stored_state()
        response, parsed = send(door, method, url, body, door_key)
        assert_refused_cleanly(door, response, parsed, before, f"{name} -> {method} {url}")
        if name in ("truncated", "bad_utf8", "deep_arrays", "deep_objects", "trailing_garbage", "array",
                    "nul_escape", "lone_surrogate"):
            assert 400 <= response.status_code < 500, f"{name} -> {method} {url}: {response.status_code}"


# SPEC section 9: oversized bodies are 413 in every door, in the door's own envelope.
OVERSIZED_STATUS = {"native": 413, "mastercard": 413, "decisionly": 413, "tutelar": 413}


@pytest.mark.parametrize(("door", "method", "path"), WRITE_ENDPOINTS, ids=ENDPOINT_IDS)
def test_oversized_body_is_refused(door, method, path, door_key, target):
    url = path.format(case_id=target.case_id, number=target.number)
    before = stored_state()
    response, parsed = send(door, method, url, oversized_body(), door_key)
    assert response.status_code == OVERSIZED_STATUS[door], response.content[:300]
    assert is_envelope(door, response.status_code, parsed)
    assert stored_state() == before


@pytest.mark.parametrize(("door", "method", "path"), WRITE_ENDPOINTS, ids=ENDPOINT_IDS)
@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/x-www-form-urlencoded"])
def test_wrong_content_type(door, method, path, content_type, door_key, target):
    url = path.format(case_id=target.case_id, number=target.number)
    before = stored_state()
    response, parsed = send(door, method, url, b"reason=fraud&transition=withdraw", door_key, content_type)
    if path in CREATE_PATHS.values():  # a create cannot succeed without its JSON body
        assert 400 <= response.status_code < 500, response.content[:300]
    assert_refused_cleanly(door, response, parsed, before, f"{content_type} -> {method} {url}")


@pytest.mark.parametrize("door", DOORS)
@FUZZ
@given(data=st.data())
def test_fuzzed_create_bodies(door, data, program, door_key):
    """A valid create request with one part replaced by a nasty value (type, size, sign, characters)."""
    txn = TransactionFactory(program=program, amount=20000, card_network="mastercard")
    body = create_body(door, txn)
    path = data.draw(st.sampled_from(list(paths(body))), label="path")
    mutated = replace(body, path, data.draw(nasty_value, label="value"))
    before = stored_state()
    response, parsed = send(door, "POST", CREATE_PATHS[door], json.dumps(mutated).encode(), door_key)
    assert_refused_cleanly(door, response, parsed, before, f"{door} create with {path!r} replaced")


CASE_WRITES = [
    ("native", "POST", "/api/v1/cases/{case_id}/transitions", {"transition": "withdraw", "note": "x"}),
    ("native", "PATCH", "/api/v1/cases/{case_id}", {"level": "level_2", "custom_fields": {"a": "b"}}),
    ("native", "POST", "/api/v1/cases/{case_id}/notes", {"text": "Called the merchant."}),
    ("native", "POST", "/api/v1/cases/{case_id}/trusted-amount", {"amount": 1000, "currency": "USD"}),
    ("mastercard", "POST", "/global-processing/dispute/cases/{number}/trusted-amounts",
     {"currency": "USD", "newAmount": 150.00, "commentText": "partial"}),
    ("decisionly", "PUT", "/v2/issuer/cases/{case_id}", {"custom_fields": {"a": "b"}}),
    ("tutelar", "PUT", "/api/v1/dispute/move-level/{case_id}",
     {"level": "level_2", "dueDate": "2030-01-01", "comments": "escalated"}),
]


@pytest.mark.parametrize(("door", "method", "path", "body"), CASE_WRITES, ids=[f"{d}:{p}" for d, _, p, _ in CASE_WRITES])
@FUZZ
@given(data=st.data())
def test_fuzzed_case_writes(door, method, path, body, data, program, door_key):
    case = make_case(program, path=["file_chargeback"])
    url = path.format(case_id=case.case_id, number=case.number)
    at = data.draw(st.sampled_from(list(paths(body))), label="path")
    mutated = replace(body, at, data.draw(nasty_value, label="value"))
    before = stored_state()
    response, parsed = send(door, method, url, json.dumps(mutated).encode(), door_key)
    assert_refused_cleanly(door, response, parsed, before, f"{method} {path} with {at!r} replaced")


QUERIES = st.dictionaries(
    st.sampled_from(["limit", "starting_after", "ending_before", "status", "reason", "network", "level",
                     "amount_min", "amount_max", "created_after", "created_before", "next_deadline_before",
                     "overdue", "q", "ordering", "program", "dispute_type", "source", "review_status"]),
    st.one_of(st.sampled_from(["-1", "0", "101", "10" * 30, "1e999", "NaN", "abc", "2025-13-45", "\x00", "%00",
                               "true", "open", "closed", "' OR 1=1"]), st.text(max_size=40)),
    max_size=4,
)
LISTS = [("native", "/api/v1/cases"), ("native", "/api/v1/transactions"), ("native", "/api/v1/claims"),
         ("decisionly", "/v2/issuer/cases")]


@pytest.mark.parametrize(("door", "path"), LISTS)
@FUZZ
@given(query=QUERIES)
def test_fuzzed_list_queries(door, path, query, program, door_key):
    response = DoorClient(door_key, door).get(path, query)
    assert response.status_code < 500, (query, response.content[:300])
    if response.status_code >= 400:
        assert is_envelope(door, response.status_code, json.loads(response.content))


BROKEN_MULTIPART = {
    "no_boundary": ("multipart/form-data", b"--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc\r\n--x--"),
    "wrong_boundary": ("multipart/form-data; boundary=abc", b"--xyz\r\nContent-Disposition: form-data; "
                       b"name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.4\r\n--xyz--\r\n"),
    "truncated": ("multipart/form-data; boundary=abc", b"--abc\r\nContent-Disposition: form-data; name=\"file\"; "
                  b"filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 trunc"),
    "bad_header": ("multipart/form-data; boundary=abc", b"--abc\r\nContent-Disposition\r\n\r\nx\r\n--abc--\r\n"),
    "empty": ("multipart/form-data; boundary=abc", b""),
    "boundary_too_long": ("multipart/form-data; boundary=" + "b" * 300, b"--" + b"b" * 300 + b"--\r\n"),
    "no_file_part": ("multipart/form-data; boundary=abc", b"--abc\r\nContent-Disposition: form-data; "
                     b"name=\"category\"\r\n\r\nother\r\n--abc--\r\n"),
    "executable": ("multipart/form-data; boundary=abc", b"--abc\r\nContent-Disposition: form-data; name=\"file\"; "
                   b"filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\nMZ\x90\x00\x03\r\n--abc--\r\n"),
}


@pytest.mark.parametrize("name", BROKEN_MULTIPART)
def test_broken_multipart_evidence_upload(name, door_key, target):
    content_type, body = BROKEN_MULTIPART[name]
    before = stored_state()
    response, parsed = send("native", "POST", f"/api/v1/cases/{target.case_id}/evidence", body, door_key,
                            content_type)
    assert 400 <= response.status_code < 500, response.content[:300]
    assert_refused_cleanly("native", response, parsed, before, name)


def test_nul_in_an_uploaded_file_name_is_not_stored(door_key, target):
    body = (b"--abc\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\x00.pdf\"\r\n"
            b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n%%EOF\r\n--abc--\r\n")
    response, parsed = send("native", "POST", f"/api/v1/cases/{target.case_id}/evidence", body, door_key,
                            "multipart/form-data; boundary=abc")
    # The file is kept (its content is a PDF); the NUL never reaches the stored name.
    assert response.status_code == 201, response.content[:300]
    assert parsed["name"] == target.evidence.get().original_name == "a.pdf"
