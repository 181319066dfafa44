"""API throttling (SPEC section 9): past its rate a caller gets 429 with Retry-After, per caller."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from tests.conftest import DoorClient
from tests.factories import make_api_key, make_case
from tests.reliability.doors import is_envelope


@pytest.fixture
def tight_rate():
    cache.clear()
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"client": "5/min"}}):
        yield 5
    cache.clear()


def test_native_api_answers_429_with_retry_after(program, tight_rate):
    noisy = DoorClient(make_api_key(program, ["read"], "noisy")[1])
    statuses = [noisy.get("/api/v1/cases").status_code for _ in range(tight_rate + 3)]
    assert statuses == [200] * tight_rate + [429] * 3
    refused = noisy.get("/api/v1/cases")
    assert refused.json()["code"] == "throttled" and refused["Content-Type"].startswith("application/problem+json")
    assert 1 <= int(refused["Retry-After"]) <= 60
    quiet = DoorClient(make_api_key(program, ["read"], "quiet")[1])
    assert quiet.get("/api/v1/cases").status_code == 200  # one caller's flood does not stop another


def test_writes_are_throttled_too(program, tight_rate):
    client = DoorClient(make_api_key(program, ["write"], "writer")[1])
    statuses = [client.post("/api/v1/cases", {}, content_type="application/json").status_code
                for _ in range(tight_rate + 1)]
    assert statuses[-1] == 429 and 429 not in statuses[:-1]


DIALECT_READS = {
    "mastercard": ("/global-processing/dispute/cases/{number}", "bearer"),
    "decisionly": ("/v2/issuer/cases", "basic_username"),
    "tutelar": ("/api/v1/dispute/view/{case_id}", "basic_split"),
}


@pytest.mark.parametrize("door", DIALECT_READS)
def test_dialects_answer_429_in_their_envelope(door, program, tight_rate):
    case = make_case(program)
    path, form = DIALECT_READS[door]
    client = DoorClient(make_api_key(program, ["read"], door)[1], form)
    url = path.format(number=case.number, case_id=case.case_id)
    statuses = [client.get(url).status_code for _ in range(tight_rate)]
    assert statuses == [200] * tight_rate
    refused = client.get(url)
    assert refused.status_code == 429
    assert is_envelope(door, 429, refused.json())
    assert 1 <= int(refused["Retry-After"]) <= 60


def test_one_budget_per_key_across_doors(program, tight_rate):
    """A key's rate is shared by every door: switching dialect does not buy more requests."""
    case = make_case(program)
    raw = make_api_key(program, ["read"], "roaming")[1]
    calls = [DoorClient(raw).get("/api/v1/cases"),
             DoorClient(raw, "basic_username").get("/v2/issuer/cases"),
             DoorClient(raw).get(f"/global-processing/dispute/cases/{case.number}"),
             DoorClient(raw, "basic_split").get(f"/api/v1/dispute/view/{case.case_id}"),
             DoorClient(raw).get("/api/v1/cases")]
    assert [c.status_code for c in calls] == [200] * tight_rate
    assert DoorClient(raw, "basic_username").get("/v2/issuer/cases").status_code == 429
