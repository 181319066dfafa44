"""The simulator's scenarios end to end on PostgreSQL and RabbitMQ, as CI runs them: the network
simulator, gunicorn, a Celery worker and beat on the PostgreSQL test database (the SQLite variant
is tests/network_e2e/test_end_to_end.py; the table is tests/network_e2e/scenarios.py)."""

import io

import pytest
from django.core.management import call_command
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from tests.factories import make_api_key
from tests.network_e2e import flow
from tests.network_e2e.scenarios import EXPECTED
from tests.network_e2e.stack import POLL_SECONDS, postgres_stack

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_each_scenario_end_to_end_with_real_processes(committed, program, tmp_path):
    _, raw = make_api_key(program)
    call_command("setup_schedules", stdout=io.StringIO())
    every, _ = IntervalSchedule.objects.get_or_create(every=POLL_SECONDS, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.filter(task="cases.poll_networks").update(interval=every)
    with postgres_stack(tmp_path, raw) as stack:
        walks = flow.walk_all(stack, EXPECTED)
        failures = {}
        for amount, walk in sorted(walks.items()):
            try:
                flow.check(stack, walk)
            except AssertionError as exc:
                failures[amount] = str(exc)[:500]
        assert failures == {}
