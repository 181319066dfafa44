"""Every PostgreSQL-only test: locking, concurrency (in threads, or against gunicorn on loopback),
connection faults, the bad-input corpus and the bulk import on PostgreSQL."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection

from cases.roles import ensure_roles
from tests.pg.live import LiveServer


@pytest.fixture(autouse=True)
def postgres_with_roles(request):
    """These tests prove locking on PostgreSQL; elsewhere they would prove nothing, so they fail loudly."""
    if request.node.get_closest_marker("postgres") is None:
        pytest.fail("every test under tests/pg must be marked postgres")
    request.getfixturevalue("db")
    if connection.vendor != "postgresql":
        pytest.fail("PostgreSQL tests need DATABASE_URL=postgres://...; run them with scripts/test-postgres.sh")
    # A transactional test flushes the database afterwards, role groups included: put them back.
    ensure_roles(Group, Permission)


@pytest.fixture(scope="session")
def live(django_db_setup, django_db_blocker, tmp_path_factory):
    """gunicorn on loopback against the PostgreSQL test database, for the whole session."""
    server = LiveServer(workers=2, threads=16).start(tmp_path_factory.mktemp("live"))
    yield server
    server.stop()


@pytest.fixture
def committed(transactional_db):
    """Committed rows the server process can see. The flush between transactional tests drops the
    role groups the migration made, so they are made again."""
    ensure_roles(Group, Permission)


@pytest.fixture
def figures(capsys):
    """Print a test's figures past pytest's capture, so they show in every run's output."""

    def report(name: str, **numbers):
        line = " ".join(f"{key}={value}" for key, value in numbers.items())
        with capsys.disabled():
            print(f"\nFIGURES {name}: {line}")

    return report
