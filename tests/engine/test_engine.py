"""The background engine (SPEC section 10): Celery configuration, scheduled tasks, the schedules
and the outbox's enqueue-after-commit that never fails a request on a broker outage."""

import io
import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from cases import lifecycle
from cases.choices import CaseStatus
from cases.models import Case, IdempotencyKey
from cases.services import outbox
from cases.tasks import maintenance
from cases.tasks.schedules import SCHEDULES
from disputes_site.celery import app
from tests.factories import make_case


def test_celery_app_is_configured_from_settings_for_safe_redelivery():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.accept_content == ["json"] and conf.task_serializer == "json"
    assert conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    # Only the unit-test settings run tasks in-process.
    assert conf.task_always_eager is True
    for name in ("cases.expire_overdue", "cases.purge_idempotency_keys", "cases.relay_outbox"):
        assert name in app.tasks


def test_letters_have_a_queue_of_their_own_that_a_plain_worker_also_consumes():
    """A burst of letters (a PDF each, a mail server) never holds webhooks or filings behind it."""
    from django.conf import settings

    default, letters = settings.CELERY_TASK_DEFAULT_QUEUE, settings.CELERY_LETTERS_QUEUE
    assert letters == f"{default}.letters"
    assert set(app.amqp.queues) == {default, letters}  # what `celery worker` without -Q consumes
    route = app.amqp.router.route({}, "cases.send_letters", args=[[1]])
    assert route["queue"].name == letters
    for name in ("cases.deliver_webhooks", "cases.send_network_submissions", "cases.relay_outbox",
                 "cases.poll_networks"):
        assert app.amqp.router.route({}, name, args=[[1]])["queue"].name == default, name


def test_default_broker_needs_no_server(monkeypatch, tmp_path):
    """With CELERY_BROKER_URL unset the real settings choose kombu's filesystem transport."""
    import importlib

    import disputes_site.settings as real

    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.setenv("CELERY_FILESYSTEM_DIR", str(tmp_path / "celery"))
    fresh = importlib.reload(real)
    try:
        assert fresh.CELERY_BROKER_URL.startswith("filesystem://")
        assert fresh.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"] == str(tmp_path / "celery" / "queue")
        assert (tmp_path / "celery" / "queue").is_dir()
        # Its synchronous worker loop takes messages every 2 s once the prefetch is used: 8, and
        # a message looked for every 0.1 s; a server broker keeps a prefetch of 1.
        assert fresh.CELERY_WORKER_PREFETCH_MULTIPLIER == 8
        assert fresh.CELERY_BROKER_TRANSPORT_OPTIONS["polling_interval"] == 0.1
        monkeypatch.setenv("CELERY_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
        assert importlib.reload(real).CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    finally:
        monkeypatch.undo()
        importlib.reload(real)


def test_sweep_task_moves_overdue_cases(program):
    overdue = make_case(program, days_ago=130)
    assert maintenance.expire_overdue.delay().get() == {"expire": 1, "accept": 0}
    overdue.refresh_from_db()
    assert overdue.status == CaseStatus.EXPIRED
    assert lifecycle.today()  # the sweep ran against today's date


def test_purge_task_keeps_a_day_of_keys(db):
    old = IdempotencyKey.objects.create(owner="api_key:1", key="old", method="POST", path="/x", request_hash="h")
    IdempotencyKey.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=3))
    IdempotencyKey.objects.create(owner="api_key:1", key="new", method="POST", path="/x", request_hash="h")
    result = maintenance.purge_idempotency_keys.delay().get()
    assert result["deleted"] == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_setup_schedules_is_idempotent_and_keeps_admin_edits(db):
    call_command("setup_schedules", stdout=io.StringIO())
    call_command("setup_schedules", stdout=io.StringIO())
    names = {s.name for s in SCHEDULES}
    assert set(PeriodicTask.objects.filter(name__in=names).values_list("name", flat=True)) == names
    assert PeriodicTask.objects.filter(name__in=names).count() == len(SCHEDULES)
    relay = PeriodicTask.objects.get(name="Outbox relay")
    assert relay.task == "cases.relay_outbox" and relay.interval.every == 5
    relay.enabled = False
    relay.save()
    call_command("setup_schedules", stdout=io.StringIO())
    assert PeriodicTask.objects.get(name="Outbox relay").enabled is False
    call_command("setup_schedules", "--reset", stdout=io.StringIO())
    assert PeriodicTask.objects.get(name="Outbox relay").enabled is True
    sweep = PeriodicTask.objects.get(name="Deadline sweep")
    assert (sweep.crontab.minute, sweep.crontab.hour) == ("5", "*")


class _DownBroker:
    name = "tests.down"
    calls = 0

    def apply_async(self, args):
        type(self).calls += 1
        raise ConnectionRefusedError("broker down")


def test_enqueue_on_commit_swallows_a_broker_outage(db, caplog, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(outbox, "_broker_down_until", 0.0)
    _DownBroker.calls = 0
    with caplog.at_level(logging.WARNING, logger="cases.services.outbox"):
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                outbox.enqueue_on_commit(_DownBroker(), [1, 2])
        # A second enqueue within the back-off does not wait on the broker again.
        assert outbox.enqueue(_DownBroker(), [3]) is False
    assert _DownBroker.calls == 1
    assert "left to the outbox relay" in caplog.text


def test_enqueue_on_commit_sends_nothing_when_the_transaction_rolls_back(db, django_capture_on_commit_callbacks):
    _DownBroker.calls = 0
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.enqueue_on_commit(_DownBroker(), [1])
            raise RuntimeError("rolled back")
    assert callbacks == [] and _DownBroker.calls == 0
    assert Case.objects.count() == 0
