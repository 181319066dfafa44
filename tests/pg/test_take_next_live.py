"""SPEC section 14 under real concurrency: twenty analysts press "Take next" at once against
gunicorn on loopback (PostgreSQL, FOR UPDATE SKIP LOCKED)."""

import http.client
import secrets
import time
from datetime import timedelta

import pytest
from django.test import Client

from cases.choices import EventKind
from cases.lifecycle import today
from cases.models import Case, CaseEvent
from tests.conftest import concurrently
from tests.factories import make_case, make_user

pytestmark = [pytest.mark.postgres]
ANALYSTS = 20


def session_headers(user) -> dict:
    """A signed-in browser's headers: its session cookie and a CSRF token pair (cookie and header)."""
    client = Client()
    client.force_login(user)
    token = secrets.token_hex(16)  # a 32-character secret: Django accepts it unmasked in the header
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={token}", "X-CSRFToken": token}


def press_take_next(live, headers: dict) -> tuple[int, str]:
    """One POST, its redirect not followed: (status, Location)."""
    connection = http.client.HTTPConnection("127.0.0.1", live.port, timeout=60)
    try:
        connection.request("POST", "/cases/take-next/", body=b"",
                           headers={**headers, "Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location") or ""
    finally:
        connection.close()


def test_twenty_analysts_take_twenty_different_cases_in_deadline_order(live, committed, program, figures):
    start = today()
    cases = []
    for i in range(ANALYSTS + 5):
        case = make_case(program)
        Case.objects.filter(pk=case.pk).update(next_deadline=start + timedelta(days=(i * 7) % 31))
        cases.append(case)
    expected = list(Case.objects.filter(status__in=["created"], assignee__isnull=True)
                    .order_by("next_deadline", "number").values_list("number", flat=True))[:ANALYSTS]
    people = [make_user(f"analyst{i:02d}", "analyst") for i in range(ANALYSTS)]
    headers = [session_headers(p) for p in people]
    started = time.monotonic()
    answers = concurrently([lambda h=h: press_take_next(live, h) for h in headers])
    elapsed = time.monotonic() - started
    assert not [a for a in answers if isinstance(a, Exception)], answers
    assert [status for status, _ in answers] == [303] * ANALYSTS, answers
    taken = [int(location.rstrip("/").rsplit("/", 1)[1]) for _, location in answers]
    assert len(set(taken)) == ANALYSTS
    assert sorted(taken) == sorted(expected)  # exactly the twenty earliest deadlines
    holders = dict(Case.objects.filter(number__in=taken).values_list("number", "assignee__username"))
    assert {holders[number] for number in taken} == {p.username for p in people}
    for number, person in zip(taken, people, strict=True):
        assert holders[number] == person.username, (number, person)
    events = CaseEvent.objects.filter(kind=EventKind.ASSIGNMENT)
    assert events.count() == ANALYSTS
    assert sorted(events.values_list("case_id", flat=True)) == sorted(taken)
    assert not Case.objects.exclude(number__in=taken).filter(assignee__isnull=False).exists()
    figures("take_next_live", analysts=ANALYSTS, seconds=round(elapsed, 3))
