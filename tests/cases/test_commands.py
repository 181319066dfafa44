"""Management commands (SPEC section 8): expire_overdue, create_api_key (seed_demo: tests/cases/test_demo.py)."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command

from cases import lifecycle, services
from cases.choices import CaseStatus
from cases.models import ApiKey, Case, CaseEvent, Program
from tests.cases.spec_lifecycle import PATHS
from tests.factories import make_case


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


# --- expire_overdue ------------------------------------------------------------------------------


def test_expire_overdue_moves_each_overdue_case_once(program):
    overdue_created = make_case(program, days_ago=130)  # chargeback due date 10 days ago
    fresh_created = make_case(program, days_ago=5)
    represented = make_case(program, path=PATHS[CaseStatus.CHARGEBACK_REPRESENTED])
    rebutted = make_case(program, path=PATHS[CaseStatus.PREARB_REBUTTED])
    filed = make_case(program, path=PATHS[CaseStatus.CHARGEBACK_FILED])
    # The response deadlines (45 days) have passed; the fresh case's chargeback due date has not.
    later = lifecycle.today() + timedelta(days=50)

    with time_machine.travel(later):
        first, _ = run("expire_overdue")
        second, _ = run("expire_overdue")

    assert first.startswith("expired=1 accepted=2 ")
    assert second.startswith("expired=0 accepted=0 ")
    expected = {overdue_created: ("expire", "created", "expired"),
                represented: ("accept", "chargeback_represented", "accepted"),
                rebutted: ("accept", "prearb_rebutted", "accepted")}
    for case, (transition, source, target) in expected.items():
        row = Case.objects.get(pk=case.pk)
        assert (row.status, row.next_deadline, row.response_due_date, row.version) == (
            target, None, None, case.version + 1)
        events = list(CaseEvent.objects.filter(case=case, transition=transition))
        assert len(events) == 1
        assert (events[0].from_status, events[0].to_status, events[0].actor, events[0].kind) == (
            source, target, "system", "transition")
    for case in (fresh_created, filed):
        assert Case.objects.get(pk=case.pk).status == case.status
        assert not CaseEvent.objects.filter(case=case, actor="system", kind="transition").exists()


def test_expire_overdue_keeps_a_case_due_today(program):
    case = make_case(program)
    due = case.chargeback_due_date
    with time_machine.travel(datetime(due.year, due.month, due.day, 23, 59, tzinfo=UTC)):
        out, _ = run("expire_overdue")
    assert out.startswith("expired=0 ")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CREATED
    with time_machine.travel(datetime(due.year, due.month, due.day, 23, 59, tzinfo=UTC) + timedelta(minutes=2)):
        out, _ = run("expire_overdue")
    assert out.startswith("expired=1 ")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.EXPIRED


def test_sweep_works_in_batches(program):
    cases = [make_case(program, days_ago=130) for _ in range(7)]
    counts = services.cases_expire_overdue(batch_size=3)
    assert counts == {"expire": 7, "accept": 0}
    assert set(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("status", flat=True)) == {"expired"}
    assert CaseEvent.objects.filter(transition="expire").count() == 7


# --- create_api_key ------------------------------------------------------------------------------


def test_create_api_key_prints_the_key_alone_on_the_last_line(program):
    out, err = run("create_api_key", "--program", "prog_a", "--scopes", "read,write", "--name", "mobile app")
    lines = out.splitlines()
    key = lines[-1]
    assert out == key + "\n"
    assert re.fullmatch(r"[A-Za-z0-9]+\.[A-Za-z0-9]+", key)
    assert ApiKey.objects.is_valid(key)
    stored = ApiKey.objects.get_from_key(key)
    assert (stored.program, stored.scopes, stored.name) == (program, ["read", "write"], "mobile app")
    assert key not in err and "Created program" not in err
    assert ApiKey.objects.is_valid(key[:-1] + ("x" if key[-1] != "x" else "y")) is False


def test_create_api_key_creates_the_program(db):
    out, err = run("create_api_key", "--program", "new_prog", "--scopes", "manage", "--currency", "eur")
    program = Program.objects.get(program_id="new_prog")
    assert (program.default_currency, program.levels, program.review_threshold) == ("EUR", ["level_1", "level_2",
                                                                                           "level_3"], None)
    assert "Created program new_prog" in err
    assert ApiKey.objects.get_from_key(out.splitlines()[-1]).program == program
    run("create_api_key", "--program", "new_prog")
    assert Program.objects.filter(program_id="new_prog").count() == 1
    assert ApiKey.objects.filter(program=program).count() == 2


@pytest.mark.parametrize("scopes", ["admin", "read,superuser", "", " , "])
def test_create_api_key_refuses_bad_scopes(db, scopes):
    with pytest.raises(CommandError, match="scopes"):
        run("create_api_key", "--program", "p1", "--scopes", scopes)
    assert (Program.objects.count(), ApiKey.objects.count()) == (0, 0)


def test_create_api_key_refuses_a_bad_currency(db):
    with pytest.raises(CommandError, match="currency"):
        run("create_api_key", "--program", "p1", "--currency", "ZZZ")
    assert Program.objects.count() == 0
