"""Every answer from an API path is problem+json (SPEC section 15): unknown paths with any method,
CSRF refusals, and a session cookie riding along with an API key."""

import pytest

from tests.api.conftest import assert_problem
from tests.conftest import DoorClient, logged_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v1/cases/x/y/z", "/api/v2/cases", "/api/nothing"])
def test_unknown_api_paths_are_problem_404_with_any_method(api_keys, method, path):
    client = DoorClient(api_keys["write"][1])
    client.client.enforce_csrf_checks = True
    response = client.send(method, path, {"note": "x"})
    assert_problem(response, 404, "not_found")


def test_session_cookie_beside_an_api_key_is_the_key_s_request(api_keys, analyst):
    """A back-office session cookie riding along with an API key: the key authenticates, no CSRF."""
    session = logged_in(analyst, enforce_csrf_checks=True)
    client = DoorClient(api_keys["write"][1], client=session)
    response = client.post("/api/v1/nothing", {"note": "x"})
    assert_problem(response, 404, "not_found")
    response = client.post("/api/v1/claims", {"case_ids": ["case_missing"]})
    assert response["Content-Type"] == "application/problem+json"
    assert response.status_code == 404


def test_csrf_refusal_under_api_is_problem_json(analyst, program):
    client = logged_in(analyst, enforce_csrf_checks=True)
    response = client.post("/api/v1/nothing", data="{}", content_type="application/json")
    assert_problem(response, 404)
    response = client.post("/api/v1/cases", data="{}", content_type="application/json")
    assert_problem(response, 403, "permission_denied")


def test_csrf_refusal_elsewhere_is_django_s_page(analyst):
    client = logged_in(analyst, enforce_csrf_checks=True)
    response = client.post("/cases/", data={})
    assert response.status_code in (403, 404, 405)
    assert "problem+json" not in response["Content-Type"]
