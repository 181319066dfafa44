import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection

from cases.roles import ensure_roles


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
