import itertools
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.conftest import DoorClient
from tests.factories import make_api_key

PROBLEM = "application/problem+json"
_SEQ = itertools.count(1)


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["type"] == f"urn:disputes:problem:{body['code']}"
    assert body["title"] and body["detail"]
    assert isinstance(body["errors"], list)
    if code:
        assert body["code"] == code, body
    return body


def case_payload(**overrides) -> dict:
    """The Decisionly seed's create-case body with a fresh ARN and a recent transaction date."""
    n = next(_SEQ)
    when = (timezone.now() - timedelta(days=10)).isoformat()
    body = {
        "reason": "product_not_received",
        "cardholder": {
            "name": "Susie Chargeback", "email": "susie@example.com", "issuer_id": f"ch-{n}", "type": "individual",
            "billing_address": {"line1": "742 Evergreen Terrace", "line2": "Unit 5B", "city": "San Francisco",
                                "state": "CA", "postal_code": "94102", "country": "US"},
        },
        "merchant": {"name": "FoodHub", "category_code": "5734", "issuer_id": f"m-{n}"},
        "transaction": {
            "arn": f"4816285524635333{n:07d}", "switch_serial_number": f"24{n:07d}", "issuer_id": f"t-{n}",
            "date": when, "amount": 2990, "currency": "USD", "system": "dual_message",
            "card": {"network": "mastercard", "last4": "4242", "expiry_month": 6, "expiry_year": 2028,
                     "type": "credit", "issuer_id": "b5te350d5135ab64a8t3c1097tadetd9ettb"},
        },
        "dispute": {"date": when, "amount": 2990, "currency": "USD", "raised_by": "cardholder"},
        "issuer_evidence": {"cardholder_explanation": "I never received this order"},
        "custom_fields": {"card_program": "CardHub", "wallet_type": "mobile"},
    }
    body.update(overrides)
    return body


def transaction_payload(**overrides) -> dict:
    n = next(_SEQ)
    body = {
        "external_id": f"ext-{n}", "arn": f"5816285524635333{n:07d}", "date": (timezone.now() - timedelta(days=5)).isoformat(),
        "amount": 15000, "currency": "USD", "status": "success", "gateway_order_id": f"order-{n}",
        "payment_type": "card",
        "card": {"network": "visa", "last4": "1881", "expiry_month": 1, "expiry_year": 2030, "type": "debit"},
        "merchant": {"name": "Northwind", "category_code": "5732", "issuer_id": f"nw-{n}"},
        "cardholder": {"name": "Arjun Patel", "email": "arjun@example.com", "issuer_id": f"ap-{n}"},
    }
    body.update(overrides)
    return body


@pytest.fixture(autouse=True)
def _fresh_throttle_history():
    # The throttle counts requests in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api(api_keys):
    """A client with a `manage` key (every scope) of `program`."""
    return DoorClient(api_keys["manage"][1])


@pytest.fixture
def api_for(api_keys):
    """api_for("read" | "write" | "manage" | "none" | raw key) -> DoorClient."""
    none_key = make_api_key(api_keys["read"][0].program, [], "no scopes")

    def build(which: str) -> DoorClient:
        if which == "none":
            return DoorClient(none_key[1])
        if which in api_keys:
            return DoorClient(api_keys[which][1])
        return DoorClient(which)

    return build


@pytest.fixture
def anon():
    return DoorClient()


@pytest.fixture
def other_api(other_program):
    """A `manage` client of another program."""
    return DoorClient(make_api_key(other_program, ["read", "write", "manage"], "other")[1])
