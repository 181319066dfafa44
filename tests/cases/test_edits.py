"""Edits that are not lifecycle steps: fields, due dates, the disputed amount, notes (cases.services.edits)."""

from datetime import timedelta

import pytest

from cases import services
from cases.actors import Actor
from cases.exceptions import CaseClosed, PreconditionFailed, ValidationFailed
from cases.models import Case, CaseEvent
from tests.factories import make_case


def last_event(case):
    return CaseEvent.objects.filter(case=case).last()


def test_level_and_due_dates_edit_writes_before_and_after(program, supervisor):
    case = make_case(program)
    actor = Actor.for_user(supervisor, request_id="req-edit")
    new_internal = case.chargeback_due_date + timedelta(days=5)
    new_due = case.created.date() + timedelta(days=60)

    services.case_update(case=case, actor=actor, level="level_2", internal_due_date=new_internal, due_date=new_due,
                         note="Escalated.")

    row = Case.objects.get(pk=case.pk)
    assert (row.level, row.internal_due_date, row.due_date, row.version) == ("level_2", new_internal, new_due, 2)
    # The internal due date moved past the chargeback due date: that one is now the nearest.
    assert row.next_deadline == row.chargeback_due_date
    event = last_event(case)
    assert (event.kind, event.note, event.actor, event.actor_user) == ("edit", "Escalated.", "user:sue", supervisor)
    assert event.request_id == "req-edit"
    assert event.changes == {
        "level": {"before": "level_1", "after": "level_2"},
        "internal_due_date": {"before": case.internal_due_date.isoformat(), "after": new_internal.isoformat()},
        "due_date": {"before": None, "after": new_due.isoformat()},
    }


def test_edit_without_a_change_writes_no_event(program, supervisor_actor):
    case = make_case(program, custom_fields={"a": "1"})
    services.case_update(case=case, actor=supervisor_actor, level="level_1", custom_fields={"a": "1"})
    assert Case.objects.get(pk=case.pk).version == 1
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_unknown_level_is_refused(program, supervisor_actor):
    case = make_case(program)
    with pytest.raises(ValidationFailed) as excinfo:
        services.case_update(case=case, actor=supervisor_actor, level="level_9")
    assert excinfo.value.first.code == "invalid_level"
    assert Case.objects.get(pk=case.pk).level == "level_1"


def test_internal_due_date_before_the_transaction_is_refused(program, supervisor_actor):
    case = make_case(program)
    with pytest.raises(ValidationFailed) as excinfo:
        services.case_update(case=case, actor=supervisor_actor,
                             internal_due_date=case.transaction.date.date() - timedelta(days=1))
    assert excinfo.value.first.code == "internal_due_date_before_transaction"


def test_closed_case_due_dates_cannot_change(program, supervisor_actor):
    case = make_case(program, path=["withdraw"])
    with pytest.raises(CaseClosed):
        services.case_update(case=case, actor=supervisor_actor, level="level_2")
    assert Case.objects.get(pk=case.pk).level == "level_1"


def test_custom_fields_merge_and_null_removes(program, analyst_actor):
    case = make_case(program, custom_fields={"channel": "web", "agent": "bo-7"})

    services.case_update(case=case, actor=analyst_actor, custom_fields={"agent": None, "ticket": "T-1",
                                                                        "missing": None})

    assert Case.objects.get(pk=case.pk).custom_fields == {"channel": "web", "ticket": "T-1"}
    assert last_event(case).changes == {"custom_fields": {"before": {"channel": "web", "agent": "bo-7"},
                                                          "after": {"channel": "web", "ticket": "T-1"}}}


@pytest.mark.parametrize(("fields", "code"), [
    ({f"k{i}": "v" for i in range(26)}, "too_many"),
    ({"k" * 51: "v"}, "invalid_key"),
    ({"": "v"}, "invalid_key"),
    ({"k": "v" * 251}, "too_long"),
    ({"k": 5}, "invalid_value"),
])
def test_custom_field_limits(program, analyst_actor, fields, code):
    case = make_case(program, custom_fields={"keep": "me"})
    with pytest.raises(ValidationFailed) as excinfo:
        services.case_update(case=case, actor=analyst_actor, custom_fields=fields)
    assert code in [e.code for e in excinfo.value.errors]
    assert Case.objects.get(pk=case.pk).custom_fields == {"keep": "me"}
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_custom_field_limits_are_inclusive(program, analyst_actor):
    case = make_case(program)
    fields = {f"{i:02d}" + "k" * 48: "v" * 250 for i in range(25)}
    services.case_update(case=case, actor=analyst_actor, custom_fields=fields)
    assert Case.objects.get(pk=case.pk).custom_fields == fields


def test_merge_counts_existing_fields_against_the_limit(program, analyst_actor):
    case = make_case(program, custom_fields={f"old{i}": "v" for i in range(20)})
    with pytest.raises(ValidationFailed):
        services.case_update(case=case, actor=analyst_actor, custom_fields={f"new{i}": "v" for i in range(6)})
    services.case_update(case=case, actor=analyst_actor,
                         custom_fields={"old0": None, **{f"new{i}": "v" for i in range(5)}})
    assert len(Case.objects.get(pk=case.pk).custom_fields) == 24


def test_issuer_evidence_changes_only_while_created(program, analyst_actor):
    case = make_case(program, issuer_evidence={"note": "first"})
    services.case_update(case=case, actor=analyst_actor, issuer_evidence={"note": "second"})
    assert last_event(case).changes == {"issuer_evidence": {"before": {"note": "first"}, "after": {"note": "second"}}}

    services.case_transition(case=case, transition="file_chargeback", actor=analyst_actor)
    with pytest.raises(ValidationFailed) as excinfo:
        services.case_update(case=case, actor=analyst_actor, issuer_evidence={"note": "third"})
    assert excinfo.value.first.code == "case_already_filed"
    assert Case.objects.get(pk=case.pk).issuer_evidence == {"note": "second"}
    # Custom fields still change after filing.
    services.case_update(case=case, actor=analyst_actor, custom_fields={"x": "y"})
    assert Case.objects.get(pk=case.pk).custom_fields == {"x": "y"}


def test_expected_version_mismatch_is_a_failed_precondition(program, supervisor_actor):
    case = make_case(program)
    services.case_update(case=case, actor=supervisor_actor, level="level_2", expected_version=1)
    with pytest.raises(PreconditionFailed):
        services.case_update(case=case, actor=supervisor_actor, level="level_3", expected_version=1)
    row = Case.objects.get(pk=case.pk)
    assert (row.level, row.version, row.etag) == ("level_2", 2, f'"{row.number}-2"')
    assert CaseEvent.objects.filter(case=case, kind="edit").count() == 1


def test_expected_version_guards_transitions_too(program, analyst_actor):
    case = make_case(program)
    with pytest.raises(PreconditionFailed):
        services.case_transition(case=case, transition="withdraw", actor=analyst_actor, expected_version=7)
    assert Case.objects.get(pk=case.pk).status == "created"


# --- trusted amount ----------------------------------------------------------------------------


def test_change_amount_records_before_and_after(program, api_keys):
    case = make_case(program, amount=20000)
    key, _ = api_keys["write"]
    actor = Actor.for_api_key(key, request_id="req-amt")
    services.case_change_amount(case=case, actor=actor, amount=15000, currency="USD", note="Partial.",
                                reason_code="4853")
    row = Case.objects.get(pk=case.pk)
    assert (row.disputed_amount, row.version) == (15000, 2)
    event = last_event(case)
    assert (event.kind, event.note, event.actor_api_key, event.request_id) == ("amount", "Partial.", key, "req-amt")
    assert event.changes == {"disputed_amount": {"before": 20000, "after": 15000}, "currency": "USD",
                             "reason_code": "4853"}


def test_change_amount_up_to_the_transaction_amount(program, analyst_actor):
    case = make_case(program, amount=20000, disputed_amount=5000)
    services.case_change_amount(case=case, actor=analyst_actor, amount=20000, currency="USD")
    assert Case.objects.get(pk=case.pk).disputed_amount == 20000


@pytest.mark.parametrize(("amount", "currency", "code"), [
    (0, "USD", "invalid_amount"),
    (-5, "USD", "invalid_amount"),
    (20001, "USD", "amount_exceeds_transaction"),
    (100, "EUR", "currency_mismatch"),
])
def test_change_amount_rules(program, analyst_actor, amount, currency, code):
    case = make_case(program, amount=20000)
    with pytest.raises(ValidationFailed) as excinfo:
        services.case_change_amount(case=case, actor=analyst_actor, amount=amount, currency=currency)
    assert code in [e.code for e in excinfo.value.errors]
    assert Case.objects.get(pk=case.pk).disputed_amount == 20000
    assert CaseEvent.objects.filter(case=case, kind="amount").count() == 0


def test_change_amount_needs_an_active_case(program, analyst_actor):
    case = make_case(program, path=["file_chargeback", "win"])
    with pytest.raises(CaseClosed):
        services.case_change_amount(case=case, actor=analyst_actor, amount=100, currency="USD")
    assert Case.objects.get(pk=case.pk).disputed_amount == 20000


# --- notes -------------------------------------------------------------------------------------


def test_note_is_an_event_and_leaves_the_case_alone(program, analyst):
    case = make_case(program)
    services.case_add_note(case=case, actor=Actor.for_user(analyst, request_id="n-1"), text="  Called them.  ")
    event = last_event(case)
    assert (event.kind, event.note, event.actor_user, event.request_id) == ("note", "Called them.", analyst, "n-1")
    assert Case.objects.get(pk=case.pk).version == 1


@pytest.mark.parametrize("text", ["", "   ", "x" * 5001])
def test_empty_or_long_note_is_refused(program, analyst_actor, text):
    case = make_case(program)
    with pytest.raises(ValidationFailed):
        services.case_add_note(case=case, actor=analyst_actor, text=text)
    assert CaseEvent.objects.filter(case=case, kind="note").count() == 0
