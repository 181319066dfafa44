"""Faults in the middle of a request: the database connection dropped, the worker process killed.

A second PostgreSQL connection holds a lock the request needs, so the request is caught inside its
database transaction (after it has written the transaction and parties, before the case); then the
server's backend is terminated, or its gunicorn worker SIGKILLed. Nothing may be half-written, the
caller gets a 5xx in its door's envelope (or a dropped connection when its worker died), and the
next request succeeds.
"""

import os
import signal
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Cardholder, Case, CaseEvent, IdempotencyKey, Merchant, Transaction
from tests.conftest import authorization
from tests.factories import TransactionFactory, make_api_key, make_case
from tests.pg.live import LiveServer, pg_connect, server_backends, wait_for
from tests.pg.test_live_concurrency import verify_audit
from tests.reliability.doors import CREATE_PATHS, DOORS, create_body, is_envelope

pytestmark = [pytest.mark.postgres]


@pytest.fixture
def key(committed, program):
    return make_api_key(program, ["read", "write", "manage"], "faults")[1]


def new_transaction(program):
    """A transaction described in the request, not yet in the store (so the request records it)."""
    return TransactionFactory.build(program=program, amount=20000, card_network="mastercard",
                                    external_id=f"txn_{uuid.uuid4().hex[:12]}",
                                    arn="7" + str(uuid.uuid4().int)[:22].rjust(22, "0"))


def fault_body(door: str, program) -> dict:
    if door == "mastercard":  # Mastercard only ever references a stored transaction
        return create_body(door, TransactionFactory(program=program, amount=20000, card_network="mastercard"))
    body = create_body("decisionly" if door == "native" else door, new_transaction(program))
    return body


def rows() -> dict:
    return {model.__name__: model.objects.count() for model in (Case, CaseEvent, Transaction, Merchant, Cardholder)}


def blocked_request(server, pg, admin, lock_sql: str, params, method: str, path: str, body, headers):
    """Send the request while `lock_sql` (run in `pg`'s transaction) blocks it; return (future, the
    server backend's pid). `admin` is an autocommit connection: pg_stat_activity is read once per
    transaction, so it is polled outside the locking one."""
    pg.execute(lock_sql, params)
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(server.request, method, path, json_body=body, headers=headers, timeout=30)
    pool.shutdown(wait=False)
    [pid] = wait_for(lambda: server_backends(admin, waiting_on_lock=True), what="the request to wait on the lock")
    return future, pid


@pytest.mark.parametrize("door", DOORS)
def test_connection_dropped_mid_create(live, program, key, door, figures):
    body = fault_body(door, program)
    headers = {"Authorization": authorization(key, door), "Idempotency-Key": f"fault-{door}"}
    before = rows()
    with pg_connect(autocommit=False) as pg, pg_connect() as admin:
        future, pid = blocked_request(live, pg, admin, "LOCK TABLE cases_case IN EXCLUSIVE MODE", [], "POST",
                                      CREATE_PATHS[door], body, headers)
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
        response = future.result(timeout=30)
        pg.rollback()

    assert response.status >= 500, response
    assert is_envelope(door, response.status, response.json()), response.body[:300]
    if door == "native":
        assert response.headers["Content-Type"].startswith("application/problem+json")
    assert rows() == before, "a half-written create survived the dropped connection"
    assert not IdempotencyKey.objects.filter(key=f"fault-{door}").exists(), "a 5xx result must not be kept"

    retry = live.request("POST", CREATE_PATHS[door], json_body=body, headers=headers)
    assert retry.status == 201, retry.body[:300]
    assert rows()["Case"] == before["Case"] + 1
    assert "offending=0" in verify_audit()
    figures(f"connection_dropped_mid_create_{door}", status=response.status, envelope="yes",
            rows_written=0, retry_status=retry.status)


def test_connection_dropped_mid_transition(live, program, key, figures):
    case = make_case(program)
    path = f"/api/v1/cases/{case.case_id}/transitions"
    headers = {"Authorization": authorization(key, "native")}
    events = CaseEvent.objects.filter(case=case).count()
    with pg_connect(autocommit=False) as pg, pg_connect() as admin:
        future, pid = blocked_request(live, pg, admin, "SELECT 1 FROM cases_case WHERE number = %s FOR UPDATE",
                                      [case.number], "POST", path, {"transition": "file_chargeback"}, headers)
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
        response = future.result(timeout=30)
        pg.rollback()

    assert response.status >= 500
    assert is_envelope("native", response.status, response.json())
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.status, fresh.version) == (case.status, case.version)
    assert CaseEvent.objects.filter(case=case).count() == events
    retry = live.request("POST", path, json_body={"transition": "file_chargeback"}, headers=headers)
    assert retry.status == 200, retry.body[:300]
    assert Case.objects.get(pk=case.pk).status == "chargeback_filed"
    assert "offending=0" in verify_audit()
    figures("connection_dropped_mid_transition", status=response.status, events_written=0,
            retry_status=retry.status)


def test_worker_killed_mid_request(program, key, tmp_path, figures):
    """SIGKILL the only gunicorn worker while its request is inside the database transaction."""
    server = LiveServer(workers=1, threads=4).start(tmp_path)
    try:
        body = fault_body("decisionly", program)
        headers = {"Authorization": authorization(key, "decisionly"), "Idempotency-Key": "killed-worker"}
        before = rows()
        [worker] = server.worker_pids()
        with pg_connect(autocommit=False) as pg, pg_connect() as admin:
            future, pid = blocked_request(server, pg, admin, "LOCK TABLE cases_case IN EXCLUSIVE MODE", [], "POST",
                                          CREATE_PATHS["decisionly"], body, headers)
            os.kill(worker, signal.SIGKILL)
            outcome = future.exception(timeout=30)
            pg.rollback()
            # PostgreSQL rolls the orphaned transaction back when it finds its client gone.
            wait_for(lambda: pid not in server_backends(admin), what="the orphaned backend to end")

        assert isinstance(outcome, OSError), outcome  # the caller sees its connection dropped
        assert rows() == before, "a half-written create survived the killed worker"
        new_worker = wait_for(lambda: [p for p in server.worker_pids() if p != worker], what="a new worker")

        # The key's claim outlived its worker: a retry is told the request is in flight until the
        # claim is old enough to be abandoned (cases.web.idempotency.ABANDONED_AFTER), then it runs.
        in_flight = server.request("POST", CREATE_PATHS["decisionly"], json_body=body, headers=headers)
        assert in_flight.status == 409 and in_flight.json()["error"]["code"] == "idempotency_key_in_use"
        IdempotencyKey.objects.filter(key="killed-worker").update(created=timezone.now() - timedelta(minutes=3))
        retry = server.request("POST", CREATE_PATHS["decisionly"], json_body=body, headers=headers)
        assert retry.status == 201, retry.body[:300]
        assert rows()["Case"] == before["Case"] + 1
        assert "offending=0" in verify_audit()
    finally:
        server.stop()
    figures("worker_sigkilled_mid_request", client="connection dropped", rows_written=0, new_worker=bool(new_worker),
            retry_before_abandon=in_flight.status, retry_after_abandon=retry.status)
