"""An outbox task takes the rows handed to it even while another transaction holds one of them
(cases/services/outbox.py, `take`): a relay run that only looked at a row holds its lock until it
ends, and a row skipped then waited for its two-minute lease."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from cases.models import WebhookDelivery, WebhookEndpoint
from cases.services import outbox
from cases.webhooks import secrets
from tests.pg.live import pg_connect, wait_for

pytestmark = [pytest.mark.postgres]


@pytest.fixture
def handed(committed, program):
    """Three due deliveries, handed out by a relay run: (ids, token)."""
    endpoint = WebhookEndpoint.objects.create(program=program, url="https://hooks.example.com/in",
                                              secret_encrypted=secrets.encrypt("whsec_" + "A" * 32))
    now = timezone.now()
    WebhookDelivery.objects.bulk_create([
        WebhookDelivery(endpoint=endpoint, event_id=f"evt_take_{n}", event_type="case.created", payload={"n": n},
                        next_attempt_at=now, created=now) for n in range(3)])
    return outbox.claim_due(WebhookDelivery.objects.filter(status="pending"))


def take_in_a_thread(ids, token) -> tuple[threading.Thread, dict]:
    result = {}

    def run():
        try:
            result["rows"] = outbox.take(WebhookDelivery.objects.filter(status="pending"), ids, token)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def waiting_on_a_lock(admin) -> list[int]:
    return [row[0] for row in admin.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")]


def test_a_handed_row_another_transaction_holds_is_waited_for(handed):
    ids, token = handed
    with pg_connect(autocommit=False) as holder, pg_connect() as admin:
        holder.execute("SELECT id FROM cases_webhookdelivery WHERE id = %s FOR UPDATE", [ids[1]])
        thread, result = take_in_a_thread(ids, token)
        wait_for(lambda: waiting_on_a_lock(admin), what="the task to wait for the held row")
        assert "rows" not in result
        holder.commit()
        thread.join(timeout=30)
    assert sorted(row.pk for row in result["rows"]) == sorted(ids)


def test_a_row_settled_meanwhile_is_not_taken(handed):
    ids, token = handed
    with pg_connect(autocommit=False) as holder, pg_connect() as admin:
        holder.execute("UPDATE cases_webhookdelivery SET status = 'delivered', next_attempt_at = NULL WHERE id = %s",
                       [ids[0]])
        thread, result = take_in_a_thread(ids, token)
        wait_for(lambda: waiting_on_a_lock(admin), what="the task to wait for the held row")
        holder.commit()
        thread.join(timeout=30)
    assert sorted(row.pk for row in result["rows"]) == sorted(ids[1:])
