"""Webhooks carried by real processes (SPEC sections 10 and 11): gunicorn, Celery workers and beat
on one PostgreSQL and RabbitMQ. Faults: receivers that fail, hang, hang up, are gone or throttle;
a broker that is down when a case is created; a worker killed mid-delivery; and the production
shape, 2 web servers + 2 workers, losing nothing."""

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.db import connections
from standardwebhooks import Webhook

from cases.choices import WebhookDeliveryStatus
from cases.models import Case, CaseEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tests.api.conftest import case_payload
from tests.factories import make_api_key
from tests.pg.live import LiveServer, wait_for
from tests.webhooks.processes import UNREACHABLE_BROKER, Engine
from tests.webhooks.receiver import Receiver

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def engine(tmp_path, monkeypatch):
    engine = Engine(tmp_path)
    # gunicorn (tests/pg/live.py) inherits the environment: give it this test's broker and queue.
    for name, value in engine.env().items():
        if name.startswith(("CELERY_", "WEBHOOK_", "OUTBOX_")):
            monkeypatch.setenv(name, value)
    call_command("setup_schedules", stdout=open("/dev/null", "w"))  # noqa: SIM115
    yield engine
    engine.stop()


@pytest.fixture
def servers(tmp_path):
    started = []

    def start(count: int = 1, **env):
        for _ in range(count):
            with pytest.MonkeyPatch.context() as patch:
                for name, value in env.items():
                    patch.setenv(name, value)
                server = LiveServer(workers=1, threads=4)
                started.append(server)  # stopped at teardown even when it fails to start
                server.start(tmp_path)
        return started[-count:]

    yield start
    for server in started:
        server.stop()


def auth(raw_key):
    return {"Authorization": f"Bearer {raw_key}"}


def add_endpoint(server, raw_key, url, **extra) -> dict:
    response = server.request("POST", "/api/v1/webhook-endpoints", json_body={"url": url, **extra},
                              headers=auth(raw_key))
    assert response.status == 201, response.body
    return response.json()


def create_case(server, raw_key) -> str:
    response = server.request("POST", "/api/v1/cases", json_body=case_payload(), headers=auth(raw_key))
    assert response.status == 201, response.body
    return response.json()["case_id"]


def delivered_count() -> int:
    connections.close_all()
    return WebhookDelivery.objects.filter(status=WebhookDeliveryStatus.DELIVERED).count()


def test_receiver_faults_are_retried_on_schedule_or_disable(engine, servers, program):
    _, raw = make_api_key(program)
    [web] = servers()
    engine.worker()
    engine.beat()
    receivers = {name: Receiver(script).__enter__() for name, script in {
        "500_then_200": [500, 200], "hang_then_200": ["hang", 200], "close_then_200": ["close", 200],
        "gone": [410], "throttled_then_200": [(429, {"Retry-After": "7"}), 200]}.items()}
    try:
        endpoints = {name: add_endpoint(web, raw, r.url, events=["case.created"]) for name, r in receivers.items()}
        started = time.monotonic()
        create_case(web, raw)
        wait_for(lambda: delivered_count() == 4, timeout=90, interval=0.5, what="four deliveries")
        elapsed = time.monotonic() - started
    finally:
        for r in receivers.values():
            r.__exit__(None, None, None)
    for name, r in receivers.items():
        secret = endpoints[name]["secret"]
        ids = {req["headers"]["webhook-id"] for req in r.requests}
        assert len(ids) == 1, name  # the same webhook-id on every attempt
        for req in r.requests:
            assert Webhook(secret).verify(req["body"], req["headers"])["type"] == "case.created"
    assert [len(r.requests) for r in receivers.values()] == [2, 2, 2, 1, 2]
    hang = WebhookAttempt.objects.filter(delivery__endpoint__endpoint_id=endpoints["hang_then_200"]["id"]).first()
    assert hang.status_code is None and "15 s" in hang.error and 14_500 <= hang.latency_ms <= 17_000
    throttled = receivers["throttled_then_200"].requests
    assert throttled[1]["at"] - throttled[0]["at"] >= 6.5  # Retry-After 7 s beats the 5 s step
    gone = WebhookEndpoint.objects.get(endpoint_id=endpoints["gone"]["id"])
    assert gone.status == "disabled" and gone.disabled_reason == "gone"
    assert elapsed < 90


def test_broker_down_when_the_case_is_created_is_delivered_when_it_returns(engine, servers, program):
    _, raw = make_api_key(program)
    [web] = servers(CELERY_BROKER_URL=UNREACHABLE_BROKER)
    with Receiver() as receiver:
        endpoint = add_endpoint(web, raw, receiver.url)
        case_id = create_case(web, raw)  # the broker is unreachable: the request still succeeds
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == WebhookDeliveryStatus.PENDING and receiver.requests == []
        # The process's publisher, not the request, finds the broker down, and says so.
        wait_for(lambda: "broker unavailable" in web.log_path.read_text(), timeout=15, interval=0.2,
                 what="the publisher's warning")
        engine.worker()
        engine.beat()
        wait_for(lambda: len(receiver.requests) >= 1, timeout=45, interval=0.2, what="the relayed delivery")
        body = Webhook(endpoint["secret"]).verify(receiver.requests[0]["body"], receiver.requests[0]["headers"])
    assert body["data"]["case_id"] == case_id
    wait_for(lambda: delivered_count() == 1, timeout=10, what="delivered status")


def test_worker_killed_mid_delivery_delivers_again(engine, servers, program):
    _, raw = make_api_key(program)
    [web] = servers()
    with Receiver(["hang", 200], hang_seconds=12) as receiver:
        endpoint = add_endpoint(web, raw, receiver.url)
        worker = engine.worker()
        engine.beat()
        create_case(web, raw)
        wait_for(lambda: len(receiver.requests) == 1, timeout=30, interval=0.1, what="the first attempt")
        engine.kill(worker)  # SIGKILL, worker and pool, while the receiver holds the request
        assert WebhookDelivery.objects.get().status == WebhookDeliveryStatus.PENDING
        engine.worker(name="worker-2")
        wait_for(lambda: delivered_count() == 1, timeout=60, interval=0.5, what="delivery after the crash")
    ids = {r["headers"]["webhook-id"] for r in receiver.requests}
    assert len(receiver.requests) >= 2 and len(ids) == 1
    for request in receiver.requests:
        Webhook(endpoint["secret"]).verify(request["body"], request["headers"])


def test_two_web_servers_and_two_workers_lose_nothing(engine, servers, program):
    """200 cases created on one server and moved on the other: 400 events, each delivered, signed."""
    _, raw = make_api_key(program)
    web_a, web_b = servers(2)
    engine.worker(concurrency=1, name="worker-a")
    engine.worker(concurrency=1, name="worker-b")
    engine.beat()
    with Receiver() as receiver:
        endpoint = add_endpoint(web_a, raw, receiver.url, events=["case.created", "case.status_changed"])

        def one(i):
            first, second = (web_a, web_b) if i % 2 else (web_b, web_a)
            case_id = create_case(first, raw)
            moved = second.request("POST", f"/api/v1/cases/{case_id}/transitions",
                                   json_body={"transition": "file_chargeback"}, headers=auth(raw))
            assert moved.status == 200, moved.body
            return case_id

        with ThreadPoolExecutor(max_workers=8) as pool:
            case_ids = list(pool.map(one, range(200)))
        wait_for(lambda: delivered_count() == 400, timeout=180, interval=0.5, what="400 deliveries")
        requests = list(receiver.requests)
    connections.close_all()
    assert Case.objects.count() == 200 == len(set(case_ids))
    assert CaseEvent.objects.count() == 400
    stored = set(WebhookDelivery.objects.values_list("event_id", flat=True))
    assert len(stored) == 400 and WebhookDelivery.objects.count() == 400
    received = {r["headers"]["webhook-id"] for r in requests}
    assert received == stored  # every event delivered at least once, none lost, none invented
    verifier = Webhook(endpoint["secret"])
    seen = set()
    for request in requests:
        body = verifier.verify(request["body"], request["headers"])
        seen.add((body["data"]["case_id"], body["type"]))
    assert seen == {(c, t) for c in case_ids for t in ("case.created", "case.status_changed")}
    assert json.loads(requests[0]["body"])["data"]["program_id"] == program.program_id
