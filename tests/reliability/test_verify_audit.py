"""`manage.py verify_audit`: a trail that replays passes; every kind of tampering is named."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cases import services
from cases.models import Case, CaseEvent
from tests.factories import make_case

PATHS = [
    [],
    ["file_chargeback"],
    ["file_chargeback", "record_representment", "file_prearbitration", "record_prearb_rebuttal", "file_arbitration",
     "win"],
    ["file_chargeback", "record_prearb_received", "accept"],
    ["reject"],
    ["withdraw"],
    ["file_chargeback", "credit_merchant"],
]


def run_verify():
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except CommandError as exc:
        return False, out.getvalue(), err.getvalue() + str(exc)
    return True, out.getvalue(), err.getvalue()


@pytest.fixture
def trail(program):
    """Cases along every kind of path, plus creation outcomes (failed/refunded transactions)."""
    cases = [make_case(program, path=path) for path in PATHS]
    cases.append(make_case(program, status="failed"))
    cases.append(make_case(program, status="refunded"))
    return cases


def test_clean_trail_replays(trail):
    ok, out, err = run_verify()
    assert ok, err
    transitions = CaseEvent.objects.filter(kind="transition").count()
    assert f"cases={len(trail)} " in out
    assert f"transitions={transitions} " in out
    assert "offending=0" in out
    assert {c.status for c in Case.objects.all()} >= {"created", "won", "accepted", "rejected", "merchant_credited"}


def test_status_changed_behind_the_trail(trail):
    victim = trail[1]
    Case.objects.filter(pk=victim.pk).update(status="won")
    ok, out, err = run_verify()
    assert not ok
    assert "offending=1" in out
    assert f"{victim.case_id} (number {victim.number}): the trail ends at 'chargeback_filed' but the case is 'won'" in err


def test_event_that_does_not_chain(trail):
    victim = trail[0]
    CaseEvent.objects.create(case=victim, kind="transition", transition="win", from_status="chargeback_filed",
                             to_status="won", actor="system")
    Case.objects.filter(pk=victim.pk).update(status="won")
    ok, out, err = run_verify()
    assert not ok
    assert victim.case_id in err and "leaves 'chargeback_filed' but the trail had reached 'created'" in err


def test_illegal_edge(trail):
    victim = trail[0]
    CaseEvent.objects.create(case=victim, kind="transition", transition="win", from_status="created",
                             to_status="won", actor="system")
    Case.objects.filter(pk=victim.pk).update(status="won")
    ok, _, err = run_verify()
    assert not ok
    assert "'win' from 'created' to 'won' is no lifecycle edge" in err


def test_unknown_transition_name(trail):
    victim = trail[0]
    CaseEvent.objects.create(case=victim, kind="transition", transition="teleport", from_status="created",
                             to_status="won", actor="system")
    Case.objects.filter(pk=victim.pk).update(status="won")
    ok, _, err = run_verify()
    assert not ok
    assert "'teleport' from 'created' to 'won' is no lifecycle edge" in err


def test_event_rewritten_in_the_database(trail):
    """Events are append-only in the ORM; tampering with raw SQL is still caught by the replay."""
    victim = trail[2]
    event = CaseEvent.objects.filter(case=victim, transition="record_representment").get()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_caseevent SET to_status = %s WHERE id = %s", ["prearb_received", event.pk])
    ok, _, err = run_verify()
    assert not ok
    assert f"event {event.pk}: 'record_representment' from 'chargeback_filed' to 'prearb_received'" in err


def test_missing_and_duplicate_created_events(trail):
    lost, doubled = trail[0], trail[4]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_caseevent WHERE case_id = %s", [lost.pk])
    CaseEvent.objects.create(case=doubled, kind="created", to_status="created", actor="system")
    ok, out, err = run_verify()
    assert not ok
    assert "offending=2" in out
    assert f"{lost.case_id} (number {lost.number}): no 'created' or 'transition' event at all" in err
    assert f"{doubled.case_id} (number {doubled.number}): event" in err and "a second 'created' event" in err


def test_transition_before_created(trail):
    victim = trail[0]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_caseevent WHERE case_id = %s AND kind = 'created'", [victim.pk])
    CaseEvent.objects.create(case=victim, kind="transition", transition="withdraw", from_status="created",
                             to_status="withdrawn", actor="system")
    Case.objects.filter(pk=victim.pk).update(status="withdrawn")
    ok, _, err = run_verify()
    assert not ok
    assert "transition 'withdraw' before the 'created' event" in err


def test_notes_and_edits_do_not_disturb_the_replay(trail, analyst_actor):
    services.case_add_note(case=trail[1], actor=analyst_actor, text="Called the merchant.")
    ok, out, err = run_verify()
    assert ok, err


def test_constant_query_count(program, django_assert_max_num_queries):
    for _ in range(30):
        make_case(program, path=["file_chargeback", "win"])
    with django_assert_max_num_queries(2):
        ok, out, _ = run_verify()
    assert ok and "cases=30 events=90 transitions=60 offending=0" in out
