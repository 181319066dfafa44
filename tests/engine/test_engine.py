"""The background engine (SPEC section 10): Celery configuration, scheduled tasks, the schedules
and the outbox's enqueue-after-commit that never fails a request on a broker outage."""

import io
import logging
import time
from datetime import timedelta

import kombu.transport.pyamqp
import pytest
from celery import Celery
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
from disputes_site import filesystem_broker
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


def test_letters_and_network_answers_have_queues_of_their_own_that_a_plain_worker_also_consumes():
    """A burst of letters (a PDF each, a mail server) never holds webhooks or filings behind it, and
    a bulk filing's send tasks never hold the networks' answers behind them."""
    from django.conf import settings

    default, letters = settings.CELERY_TASK_DEFAULT_QUEUE, settings.CELERY_LETTERS_QUEUE
    inbound = settings.CELERY_NETWORK_INBOUND_QUEUE
    assert (letters, inbound) == (f"{default}.letters", f"{default}.inbound")
    assert set(app.amqp.queues) == {default, letters, inbound}  # what `celery worker` without -Q consumes
    route = app.amqp.router.route({}, "cases.send_letters", args=[[1]])
    assert route["queue"].name == letters
    for name in ("cases.poll_networks", "cases.apply_network_messages"):
        assert app.amqp.router.route({}, name, args=[])["queue"].name == inbound, name
    for name in ("cases.deliver_webhooks", "cases.send_network_submissions", "cases.relay_outbox"):
        assert app.amqp.router.route({}, name, args=[[1]])["queue"].name == default, name


def _transport_of(settings_module) -> type:
    """The kombu transport a Celery app configured from these settings connects with."""
    configured = Celery("disputes_site")
    configured.config_from_object(settings_module, namespace="CELERY")
    with configured.connection_for_write() as conn:
        return conn.get_transport_cls()


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
        # Its transport writes a message whole before a worker can list it.
        assert _transport_of(fresh) is filesystem_broker.Transport
        monkeypatch.setenv("CELERY_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
        served = importlib.reload(real)
        assert served.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
        assert _transport_of(served) is kombu.transport.pyamqp.Transport
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


def test_enqueue_on_commit_swallows_a_broker_outage(db, caplog, monkeypatch, settings,
                                                    django_capture_on_commit_callbacks):
    settings.OUTBOX_PUBLISH_WINDOW = 0  # sent from the on-commit callback itself
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


class _Recorder:
    name = "tests.recorder"

    def __init__(self, fail: bool = False):
        self.sent, self.fail = [], fail

    def apply_async(self, args):
        if self.fail:
            raise ConnectionRefusedError("broker down")
        self.sent.append(args)


def _wait_for(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


@pytest.fixture
def publishing(settings, monkeypatch):
    """The publisher on, as in a server or worker with a real broker."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.OUTBOX_PUBLISH_WINDOW = 0.2
    monkeypatch.setattr(outbox, "_broker_down_until", 0.0)
    publisher = outbox.Publisher()
    monkeypatch.setattr(outbox, "publisher", publisher)
    return publisher


def test_publisher_sends_the_ids_of_many_commits_in_one_message(db, publishing, django_capture_on_commit_callbacks):
    task = _Recorder()
    publishing._last = time.monotonic()  # it just sent: what comes now waits for the window
    with django_capture_on_commit_callbacks(execute=True):
        for ids in ([1, 2], [3], [4, 5]):
            with transaction.atomic():
                outbox.enqueue_on_commit(task, ids, None)
        # The requests returned without a broker round trip: nothing is sent yet.
        assert task.sent == []
    assert _wait_for(lambda: task.sent)
    assert task.sent == [([1, 2, 3, 4, 5], None)]


def test_publisher_sends_at_once_after_a_quiet_spell(db, publishing, settings, django_capture_on_commit_callbacks):
    settings.OUTBOX_PUBLISH_WINDOW = 30
    task = _Recorder()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            outbox.enqueue_on_commit(task, [1], None)
    assert _wait_for(lambda: task.sent, seconds=5)  # not 30 s later
    assert task.sent == [([1], None)]


def test_publisher_splits_a_large_buffer_into_chunks_and_keeps_other_calls_direct(db, publishing,
                                                                                   django_capture_on_commit_callbacks):
    task = _Recorder()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            outbox.enqueue_on_commit(task, list(range(120)))
            outbox.enqueue_on_commit(task, [7], "lease-token")  # a relay's lease: sent as it is, at once
    assert task.sent == [([7], "lease-token")]
    assert _wait_for(lambda: len(task.sent) == 4)
    assert [len(args[0]) for args in task.sent[1:]] == [50, 50, 20]
    assert sorted(i for args in task.sent[1:] for i in args[0]) == list(range(120))


def test_publisher_with_the_broker_down_logs_and_leaves_the_rows_to_the_relay(db, publishing, caplog,
                                                                                django_capture_on_commit_callbacks):
    task = _Recorder(fail=True)
    with caplog.at_level(logging.WARNING, logger="cases.services.outbox"):
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                outbox.enqueue_on_commit(task, [1, 2], None)
        assert _wait_for(lambda: "left to the outbox relay" in caplog.text)
    # The thread survives the failure and sends the next ids once the broker is back.
    task.fail = False
    outbox._broker_down_until = 0.0
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            outbox.enqueue_on_commit(task, [3], None)
    assert _wait_for(lambda: task.sent)
    assert task.sent == [([3], None)]


def test_publisher_sends_nothing_for_a_rolled_back_transaction(db, publishing, django_capture_on_commit_callbacks):
    task = _Recorder()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.enqueue_on_commit(task, [1], None)
            raise RuntimeError("rolled back")
    assert publishing.flush() == 0 and task.sent == []


def test_a_forked_child_starts_with_an_empty_buffer(publishing):
    import os

    task = _Recorder()
    publishing._pending[task.name] = (task, [1, 2])
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: the parent's ids are not its to send
        os.write(write, b"%d" % sum(len(ids) for _, ids in outbox.publisher._pending.values()))
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 16) == b"0"
    publishing._pending.clear()


class _InFlight:
    """Calls that record how many of them run at once."""

    def __init__(self, seconds: float):
        import threading

        self.seconds, self.now, self.most, self.lock = seconds, 0, 0, threading.Lock()

    def call(self, value):
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        time.sleep(self.seconds)
        with self.lock:
            self.now -= 1
        return value * 2


def test_send_concurrently_returns_results_in_order_on_a_few_threads_for_quick_calls():
    calls = _InFlight(0.001)
    results = outbox.send_concurrently("tests-quick", 32, [lambda v=v: calls.call(v) for v in range(50)])
    assert results == [v * 2 for v in range(50)]
    assert calls.most <= outbox.SEND_START_THREADS


def test_send_concurrently_adds_threads_while_slow_calls_wait():
    calls = _InFlight(0.6)
    results = outbox.send_concurrently("tests-slow", 24, [lambda v=v: calls.call(v) for v in range(40)])
    assert results == [v * 2 for v in range(40)]
    assert calls.most == 24


def test_send_concurrently_raises_what_a_call_raised():
    def broken():
        raise ValueError("bad")

    with pytest.raises(ValueError):
        outbox.send_concurrently("tests-broken", 4, [lambda: 1, broken, lambda: 3])
