"""Fuzz every create endpoint (bounded): random, truncated and mutated bodies never give a 500 and
always come back in the dialect's envelope."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import TransactionFactory
from tests.providers.conftest import load_payload

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=100, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


def mastercard_envelope(body):
    error = body["Errors"]["Error"][0]
    assert error["Source"] == "DISPUTES" and error["ReasonCode"]


def decisionly_envelope(body):
    assert set(body["error"]) == {"type", "code", "message", "param"}


def tutelar_envelope(body):
    assert set(body) == {"success", "code", "message", "data"}
    assert body["success"] is False and body["code"] == 300 and body["data"] == {}


CREATE = {
    "mastercard": ("/global-processing/dispute/cases", mastercard_envelope,
                   {"financialDocumentId": 30004, "reasonCode": "4837", "caseComments": "a=b;c=d"}),
    "decisionly": ("/v2/issuer/cases", decisionly_envelope, load_payload("decisionly", "create_case_request.json")),
    "tutelar": ("/api/v1/dispute/create", tutelar_envelope, load_payload("tutelar", "create_request.json")),
}


@pytest.fixture(params=list(CREATE))
def target(request, program):
    TransactionFactory(program=program, financial_document_id=30004)
    return CREATE[request.param]


def check(response, envelope):
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        envelope(response.json())


def leaf_paths(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaf_paths(item, (*path, key))
    yield path


def replaced(document, path, value):
    document = json.loads(json.dumps(document))
    if not path:
        return value
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return document


@FUZZ
@given(data=st.data())
def test_random_bodies(api, target, data):
    path, envelope, _ = target
    raw = data.draw(st.one_of(st.binary(max_size=200), st.text(max_size=200),
                              json_values.map(lambda v: json.dumps(v, allow_nan=True))))
    check(api.post(path, raw=raw), envelope)


@FUZZ
@given(data=st.data())
def test_truncated_bodies(api, target, data):
    path, envelope, golden = target
    text = json.dumps(golden)
    cut = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    check(api.post(path, raw=text[:cut]), envelope)


@FUZZ
@given(data=st.data())
def test_one_field_replaced_by_anything(api, target, data):
    path, envelope, golden = target
    where = data.draw(st.sampled_from(list(leaf_paths(golden))))
    value = data.draw(json_values)
    check(api.post(path, raw=json.dumps(replaced(golden, where, value), allow_nan=True)), envelope)
