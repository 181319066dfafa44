"""The PostgreSQL sweep (one SQL statement per batch) writes the webhook deliveries of its moves."""

import pytest

from cases import services
from cases.actors import Actor
from cases.models import WebhookDelivery
from cases.services import webhooks as webhook_services
from tests.factories import make_case

pytestmark = pytest.mark.postgres


def test_sql_sweep_writes_status_changed_deliveries(program, settings):
    from django.db import connection

    assert connection.vendor == "postgresql"
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    webhook_services.endpoint_create(program=program, actor=Actor.for_system(), url="http://127.0.0.1:9/h")
    overdue = [make_case(program, days_ago=130) for _ in range(3)]
    WebhookDelivery.objects.all().delete()
    assert services.cases_expire_overdue(batch_size=2)["expire"] == 3
    rows = WebhookDelivery.objects.all()
    assert sorted(d.payload["data"]["case_id"] for d in rows) == sorted(c.case_id for c in overdue)
    assert {(d.event_type, d.payload["data"]["status"], d.payload["data"]["previous_status"]) for d in rows} == {
        ("case.status_changed", "expired", "created")}
