"""The queue: the shared filters as a GET form, search, sort, per-status counts, pages of 50, query budget."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import lifecycle
from cases.backoffice.times import relative_deadline
from cases.models import Case
from tests.factories import TransactionFactory, make_case


def _ids(response) -> list[str]:
    return re.findall(r'class="case-link" href="/cases/\d+/">([^<]+)</a>', response.content.decode())


def _make(program, n, **overrides):
    return [make_case(program, **overrides) for _ in range(n)]


def test_rows_show_every_column(analyst_client, program):
    txn = TransactionFactory(program=program, merchant__name="Northwind", cardholder__name="Maria Garcia",
                             amount=123456, card_network="visa")
    case = make_case(program, transaction=txn, network_reason_code="13.1", case_id="CASE-COLS")
    body = analyst_client.get("/cases/").content.decode()
    assert "CASE-COLS" in body
    assert 'class="badge badge-open">Created<' in body
    assert "Product not received" in body
    assert "Visa · <code>13.1</code>" in body
    assert "1,234.56 USD" in body
    assert "Northwind" in body and "Maria Garcia" in body
    assert "level_1" in body
    days = (case.next_deadline - lifecycle.today()).days
    assert f">in {days} days</time>" in body
    assert f'{case.created:%Y-%m-%d}<div class="sub">{case.created:%H:%M} UTC</div>' in body
    assert f'<time datetime="{case.next_deadline}">{case.next_deadline}</time> <span class="deadline-end">ends 23:59 UTC' \
        in body
    table = body[body.index('<table class="grid queue-table">'):body.index("</table>")]
    header = table[:table.index("</thead>")]
    row = table[table.index("<tbody>"):table.index("</tr>", table.index("<tbody>"))]
    assert row.count("<td") == header.count("<th ") == 10  # one cell under each heading
    assert "<<<<<<<" not in body and ">>>>>>>" not in body


def test_filters_search_and_sort_use_the_shared_filterset(analyst_client, program):
    small = make_case(program, case_id="SMALL", amount=1000)
    big = make_case(program, case_id="BIG", amount=90000)
    filed = make_case(program, case_id="FILED", path=["file_chargeback"])
    assert _ids(analyst_client.get("/cases/?status=chargeback_filed")) == ["FILED"]
    assert set(_ids(analyst_client.get("/cases/?status=created"))) == {"SMALL", "BIG"}
    assert _ids(analyst_client.get("/cases/?q=BIG")) == ["BIG"]
    assert _ids(analyst_client.get("/cases/?ordering=-amount&status=created")) == ["BIG", "SMALL"]
    assert _ids(analyst_client.get("/cases/?ordering=amount&status=created")) == ["SMALL", "BIG"]
    assert _ids(analyst_client.get("/cases/?amount_min=50000")) == ["BIG"]
    assert _ids(analyst_client.get("/cases/?status=closed")) == []
    # the same query string works on the queue and keeps the form filled in
    body = analyst_client.get("/cases/?status=chargeback_filed&q=FILED").content.decode()
    assert 'value="chargeback_filed" checked' in body and 'value="FILED"' in body
    assert small and big and filed


def test_overdue_filter_and_deadline_colours(analyst_client, program):
    overdue = make_case(program, case_id="LATE", days_ago=200)
    Case.objects.filter(pk=overdue.pk).update(next_deadline=lifecycle.today() - timedelta(days=2))
    today = make_case(program, case_id="TODAY")
    Case.objects.filter(pk=today.pk).update(next_deadline=lifecycle.today())
    make_case(program, case_id="LATER")
    body = analyst_client.get("/cases/").content.decode()
    assert 'class="deadline deadline-overdue"' in body and ">overdue 2 days</time>" in body
    assert 'class="deadline deadline-urgent"' in body and ">today</time>" in body
    assert _ids(analyst_client.get("/cases/?overdue=true")) == ["LATE"]
    assert _ids(analyst_client.get("/cases/")) [:2] == ["LATE", "TODAY"]


def test_relative_deadline_words():
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    today = now.date()
    assert relative_deadline(today + timedelta(days=3), now, UTC) == ("in 3 days", "soon")
    assert relative_deadline(today + timedelta(days=30), now, UTC) == ("in 30 days", "later")
    assert relative_deadline(today - timedelta(days=1), now, UTC) == ("overdue 1 day", "overdue")
    assert relative_deadline(today, now, UTC) == ("today", "urgent")


def test_per_status_counts_ignore_the_status_filter(analyst_client, program):
    _make(program, 2)
    make_case(program, path=["file_chargeback"])
    make_case(program, path=["withdraw"])
    response = analyst_client.get("/cases/?status=withdrawn")
    body = response.content.decode()
    assert _ids(response) and len(_ids(response)) == 1
    assert re.search(r'value="created"\s*>\s*Created <span class="count">2</span>', body)
    assert re.search(r'value="chargeback_filed"\s*>\s*Chargeback filed <span class="count">1</span>', body)
    assert re.search(r'value="open"\s*>\s*Open <span class="count">3</span>', body)
    assert "1 case" in body


def test_bad_filters_are_shown_not_500(analyst_client, program):
    make_case(program)
    response = analyst_client.get("/cases/?status=bogus&amount_min=abc&created_after=never&ordering=sideways&page=x")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Some filters were not understood" in body
    assert len(_ids(response)) == 1


def test_pages_of_fifty_and_a_query_budget_independent_of_rows(analyst_client, program, django_assert_num_queries):
    _make(program, 5)
    with CaptureQueriesContext(connection) as few:
        assert len(_ids(analyst_client.get("/cases/"))) == 5
    _make(program, 50)
    with django_assert_num_queries(len(few)):
        first = analyst_client.get("/cases/")
    assert len(_ids(first)) == 50
    assert "page 1 of 2" in first.content.decode()
    second = analyst_client.get("/cases/?page=2")
    assert len(_ids(second)) == 5
    assert not set(_ids(first)) & set(_ids(second))
    assert len(_ids(analyst_client.get("/cases/?page=99"))) == 5


def test_htmx_filter_request_returns_the_results(analyst_client, program):
    make_case(program, case_id="HX-ONE")
    response = analyst_client.get("/cases/?q=HX-ONE", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="results"' in response.content.decode() and _ids(response) == ["HX-ONE"]


def test_search_by_card_number_is_refused_quietly(analyst_client, program):
    make_case(program)
    response = analyst_client.get("/cases/?q=4111111111111111")
    assert response.status_code == 200
    assert "4111111111111111" not in response.content.decode()


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_created_is_shown_in_the_configured_time_zone(analyst_client, program, settings, zone):
    settings.TIME_ZONE = zone
    case = make_case(program)
    from zoneinfo import ZoneInfo

    local = case.created.astimezone(ZoneInfo(zone))
    expected = f'{local:%Y-%m-%d}<div class="sub">{local:%H:%M} {local:%Z}</div>'
    assert expected in analyst_client.get("/cases/").content.decode()
