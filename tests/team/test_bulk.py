"""Bulk actions (SPEC section 14): each case through its own service call; a refusal is that case's
outcome alone; the selection is read through the actor's scope."""

import csv
import io
import time

import pytest
from django.test import Client

from cases.actors import Actor
from cases.choices import EventKind
from cases.exceptions import ValidationFailed
from cases.models import Case, CaseEvent
from cases.services import bulk
from tests.conftest import logged_in
from tests.factories import make_api_key, make_case, make_user


def test_500_cases_37_of_which_cannot_take_the_step(program, analyst_actor):
    closed = {make_case(program, path=["withdraw"]).number for _ in range(37)}
    open_ = [make_case(program).number for _ in range(463)]
    selection = [str(n) for n in sorted(closed | set(open_))]
    assert len(selection) == 500
    events_before = CaseEvent.objects.filter(kind=EventKind.TRANSITION).count()
    started = time.monotonic()
    outcomes = bulk.bulk_run(actor=analyst_actor, selection=selection, action="transition", transition="withdraw",
                             note="Refunded by the merchant")
    elapsed = time.monotonic() - started
    assert [o.selected for o in outcomes] == selection
    done = [o for o in outcomes if o.done]
    refused = [o for o in outcomes if not o.done]
    assert len(done) == 463 and len(refused) == 37
    assert {o.case.number for o in refused} == closed
    for o in refused:
        assert o.code == "transition_not_allowed"
        assert o.message == "The transition 'withdraw' is not allowed from status 'withdrawn'."
    for o in done:
        assert o.event.kind == EventKind.TRANSITION and o.event.transition == "withdraw"
        assert o.event.note == "Refunded by the merchant"
    events = CaseEvent.objects.filter(kind=EventKind.TRANSITION, transition="withdraw", note="Refunded by the merchant")
    assert set(events.values_list("case_id", flat=True)) == set(open_)
    assert CaseEvent.objects.filter(kind=EventKind.TRANSITION).count() == events_before + 463
    assert Case.objects.filter(number__in=open_, status="withdrawn").count() == 463
    print(f"bulk transition of 500 (SQLite, in-process): {elapsed:.2f} s")


def test_a_case_of_another_program_is_refused_for_that_case_only(program, other_program):
    mine = [make_case(program) for _ in range(3)]
    theirs = make_case(other_program)
    key, _ = make_api_key(program, ["manage"])
    selection = [str(mine[0].number), str(theirs.number), str(mine[1].number), "999999", "abc", str(mine[2].number)]
    outcomes = bulk.bulk_run(actor=Actor.for_api_key(key), selection=selection, action="note", note="Called the merchant")
    assert [o.label for o in outcomes] == [
        "done", f"No case {theirs.number} that you may see.", "done", "No case 999999 that you may see.",
        "No case abc that you may see.", "done"]
    assert not CaseEvent.objects.filter(case=theirs, kind=EventKind.NOTE).exists()
    assert CaseEvent.objects.filter(case__in=mine, kind=EventKind.NOTE).count() == 3


def test_permission_is_checked_for_every_case(program, analyst_actor, analyst):
    cases = [make_case(program) for _ in range(3)]
    outcomes = bulk.bulk_run(actor=analyst_actor, selection=[c.number for c in cases], action="assign",
                             assignee=analyst)
    assert [o.label for o in outcomes] == ["Only a supervisor may assign cases."] * 3
    assert not Case.objects.filter(assignee__isnull=False).exists()


@pytest.mark.parametrize("selection, action, message", [
    ([], "note", "Select at least one case."),
    ([str(n) for n in range(1, 502)], "note", "Select at most 500 cases at once (501 selected)."),
    (["1"], "explode", "Choose assign, a transition or a note."),
])
def test_a_request_that_cannot_run_at_all_is_refused_whole(program, analyst_actor, selection, action, message):
    with pytest.raises(ValidationFailed) as refused:
        bulk.bulk_run(actor=analyst_actor, selection=selection, action=action, note="x")
    assert refused.value.message == message


# --- the back-office door ---------------------------------------------------------------------


def test_supervisor_bulk_assigns_from_the_queue_and_sees_each_outcome(program, other_program, supervisor):
    cases = [make_case(program) for _ in range(4)]
    closed = make_case(program, path=["withdraw"])
    bob = make_user("bob", "analyst")
    client = logged_in(supervisor)
    queue = client.get("/cases/?status=open").content.decode()
    assert f'name="case" value="{cases[0].number}" form="bulk"' in queue and 'id="bulk"' in queue
    response = client.post("/cases/bulk/", {"action": "assign", "assignee": "bob", "next": "/cases/?status=open",
                                            "case": [c.number for c in cases] + [closed.number, 424242]})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Assign to bob: 4 done, 2 refused" in body
    assert body.count('class="bulk-done"') == 4 and body.count('class="bulk-refused"') == 2
    assert "A closed case is not assigned." in body and "No case 424242 that you may see." in body
    assert 'href="/cases/?status=open"' in body
    assert set(Case.objects.filter(assignee=bob).values_list("number", flat=True)) == {c.number for c in cases}
    assert CaseEvent.objects.filter(kind=EventKind.ASSIGNMENT, case__in=cases).count() == 4


def test_bulk_transition_and_note_through_the_door(program, analyst):
    cases = [make_case(program) for _ in range(3)]
    client = logged_in(analyst)
    response = client.post("/cases/bulk/", {"action": "transition", "transition": "withdraw", "note": "dup",
                                            "case": [c.number for c in cases]})
    assert "Withdraw: 3 done" in response.content.decode()
    response = client.post("/cases/bulk/", {"action": "note", "note": "Checked", "case": [cases[0].number]})
    assert "Add a note: 1 done" in response.content.decode()
    response = client.post("/cases/bulk/", {"action": "transition", "transition": "reject", "case": [cases[1].number]})
    assert "Reject: 0 done, 1 refused" in response.content.decode()
    assert "You may not reject a case." in response.content.decode()


def test_export_csv_of_the_selection(program, analyst):
    cases = [make_case(program) for _ in range(3)]
    client = logged_in(analyst)
    response = client.post("/cases/bulk/", {"action": "export", "case": [cases[2].number, cases[0].number, 777777]})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["case_id"] for r in rows] == [cases[0].case_id, cases[2].case_id]


@pytest.mark.parametrize("data, message", [
    ({"action": "note", "case": ["1"]}, "Write the note to add."),
    ({"action": "transition", "case": ["1"]}, "Choose the step to run."),
    ({"action": "transition", "transition": "expire", "case": ["1"]}, "Select a valid choice"),
    ({"action": "teleport", "case": ["1"]}, "Choose an action."),
    ({"action": "assign", "assignee": "ghost", "case": ["1"]}, "Choose an active analyst or supervisor."),
    ({"action": "note", "note": "card 4111 1111 1111 1111", "case": ["1"]}, "card number"),
    ({"action": "note", "note": "hello"}, "Select at least one case."),
    ({"action": "note", "note": "hello", "case": [str(n) for n in range(600)]}, "Select at most 500 cases"),
])
def test_bad_bulk_requests_are_400_and_change_nothing(program, supervisor, data, message):
    make_case(program)
    response = logged_in(supervisor).post("/cases/bulk/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and "Nothing was done" in body
    assert "4111 1111 1111 1111" not in body
    assert not CaseEvent.objects.exclude(kind=EventKind.CREATED).exists()


def test_bulk_needs_csrf_and_sign_in(program, analyst):
    case = make_case(program)
    strict = logged_in(analyst, enforce_csrf_checks=True)
    assert strict.post("/cases/bulk/", {"action": "note", "note": "x", "case": [case.number]}).status_code == 403
    response = Client().post("/cases/bulk/", {"action": "note", "note": "x", "case": [case.number]})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not CaseEvent.objects.filter(kind=EventKind.NOTE).exists()
