"""Dashboard figures against a known dataset; aggregate queries only."""

from datetime import timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import lifecycle
from cases.actors import Actor
from cases.backoffice.dashboard import dashboard_figures
from cases.models import Case
from tests.factories import TransactionFactory, make_case


def _dataset(program):
    today = lifecycle.today()
    a = make_case(program)
    b = make_case(program, disputed_amount=5000)
    c = make_case(program, transaction=TransactionFactory(program=program, currency="EUR", amount=7000))
    Case.objects.filter(pk=a.pk).update(next_deadline=today - timedelta(days=1))
    Case.objects.filter(pk=b.pk).update(next_deadline=today + timedelta(days=3))
    Case.objects.filter(pk=c.pk).update(next_deadline=today + timedelta(days=30))
    make_case(program, path=["file_chargeback"])
    make_case(program, path=["file_chargeback", "win"])
    make_case(program, path=["file_chargeback", "win"])
    make_case(program, path=["file_chargeback", "lose"])
    with time_machine.travel(timezone.now() - timedelta(days=100), tick=False):
        old = make_case(program, path=["file_chargeback", "win"])
    return old


def test_figures_from_a_known_dataset(program, analyst):
    old = _dataset(program)
    figures = dashboard_figures(Actor.for_user(analyst))
    tiles = figures["tiles"]
    assert (tiles["open"], tiles["overdue"], tiles["due_7_days"]) == (4, 1, 1)
    assert tiles["at_stake"] == [{"currency": "EUR", "total": 7000}, {"currency": "USD", "total": 45000}]
    assert figures["win_rate"] == {"won": 2, "lost": 1, "rate": 67}
    assert figures["by_status"] == {"created": 3, "chargeback_filed": 1, "won": 3, "lost": 1}
    weeks = figures["new_per_week"]
    assert len(weeks) == 12 and weeks[-1][1] == 7 and sum(n for _, n in weeks) == 7
    months = dict(figures["outcomes_per_month"])
    assert len(months) == 6
    this_month = timezone.localdate().replace(day=1)
    assert months[this_month] == {"won": 2, "lost": 1}
    old_month = timezone.localdate(old.created).replace(day=1)
    assert months[old_month] == {"won": 1}


def test_dashboard_page_shows_the_figures_and_charts(analyst_client, program):
    _dataset(program)
    with CaptureQueriesContext(connection) as queries:
        response = analyst_client.get("/dashboard/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-figure="open">4<' in body
    assert 'data-figure="overdue">1<' in body
    assert 'data-figure="due_7_days">1<' in body
    assert 'data-figure="win_rate">67%<' in body
    assert "450.00 USD" in body and "70.00 EUR" in body
    for chart in ("chart-status", "chart-weeks", "chart-outcomes"):
        assert f'id="{chart}"' in body
    assert "<title>Won: 3</title>" in body and "<title>Created: 3</title>" in body
    assert len(queries) <= 13  # ... and the saved views of the navigation


def test_dashboard_query_count_does_not_grow_with_cases(analyst_client, program, django_assert_num_queries):
    make_case(program)
    with CaptureQueriesContext(connection) as few:
        analyst_client.get("/dashboard/")
    for _ in range(10):
        make_case(program, path=["file_chargeback", "win"])
    with django_assert_num_queries(len(few)):
        analyst_client.get("/dashboard/")


def test_empty_dashboard(analyst_client, db):
    body = analyst_client.get("/dashboard/").content.decode()
    assert 'data-figure="open">0<' in body and 'data-figure="win_rate">—<' in body
