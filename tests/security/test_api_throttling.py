"""API throttling (SPEC section 9): past its rate a caller gets 429 with Retry-After, per caller."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from tests.factories import make_api_key
from tests.security.callers import api_client


@pytest.fixture
def tight_rate():
    cache.clear()
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"client": "5/min"}}):
        yield 5
    cache.clear()


def test_native_api_answers_429_with_retry_after(program, tight_rate):
    noisy = api_client(make_api_key(program, ["read"], "noisy")[1])
    statuses = [noisy.get("/api/v1/cases").status_code for _ in range(tight_rate + 3)]
    assert statuses == [200] * tight_rate + [429] * 3
    refused = noisy.get("/api/v1/cases")
    assert refused.json()["code"] == "throttled" and refused["Content-Type"].startswith("application/problem+json")
    assert 1 <= int(refused["Retry-After"]) <= 60
    quiet = api_client(make_api_key(program, ["read"], "quiet")[1])
    assert quiet.get("/api/v1/cases").status_code == 200  # one caller's flood does not stop another


def test_writes_are_throttled_too(program, tight_rate):
    client = api_client(make_api_key(program, ["write"], "writer")[1])
    statuses = [client.post("/api/v1/cases", {}, content_type="application/json").status_code
                for _ in range(tight_rate + 1)]
    assert statuses[-1] == 429 and 429 not in statuses[:-1]
