"""Concurrent requests on PostgreSQL: one Idempotency-Key runs once; one transaction gets one open case."""

import time
from unittest import mock

import pytest

from cases import services
from cases.models import Case, IdempotencyKey
from tests.api.conftest import case_payload
from tests.conftest import DoorClient, concurrently
from tests.factories import ProgramFactory, make_api_key

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def raw_key():
    return make_api_key(ProgramFactory(program_id="prog_pg"), ["read", "write", "manage"], "pg")[1]


def test_one_key_two_concurrent_requests_run_once(raw_key):
    body = case_payload()
    real_create = services.case_create

    def slow_create(**kwargs):
        time.sleep(0.5)  # hold the first request in flight while the second arrives
        return real_create(**kwargs)

    with mock.patch("cases.api.views.cases.services.case_create", side_effect=slow_create) as create:
        responses = concurrently([lambda: DoorClient(raw_key).post(
            "/api/v1/cases", body, **{"Idempotency-Key": "concurrent-1"})] * 2)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 409], [r.content for r in responses]
    conflict = next(r for r in responses if r.status_code == 409)
    assert conflict.json()["code"] == "idempotency_key_in_use"
    assert create.call_count == 1
    assert Case.objects.count() == 1
    replay = DoorClient(raw_key).post("/api/v1/cases", body, **{"Idempotency-Key": "concurrent-1"})
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert IdempotencyKey.objects.get().in_flight is False


def test_concurrent_creates_on_one_transaction_open_one_case(raw_key):
    body = case_payload()
    responses = concurrently([lambda: DoorClient(raw_key).post("/api/v1/cases", body)] * 4)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 409, 409, 409], [r.content for r in responses]
    winner = next(r for r in responses if r.status_code == 201).json()["case_id"]
    assert {r.json()["case_id"] for r in responses if r.status_code == 409} == {winner}
    assert Case.objects.count() == 1


def test_concurrent_identical_transitions_run_once(raw_key):
    created = DoorClient(raw_key).post("/api/v1/cases", case_payload()).json()
    url = f"/api/v1/cases/{created['case_id']}/transitions"
    responses = concurrently([lambda: DoorClient(raw_key).post(url, {"transition": "file_chargeback"})] * 4)
    assert sorted(r.status_code for r in responses) == [200, 409, 409, 409]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"transition_not_allowed"}
    assert Case.objects.get().events.filter(kind="transition").count() == 1
