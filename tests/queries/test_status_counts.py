"""Per-status counts of the queue (selectors.case_status_counts): exact for small sets, estimated from
the planner's statistics for large ones on PostgreSQL."""

import pytest
from django.db import connection

from cases import selectors
from cases.models import Case
from tests.conftest import logged_in
from tests.factories import make_case


def test_small_sets_are_counted_exactly(program):
    make_case(program)
    make_case(program)
    make_case(program, path=["withdraw"])

    counts, estimated = selectors.case_status_counts(Case.objects.all())

    assert counts == {"created": 2, "withdrawn": 1}
    assert estimated is False


@pytest.mark.postgres
def test_large_sets_are_estimated_from_statistics(program, supervisor, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.fail("run with scripts/test-postgres.sh (DATABASE_URL=postgres://...)")
    for _ in range(6):
        make_case(program)
    for _ in range(2):
        make_case(program, path=["withdraw"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
    monkeypatch.setattr(selectors, "EXACT_COUNT_LIMIT", 3)

    counts, estimated = selectors.case_status_counts(Case.objects.all())

    assert estimated is True
    assert counts == {"created": 6, "withdrawn": 2}

    client = logged_in(supervisor)
    body = client.get("/cases/").content.decode()
    assert '<span class="count">≈6</span>' in body
    assert "All <b>≈8</b>" in body
