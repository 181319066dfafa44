"""A worker keeps its database connection across tasks the way a web process keeps it across
requests (disputes_site/celery.py): Celery's Django fixup no longer closes it around every task,
and our own check around each task closes only one that is too old or broken."""

from types import SimpleNamespace

import pytest
from celery.fixups.django import DjangoWorkerFixup
from django.db import connections

from disputes_site.celery import app, close_old_connections

connection = connections["default"]


def task(eager: bool = False):
    return SimpleNamespace(request=SimpleNamespace(is_eager=eager))


@pytest.fixture
def persistent(monkeypatch):
    """The default connection opened, with no age limit (as CONN_MAX_AGE=None would leave it)."""
    connection.ensure_connection()
    monkeypatch.setattr(connection, "close_at", None)
    return connection.connection


@pytest.fixture
def closes(monkeypatch):
    """The closes of the default connection (an in-memory SQLite database ignores them)."""
    calls = []
    monkeypatch.setattr(connection, "close", lambda: calls.append("close"))
    return calls


def test_celery_does_not_close_the_connection_around_each_task():
    fixup = DjangoWorkerFixup(app)
    assert fixup.db_reuse_max == 1000
    closed = []
    fixup._close_database = lambda *args, **kwargs: closed.append(1)
    for _ in range(999 * 2):  # a prerun and a postrun a task
        fixup.close_database()
    assert closed == []
    for _ in range(4):
        fixup.close_database()
    assert closed == [1]  # after a thousand tasks


@pytest.mark.django_db(transaction=True)
def test_a_healthy_connection_is_kept_across_tasks(persistent, closes):
    for _ in range(3):
        close_old_connections(task=task())
    assert closes == [] and connection.connection is persistent


@pytest.mark.django_db(transaction=True)
def test_an_old_connection_is_closed_before_the_next_task(persistent, closes, monkeypatch):
    monkeypatch.setattr(connection, "close_at", 0)  # past its CONN_MAX_AGE
    close_old_connections(task=task())
    assert closes == ["close"]


@pytest.mark.django_db(transaction=True)
def test_a_broken_connection_is_closed_before_the_next_task(persistent, closes, monkeypatch):
    monkeypatch.setattr(connection, "errors_occurred", True)
    monkeypatch.setattr(connection, "is_usable", lambda: False)
    close_old_connections(task=task())
    assert closes == ["close"]


@pytest.mark.django_db
def test_an_eager_task_leaves_the_caller_s_transaction_alone(persistent, closes, monkeypatch):
    monkeypatch.setattr(connection, "close_at", 0)
    close_old_connections(task=task(eager=True))
    assert closes == []
