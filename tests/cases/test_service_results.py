"""Services return what they wrote, and take the domain decisions the doors used to take:
filing or flagging (Decisionly `file_mode=auto`), merchant verdicts (Tutelar), amending a dispute
in one transaction, drawing a case id again, and the note of an edit that changes nothing."""

from datetime import timedelta

import pytest

from cases import lifecycle, services
from cases.actors import Actor
from cases.choices import CaseStatus, EventKind, ReviewStatus
from cases.exceptions import PermissionDenied, TransitionNotAllowed, ValidationFailed
from cases.models import Case, CaseEvent
from tests.factories import case_input, make_api_key, make_case, make_user

FRAUD_READY = {"card": {"is_active": False}, "fraud": {"was_reported": True}}


def events(case):
    return list(CaseEvent.objects.filter(case=case).order_by("id"))


def fields_of(excinfo):
    return {(e.field, e.code) for e in excinfo.value.errors}


# --- each service returns the event it wrote -------------------------------------------------


def test_a_note_is_returned_as_the_event_written(program, analyst):
    case = make_case(program)
    note = services.case_add_note(case=case, actor=Actor.for_user(analyst, request_id="r-1"), text="  Called.  ")
    assert note == events(case)[-1]
    assert (note.kind, note.note, note.request_id, note.case.pk) == (EventKind.NOTE, "Called.", "r-1", case.pk)


@pytest.mark.parametrize(("text", "code"), [("", "required"), ("   ", "required"), ("x" * 5001, "too_long")])
def test_a_bad_note_writes_nothing(program, analyst_actor, text, code):
    case = make_case(program)
    before = len(events(case))
    with pytest.raises(ValidationFailed) as excinfo:
        services.case_add_note(case=case, actor=analyst_actor, text=text)
    assert fields_of(excinfo) == {("note", code)}
    assert len(events(case)) == before


def test_an_amount_change_returns_its_event_and_the_changed_case(program, analyst_actor):
    case = make_case(program, amount=20000)
    event = services.case_change_amount(case=case, actor=analyst_actor, amount=12000, currency="USD", note="Partial")
    assert event == events(case)[-1]
    assert (event.kind, event.note, event.changes["disputed_amount"]) == (
        EventKind.AMOUNT, "Partial", {"before": 20000, "after": 12000})
    assert (event.case.disputed_amount, event.case.version) == (12000, Case.objects.get(pk=case.pk).version)


def test_a_transition_returns_its_event(program, supervisor_actor):
    case = make_case(program)
    event = services.case_transition(case=case, transition="withdraw", actor=supervisor_actor, note="Asked to")
    assert event == events(case)[-1]
    assert (event.transition, event.from_status, event.to_status, event.case.status) == (
        "withdraw", "created", "withdrawn", "withdrawn")


def test_mark_reviewed_and_flag_return_their_events(program, supervisor_actor):
    case = make_case(program)
    flagged = services.case_flag_for_review(case=case, actor=supervisor_actor, note="Look")
    assert flagged == events(case)[-1] and flagged.case.review_status == ReviewStatus.CHARGEBACK_NEEDS_REVIEW
    assert services.case_flag_for_review(case=case, actor=supervisor_actor) is None  # already flagged: nothing written
    cleared = services.case_mark_reviewed(case=case, actor=supervisor_actor)
    assert cleared == events(case)[-1] and cleared.case.review_status is None


# --- case_update: one answer for the note of an edit that changes nothing ---------------------


def test_an_edit_returns_its_edit_event(program, supervisor_actor):
    case = make_case(program)
    event = services.case_update(case=case, actor=supervisor_actor, level="level_2", note="Escalated")
    assert event == events(case)[-1]
    assert (event.kind, event.note, event.case.level) == (EventKind.EDIT, "Escalated", "level_2")


def test_an_edit_that_changes_nothing_keeps_its_note_as_a_note(program, supervisor_actor):
    case = make_case(program)
    event = services.case_update(case=case, actor=supervisor_actor, level=case.level, note="  Checked  ")
    assert event == events(case)[-1]
    assert (event.kind, event.note, event.changes) == (EventKind.NOTE, "Checked", {})
    assert Case.objects.get(pk=case.pk).version == case.version  # a note does not change the case


def test_an_edit_that_changes_nothing_without_a_note_writes_nothing(program, supervisor_actor):
    case = make_case(program)
    before = events(case)
    assert services.case_update(case=case, actor=supervisor_actor, level=case.level, note="  ") is None
    assert events(case) == before


def test_the_note_of_an_empty_edit_needs_the_note_permission(program):
    case = make_case(program)
    key, _ = make_api_key(program, ["read"])
    with pytest.raises(PermissionDenied):
        services.case_update(case=case, actor=Actor.for_api_key(key), note="hello")
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.NOTE).exists()


def test_every_bad_field_of_an_edit_is_named_at_once(program, supervisor_actor):
    case = make_case(program)
    early = case.transaction.date.date() - timedelta(days=3)
    with pytest.raises(ValidationFailed) as excinfo:
        services.case_update(case=case, actor=supervisor_actor, level="level_9", internal_due_date=early)
    assert fields_of(excinfo) == {("level", "invalid_level"),
                                  ("internal_due_date", "internal_due_date_before_transaction")}
    assert Case.objects.get(pk=case.pk).version == case.version


# --- evidence ---------------------------------------------------------------------------------


def test_unreadable_delivery_evidence_is_no_expected_date(program):
    # Not an object, or no date in it: the chargeback due date counts from the transaction, no 500.
    for delivery in ("soon", {"expected_date": 7}, ["2024-01-01"]):
        case = make_case(program, reason="product_not_received", issuer_evidence={"delivery": delivery})
        assert case.chargeback_due_date is not None


# --- Decisionly file_mode=auto: file, or flag for review --------------------------------------


def test_file_or_flag_files_when_every_condition_holds(program, supervisor_actor):
    case = make_case(program)
    event = services.case_file_or_flag(case=case, actor=supervisor_actor)
    assert (event.kind, event.transition, event.case.status) == (EventKind.TRANSITION, "file_chargeback",
                                                                 CaseStatus.CHARGEBACK_FILED)


def test_file_or_flag_flags_with_the_reason_when_a_condition_fails(program, supervisor_actor):
    case = make_case(program, reason="fraud")
    event = services.case_file_or_flag(case=case, actor=supervisor_actor)
    row = Case.objects.get(pk=case.pk)
    assert (row.status, row.review_status) == (CaseStatus.CREATED, ReviewStatus.CHARGEBACK_NEEDS_REVIEW)
    assert event == events(case)[-1] and event.kind == EventKind.EDIT
    assert lifecycle.CONDITION_MESSAGES["fraud_card_blocked_and_reported"] in event.note
    # Asked again while flagged: nothing more is written.
    assert services.case_file_or_flag(case=case, actor=supervisor_actor) is None
    assert events(case)[-1] == event


def test_file_or_flag_raises_other_refusals(program, supervisor_actor):
    filed = make_case(program, path=["file_chargeback"])
    with pytest.raises(TransitionNotAllowed):
        services.case_file_or_flag(case=filed, actor=supervisor_actor)
    key, _ = make_api_key(program, ["read"])
    case = make_case(program, reason="fraud")
    with pytest.raises(PermissionDenied):
        services.case_file_or_flag(case=case, actor=Actor.for_api_key(key))
    assert Case.objects.get(pk=case.pk).review_status is None


# --- merchant verdicts ------------------------------------------------------------------------

VERDICT_PATHS = [
    ([], services.MERCHANT_WON, "reject"), ([], services.MERCHANT_LOST, "credit_merchant"),
    (["file_chargeback"], services.MERCHANT_WON, "lose"), (["file_chargeback"], services.MERCHANT_LOST, "win"),
    (["file_chargeback", "record_representment"], services.MERCHANT_WON, "accept"),
    (["file_chargeback", "record_representment"], services.MERCHANT_LOST, "credit_merchant"),
]


@pytest.mark.parametrize(("path", "verdict", "step"), VERDICT_PATHS)
def test_a_verdict_runs_the_step_it_means_from_the_status(program, path, verdict, step):
    case = make_case(program, path=path)
    actor = Actor.for_api_key(make_api_key(program, ["manage"])[0])
    event = services.case_record_verdict(case=case, actor=actor, verdict=verdict, note="Verdict")
    assert (event.transition, event.note) == (step, "Verdict")
    assert event.case.is_active is False


def test_a_verdict_on_a_closed_case_is_refused(program):
    case = make_case(program, path=["withdraw"])
    actor = Actor.for_api_key(make_api_key(program, ["manage"])[0])
    before = events(case)
    with pytest.raises(TransitionNotAllowed):
        services.case_record_verdict(case=case, actor=actor, verdict=services.MERCHANT_WON)
    with pytest.raises(ValidationFailed):
        services.case_record_verdict(case=make_case(program), actor=actor, verdict="draw")
    assert events(case) == before


# --- case_create draws a generated id again --------------------------------------------------


def test_a_taken_generated_id_is_drawn_again(program):
    taken = make_case(program, case_id="dispute_taken")
    ids = iter(["dispute_taken", "dispute_fresh"])
    case = services.case_create(program=program, actor=Actor.for_system(), data=case_input(),
                                new_case_id=lambda: next(ids))
    assert case.case_id == "dispute_fresh" and taken.case_id == "dispute_taken"
    assert Case.objects.filter(program=program).count() == 2


# --- case_amend: one transaction --------------------------------------------------------------


def test_amend_returns_every_event_in_order(program):
    case = make_case(program, amount=20000)
    actor = Actor.for_api_key(make_api_key(program, ["manage"])[0])
    written = services.case_amend(case=case, actor=actor, transaction_facts={"payment_type": "upi"},
                                  disputed_amount=15000, dispute_type="fraud", level="level_2", note="All at once")
    assert [e.kind for e in written] == ["edit", "amount", "edit", "edit", "note"]
    assert written == events(case)[1:]
    row = Case.objects.get(pk=case.pk)
    assert (row.transaction.payment_type, row.disputed_amount, row.dispute_type, row.level) == (
        "upi", 15000, "fraud", "level_2")


def test_amend_stores_nothing_when_a_later_part_fails(program):
    case = make_case(program, amount=20000)
    actor = Actor.for_api_key(make_api_key(program, ["manage"])[0])
    before = events(case)
    with pytest.raises(ValidationFailed):
        services.case_amend(case=case, actor=actor, transaction_facts={"payment_type": "upi"},
                            disputed_amount=15000, level="level_9", note="Lost")
    row = Case.objects.get(pk=case.pk)
    assert (row.transaction.payment_type, row.disputed_amount, row.version) == ("", 20000, case.version)
    assert events(case) == before


# --- merchant and cardholder edits ----------------------------------------------------------


def test_a_merchant_edit_is_recorded_on_every_case_it_shows_on(program, admin_user):
    first = make_case(program)
    second = make_case(program)
    merchant = first.transaction.merchant
    Case.objects.filter(pk=second.pk).update(transaction=first.transaction, status=CaseStatus.WITHDRAWN)
    actor = Actor.for_user(admin_user, request_id="r-m")
    written = services.merchant_update(merchant=merchant, actor=actor,
                                       fields={"name": "FoodHub India", "mcc": "5812"}, note="Renamed")
    assert {e.case_id for e in written} == {first.pk, second.pk}
    expected = {"merchant.name": {"before": "FoodHub", "after": "FoodHub India"},
                "merchant.mcc": {"before": "5734", "after": "5812"}}
    for event in written:
        stored = CaseEvent.objects.get(pk=event.pk)
        assert (stored.kind, stored.changes, stored.note, stored.request_id) == (EventKind.EDIT, expected, "Renamed",
                                                                                "r-m")
    merchant.refresh_from_db()
    assert merchant.name == "FoodHub India"
    assert Case.objects.get(pk=first.pk).version == first.version + 1
    # The same values again: nothing is written.
    assert services.merchant_update(merchant=merchant, actor=actor, fields={"name": "FoodHub India"}) == []


@pytest.mark.parametrize(("fields", "expected"), [
    ({"name": "Card 4111 1111 1111 1111"}, {("name", "pan_detected")}),
    ({"email": "not-an-email"}, {("email", "invalid")}),
    ({"name": "", "country": "India"}, {("name", "blank"), ("country", "max_length")}),
    ({"type": "robot"}, {("type", "invalid_choice")}),
    ({"external_id": "other"}, {("external_id", "unknown_field")}),
    ({"mobile": 5}, {("mobile", "invalid")}),
])
def test_a_bad_cardholder_edit_names_its_fields_and_writes_nothing(program, admin_user, fields, expected):
    case = make_case(program)
    cardholder = case.transaction.cardholder
    before = (cardholder.name, cardholder.email, events(case))
    with pytest.raises(ValidationFailed) as excinfo:
        services.cardholder_update(cardholder=cardholder, actor=Actor.for_user(admin_user), fields=fields)
    assert fields_of(excinfo) == expected
    cardholder.refresh_from_db()
    assert (cardholder.name, cardholder.email, events(case)) == before


def test_a_merchant_edit_needs_the_permission(program, admin_user):
    case = make_case(program)
    for actor in (Actor.for_user(make_user("x", "supervisor")), Actor.for_system()):
        with pytest.raises(PermissionDenied):
            services.merchant_update(merchant=case.transaction.merchant, actor=actor, fields={"name": "Nope"})
    with pytest.raises(ValidationFailed) as excinfo:
        services.merchant_update(merchant=case.transaction.merchant, actor=Actor.for_user(admin_user),
                                 fields={"mcc": "58"})
    assert fields_of(excinfo) == {("mcc", "invalid")}
    assert case.transaction.merchant.name == "FoodHub"
