"""Property-based fuzzing of the write endpoints: whatever the body, never a 500, errors always problem+json."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import PROBLEM, case_payload
from tests.factories import make_case

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

BASE_BODY = json.dumps(case_payload(transaction={**case_payload()["transaction"], "date": "2026-01-15T10:00:00Z"},
                                    dispute={"amount": 100, "currency": "USD"}))
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.floats(allow_nan=False),
    st.text(max_size=40), st.sampled_from(["", "2025-13-45", "USD", "mastercard", "\x00", "9" * 40, "-1", "1e309"]),
)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(max_size=12), inner, max_size=4), max_leaves=12)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))


@st.composite
def mutated_case_bodies(draw):
    """The valid create body with one field replaced or removed, or random JSON, or a truncated body."""
    body = json.loads(BASE_BODY)  # the same bytes every run: hypothesis replays draws against it
    kind = draw(st.sampled_from(["replace", "remove", "random", "truncate"]))
    if kind == "random":
        return json.dumps(draw(json_values))
    if kind == "truncate":
        return BASE_BODY[: draw(st.integers(min_value=0, max_value=len(BASE_BODY) - 1))]
    path = draw(st.sampled_from([p for p in _paths(body) if p]))
    parent = body
    for key in path[:-1]:
        parent = parent[key]
    if kind == "remove":
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(json_values)
    return json.dumps(body)


def _assert_handled(response):
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        assert response["Content-Type"] == PROBLEM
        assert response.json()["code"]


@FUZZ
@given(raw=mutated_case_bodies())
def test_create_never_fails_with_a_server_error(api, raw):
    _assert_handled(api.post("/api/v1/cases", raw=raw))


@FUZZ
@given(body=st.one_of(json_values, st.fixed_dictionaries(
    {"transition": st.one_of(json_values, st.sampled_from(["file_chargeback", "withdraw", "win", "expire"]))},
    optional={"note": json_values})))
def test_transition_never_fails_with_a_server_error(api, program, body):
    case = make_case(program)
    _assert_handled(api.post(f"/api/v1/cases/{case.case_id}/transitions", raw=json.dumps(body)))
