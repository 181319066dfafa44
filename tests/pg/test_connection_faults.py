"""Database connection faults between requests: the server reconnects and answers."""

import pytest

from tests.pg.live import pg_connect, server_backends, wait_for

pytestmark = [pytest.mark.postgres]


def test_terminated_idle_connections_are_replaced(live, committed, figures):
    """Persistent connections (CONN_MAX_AGE) killed while idle: the health check reconnects."""
    for _ in range(8):
        assert live.request("GET", "/healthz").status == 200
    with pg_connect() as pg:
        killed = 0
        for pid in wait_for(lambda: server_backends(pg), what="server backends"):
            killed += pg.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
        statuses = [live.request("GET", "/healthz").status for _ in range(8)]
    assert killed >= 1
    assert statuses == [200] * 8
    figures("idle_connections_terminated", killed=killed, requests_after=len(statuses),
            ok_after=statuses.count(200))
