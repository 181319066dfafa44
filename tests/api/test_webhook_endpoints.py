"""The webhook-endpoint API (SPEC section 11): scope `manage`, problem+json for every bad input,
tenancy by the key, the secret shown only at create and rotate."""

import socket
import threading
import time

import pytest
from django.test import override_settings

from cases.models import WebhookDelivery, WebhookEndpoint
from cases.webhooks import urlguard
from tests.api.conftest import assert_problem
from tests.conftest import DoorClient
from tests.factories import make_api_key, make_case

BASE = "/api/v1/webhook-endpoints"
PUBLIC_URL = "https://93.184.215.14/hooks"  # a public literal address: no DNS needed


@pytest.fixture
def created(api):
    response = api.post(BASE, {"url": PUBLIC_URL, "events": ["case.created"], "description": "app"})
    assert response.status_code == 201, response.content
    return response.json()


def test_create_answers_the_secret_once(api, created):
    assert created["secret"].startswith("whsec_") and len(created["secret"]) >= 6 + 32
    assert created["events"] == ["case.created"] and created["format"] == "standard" and created["status"] == "enabled"
    shown = api.get(f"{BASE}/{created['id']}").json()
    assert "secret" not in shown and created["secret"] not in str(api.get(BASE).content)


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"url": "not a url"}, "url", "invalid_url"),
    ({"url": "ftp://93.184.215.14/x"}, "url", "invalid_url"),
    ({"url": "http://93.184.215.14/x"}, "url", "invalid_url"),  # http in production
    ({"url": "https://10.0.0.5/x"}, "url", "invalid_url"),
    ({"url": "https://127.0.0.1/x"}, "url", "invalid_url"),
    ({"url": "https://169.254.169.254/latest/meta-data"}, "url", "invalid_url"),
    ({"url": "https://[::1]/x"}, "url", "invalid_url"),
    ({"url": "https://localhost/x"}, "url", "invalid_url"),
    ({"url": "https://user:pw@93.184.215.14/x"}, "url", "invalid_url"),
    ({"url": "https://93.184.215.14/" + "a" * 3000}, "url", "invalid_url"),
    ({"url": 42}, "url", "invalid_url"),
    ({}, "url", "invalid_url"),
    ({"url": PUBLIC_URL, "events": ["case.exploded"]}, "events", "unknown_event_type"),
    ({"url": PUBLIC_URL, "events": [f"case.e{i}" for i in range(10_000)]}, "events", "too_many"),
    ({"url": PUBLIC_URL, "events": "case.created"}, "events", "invalid_type"),
    ({"url": PUBLIC_URL, "events": [1]}, "events", "invalid_type"),
    ({"url": PUBLIC_URL, "format": "xml"}, "format", "invalid_choice"),
    ({"url": PUBLIC_URL, "description": "x" * 100_000}, "description", "too_long"),
    ({"url": PUBLIC_URL, "description": "bad\x00byte"}, "description", "invalid_characters"),
])
def test_bad_input_is_a_problem_naming_the_field(api, body, field, code):
    problem = assert_problem(api.post(BASE, body), 422, "validation_error")
    assert {(e["field"], e["code"]) for e in problem["errors"]} >= {(field, code)}
    assert WebhookEndpoint.objects.count() == 0


def test_malformed_json_and_non_object_bodies_are_400_or_422(api):
    assert_problem(api.post(BASE, raw="{nope"), 400)
    assert_problem(api.post(BASE, [1, 2]), 422)


@override_settings(WEBHOOK_ALLOW_PRIVATE_URLS=True)
def test_private_and_http_urls_are_allowed_on_premises(api):
    assert api.post(BASE, {"url": "http://127.0.0.1:9/x"}).status_code == 201


def test_a_host_that_resolves_to_a_private_address_is_refused(api, monkeypatch):
    monkeypatch.setattr(urlguard.socket, "getaddrinfo",
                        lambda host, port, **kw: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port))])
    problem = assert_problem(api.post(BASE, {"url": "https://hooks.example.com/x"}), 422, "validation_error")
    assert {(e["field"], e["code"]) for e in problem["errors"]} == {("url", "invalid_url")}


def test_a_host_dns_does_not_answer_in_time_is_accepted_without_waiting_for_it(api, monkeypatch):
    released = threading.Event()

    def dropped_query(*args, **kwargs):  # the C library waits five seconds before it asks again
        released.wait(10)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(urlguard.socket, "getaddrinfo", dropped_query)
    monkeypatch.setattr(urlguard, "RESOLVE_SECONDS", 0.2)
    started = time.monotonic()
    try:
        response = api.post(BASE, {"url": "https://hooks.example.com/x", "events": ["case.created"]})
    finally:
        waited = time.monotonic() - started
        released.set()
    assert response.status_code == 201, response.content  # checked again at every send
    assert waited < 3


def test_patch_validates_and_changes(api, created):
    url = f"{BASE}/{created['id']}"
    assert_problem(api.patch(url, {"events": ["nope"]}), 422, "validation_error")
    assert_problem(api.patch(url, {"status": "paused"}), 422, "validation_error")
    changed = api.patch(url, {"events": [], "status": "disabled", "format": "decisionly"}).json()
    assert changed["events"] == [] and changed["status"] == "disabled" and changed["format"] == "decisionly"
    assert changed["disabled_reason"] == "manual"
    assert api.patch(url, {"status": "enabled"}).json()["disabled_reason"] is None


def test_rotate_returns_a_new_secret(api, created):
    rotated = api.post(f"{BASE}/{created['id']}/rotate-secret").json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"]


def test_another_programs_endpoint_is_not_found(created, other_program):
    _, raw = make_api_key(other_program, ["manage"])
    other = DoorClient(raw)
    url = f"{BASE}/{created['id']}"
    for response in (other.get(url), other.patch(url, {"description": "x"}), other.send("DELETE", url),
                     other.post(f"{url}/rotate-secret"), other.get(f"{url}/deliveries"),
                     other.post(f"{url}/replay", {"since": "2020-01-01T00:00:00Z"}),
                     other.post(f"{url}/deliveries/1/replay")):
        assert_problem(response, 404, "not_found")
    assert other.get(BASE).json()["data"] == []


def test_write_scope_may_not_manage_endpoints(api_for, created):
    assert_problem(api_for("write").get(BASE), 403)
    assert_problem(api_for("write").post(BASE, {"url": PUBLIC_URL}), 403)


def test_deliveries_list_and_replay(api, created, program, settings):
    make_case(program)
    url = f"{BASE}/{created['id']}"
    page = api.get(f"{url}/deliveries").json()
    [delivery] = page["data"]
    assert delivery["event_type"] == "case.created" and delivery["status"] == "pending"
    assert_problem(api.get(f"{url}/deliveries", {"status": "bogus"}), 400)
    assert_problem(api.post(f"{url}/deliveries/999999/replay"), 404)
    WebhookDelivery.objects.update(status="failed", next_attempt_at=None)
    replayed = api.post(f"{url}/deliveries/{delivery['id']}/replay")
    assert replayed.status_code == 202 and replayed.json()["status"] == "pending"
    WebhookDelivery.objects.update(status="failed", next_attempt_at=None)
    assert_problem(api.post(f"{url}/replay", {"since": "yesterday"}), 422, "validation_error")
    assert_problem(api.post(f"{url}/replay", {}), 422, "validation_error")
    assert api.post(f"{url}/replay", {"since": "2000-01-01T00:00:00Z"}).json() == {"replayed": 1}


def test_replay_on_a_disabled_endpoint_is_a_conflict(api, created):
    url = f"{BASE}/{created['id']}"
    api.patch(url, {"status": "disabled"})
    assert_problem(api.post(f"{url}/replay", {"since": "2000-01-01T00:00:00Z"}), 409, "endpoint_disabled")


def test_delete_removes_the_endpoint(api, created):
    assert api.send("DELETE", f"{BASE}/{created['id']}").status_code == 204
    assert_problem(api.get(f"{BASE}/{created['id']}"), 404)
