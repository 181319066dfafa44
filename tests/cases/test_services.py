"""Opening cases and running transitions through cases.services: outcomes, events, duplicates, rollback."""

from datetime import date, datetime, timedelta, timezone

import pytest
from django.db import IntegrityError, transaction

from cases import lifecycle, services
from cases.actors import Actor
from cases.exceptions import CaseIdTaken, OpenCaseExists, TransactionNotFound, ValidationFailed
from cases.inputs import TransactionInput
from cases.models import Case, CaseEvent, Transaction
from tests.factories import TransactionFactory, case_input, make_case


def kinds(case):
    return [(e.kind, e.transition, e.from_status, e.to_status) for e in CaseEvent.objects.filter(case=case)]


@pytest.fixture
def failing_events(monkeypatch):
    """Make writing an event of the given kinds fail, as a database error would, inside the service."""

    def install(*failing_kinds):
        original = CaseEvent.objects.create

        def create(**kwargs):
            if not failing_kinds or kwargs.get("kind") in failing_kinds:
                raise IntegrityError("event insert failed")
            return original(**kwargs)

        monkeypatch.setattr(CaseEvent.objects, "create", create)

    return install


# --- creation --------------------------------------------------------------------------------------


def test_created_event_records_the_user_and_request(program, analyst):
    actor = Actor.for_user(analyst, request_id="req-create-1")
    case = services.case_create(program=program, actor=actor, data=case_input(amount=20000, disputed_amount=15000,
                                                                              comments="Never arrived."))
    event = CaseEvent.objects.get(case=case)
    assert (event.kind, event.to_status, event.from_status, event.transition) == ("created", "created", "", "")
    assert event.changes == {"source": "api", "disputed_amount": 15000, "currency": "USD", "review_status": None}
    assert event.note == "Never arrived."
    assert (event.actor, event.actor_user, event.actor_api_key) == ("user:ana", analyst, None)
    assert event.request_id == "req-create-1"


def test_created_event_records_the_api_key(program, api_keys):
    key, _ = api_keys["write"]
    case = services.case_create(program=program, actor=Actor.for_api_key(key, request_id="r-2"), data=case_input())
    event = CaseEvent.objects.get(case=case)
    assert (event.actor, event.actor_api_key, event.actor_user) == (f"api_key:{key.prefix}", key, None)
    assert event.request_id == "r-2"


def test_created_case_fields(program, system_actor):
    case = services.case_create(program=program, actor=system_actor, data=case_input(network="mastercard"))
    row = Case.objects.get(pk=case.pk)
    assert (row.status, row.reason, row.network, row.network_reason_code) == (
        "created", "product_not_received", "mastercard", "4855")
    assert (row.disputed_amount, row.currency, row.level, row.version) == (20000, "USD", "level_1", 1)
    assert row.internal_due_date == lifecycle.today() + timedelta(days=program.default_internal_due_days)
    assert row.next_deadline == min(row.internal_due_date, row.chargeback_due_date)
    assert row.case_id.startswith("case_") and len(row.case_id) == 25


def test_failed_transaction_opens_a_rejected_case(program, analyst):
    actor = Actor.for_user(analyst, request_id="req-f")
    case = services.case_create(program=program, actor=actor, data=case_input(status="failed"))
    row = Case.objects.get(pk=case.pk)
    assert (row.status, row.next_deadline, row.response_due_date) == ("rejected", None, None)
    assert kinds(case) == [("created", "", "", "created"), ("transition", "reject", "created", "rejected")]
    outcome = CaseEvent.objects.filter(case=case).last()
    assert (outcome.actor, outcome.actor_user, outcome.request_id) == ("system", None, "req-f")
    assert outcome.note == "The transaction failed."


def test_refunded_transaction_opens_a_merchant_credited_case(program, system_actor):
    case = services.case_create(program=program, actor=system_actor, data=case_input(status="refunded"))
    assert Case.objects.get(pk=case.pk).status == "merchant_credited"
    assert kinds(case) == [("created", "", "", "created"),
                           ("transition", "credit_merchant", "created", "merchant_credited")]


@pytest.mark.parametrize(("amount", "expected"), [(9999, None), (10000, "chargeback_needs_review"),
                                                  (15000, "chargeback_needs_review")])
def test_review_threshold(program, system_actor, amount, expected):
    program.review_threshold = 10000
    program.save()
    case = services.case_create(program=program, actor=system_actor, data=case_input(disputed_amount=amount))
    assert Case.objects.get(pk=case.pk).review_status == expected
    assert CaseEvent.objects.get(case=case).changes["review_status"] == expected


def test_mark_reviewed_clears_review_with_an_event(program, supervisor_actor, system_actor):
    program.review_threshold = 1
    program.save()
    case = make_case(program)
    services.case_mark_reviewed(case=case, actor=supervisor_actor, note="Checked.")
    assert Case.objects.get(pk=case.pk).review_status is None
    event = CaseEvent.objects.filter(case=case).last()
    assert (event.kind, event.note, event.actor) == ("edit", "Checked.", "user:sue")
    assert event.changes == {"review_status": {"before": "chargeback_needs_review", "after": None}}
    with pytest.raises(ValidationFailed):
        services.case_mark_reviewed(case=case, actor=supervisor_actor)


def test_flag_for_review_sets_review_once(program, analyst_actor):
    case = make_case(program)
    services.case_flag_for_review(case=case, actor=analyst_actor)
    services.case_flag_for_review(case=case, actor=analyst_actor)
    assert Case.objects.get(pk=case.pk).review_status == "chargeback_needs_review"
    assert [e.changes for e in CaseEvent.objects.filter(case=case, kind="edit")] == [
        {"review_status": {"before": None, "after": "chargeback_needs_review"}}]


def test_open_case_exists_names_the_existing_case(program, system_actor):
    txn = TransactionFactory(program=program)
    first = make_case(program, transaction=txn, case_id="first_case")
    with pytest.raises(OpenCaseExists) as excinfo:
        make_case(program, transaction=txn)
    assert (excinfo.value.case_id, excinfo.value.case_number) == ("first_case", first.number)
    assert excinfo.value.financial_document_id == txn.financial_document_id
    assert "Another open case with id first_case" in excinfo.value.message
    assert Case.objects.filter(transaction=txn).count() == 1


def test_closed_case_frees_the_transaction(program, analyst_actor):
    txn = TransactionFactory(program=program)
    first = make_case(program, transaction=txn, path=["withdraw"])
    second = make_case(program, transaction=txn)
    assert second.pk != first.pk
    assert Case.objects.filter(transaction=txn, status="created").get() == second


def test_database_constraint_blocks_a_second_open_case(program):
    first = make_case(program)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(case_id="bypass", program=program, transaction=first.transaction, reason="other",
                            dispute_date=first.dispute_date, disputed_amount=100, currency="USD")
    assert Case.objects.filter(transaction=first.transaction).count() == 1


def test_case_id_taken_within_a_program_only(program, other_program):
    make_case(program, case_id="dup_1")
    with pytest.raises(CaseIdTaken) as excinfo:
        make_case(program, case_id="dup_1")
    assert excinfo.value.case_id == "dup_1"
    assert Case.objects.filter(case_id="dup_1").count() == 1
    make_case(other_program, case_id="dup_1")
    assert Case.objects.filter(case_id="dup_1").count() == 2


@pytest.mark.parametrize(("overrides", "field"), [
    ({"disputed_amount": 20001}, "dispute.amount"),
    ({"disputed_amount": 0}, "dispute.amount"),
    ({"currency": "EUR"}, "dispute.currency"),
    ({"case_id": "bad id!"}, "case_id"),
    ({"reason": "bored"}, "reason"),
    ({"level": "level_9"}, "level"),
    ({"custom_fields": {"k": 1}}, "custom_fields.k"),
])
def test_invalid_input_creates_nothing(program, system_actor, overrides, field):
    with pytest.raises(ValidationFailed) as excinfo:
        services.case_create(program=program, actor=system_actor, data=case_input(amount=20000, **overrides))
    assert excinfo.value.errors[0].field == field
    assert (Case.objects.count(), CaseEvent.objects.count(), Transaction.objects.count()) == (0, 0, 0)


def test_unknown_financial_document_is_not_found(program, system_actor):
    data = case_input(transaction=TransactionFactory.build(program=program, financial_document_id=999))
    with pytest.raises(TransactionNotFound):
        services.case_create(program=program, actor=system_actor, data=data)


def test_transaction_matching_order(program):
    by_fdid = TransactionFactory(program=program)
    by_external = TransactionFactory(program=program)
    by_arn = TransactionFactory(program=program)
    by_ssn = TransactionFactory(program=program, switch_serial_number="SSN-1")

    def resolve(**values):
        return services.transaction_resolve(program=program, data=TransactionInput(**values))

    assert resolve(financial_document_id=by_fdid.financial_document_id, external_id=by_external.external_id) == by_fdid
    assert resolve(external_id=by_external.external_id, arn=by_arn.arn, switch_serial_number="SSN-1") == by_external
    assert resolve(external_id="unknown", arn=by_arn.arn, switch_serial_number="SSN-1") == by_arn
    assert resolve(arn="unknown", switch_serial_number="SSN-1") == by_ssn
    assert Transaction.objects.count() == 4


def test_new_transaction_gets_a_ten_digit_financial_document_id(program, system_actor):
    case = make_case(program)
    assert 1_000_000_000 <= case.transaction.financial_document_id <= 9_999_999_999


def test_chargeback_due_date_counts_from_the_utc_transaction_date(program, system_actor, admin_user):
    """A transaction at 01:00 +05:00 on 1 March is 28 February in UTC; both cases on it agree."""
    data = case_input(network="visa", reason="product_not_as_described")
    data.transaction.date = datetime(2026, 3, 1, 1, 0, tzinfo=timezone(timedelta(hours=5)))
    first = services.case_create(program=program, actor=system_actor, data=data)
    assert first.chargeback_due_date == date(2026, 2, 28) + timedelta(days=120)
    services.case_transition(case=first, transition="withdraw", actor=Actor.for_user(admin_user))
    second = make_case(program, transaction=first.transaction, network="visa", reason="product_not_as_described")
    assert second.chargeback_due_date == first.chargeback_due_date


def test_transition_event_records_the_api_key_and_deadline(program, api_keys):
    key, _ = api_keys["manage"]
    case = make_case(program, path=["file_chargeback"])
    actor = Actor.for_api_key(key, request_id="req-rep")
    services.case_transition(case=case, transition="record_representment", actor=actor, note="Merchant answered.")
    row = Case.objects.get(pk=case.pk)
    event = CaseEvent.objects.filter(case=case).last()
    assert (event.kind, event.transition, event.from_status, event.to_status) == (
        "transition", "record_representment", "chargeback_filed", "chargeback_represented")
    assert (event.actor, event.actor_api_key, event.actor_user) == (f"api_key:{key.prefix}", key, None)
    assert (event.note, event.request_id) == ("Merchant answered.", "req-rep")
    assert event.changes == {"response_due_date": row.response_due_date.isoformat()}


# --- rollback ----------------------------------------------------------------------------------


def test_creation_rolls_back_when_its_event_fails(program, system_actor, failing_events):
    failing_events("created")
    with pytest.raises(IntegrityError):
        services.case_create(program=program, actor=system_actor, data=case_input())
    assert (Case.objects.count(), Transaction.objects.count(), CaseEvent.objects.count()) == (0, 0, 0)


def test_creation_rolls_back_when_the_outcome_event_fails(program, system_actor, failing_events):
    failing_events("transition")
    with pytest.raises(IntegrityError):
        services.case_create(program=program, actor=system_actor, data=case_input(status="failed"))
    assert (Case.objects.count(), CaseEvent.objects.count()) == (0, 0)


def test_transition_rolls_back_when_its_event_fails(program, analyst_actor, failing_events):
    case = make_case(program)
    failing_events()
    with pytest.raises(IntegrityError):
        services.case_transition(case=case, transition="file_chargeback", actor=analyst_actor)
    row = Case.objects.get(pk=case.pk)
    assert (row.status, row.version, row.next_deadline) == ("created", 1, case.next_deadline)
    assert kinds(case) == [("created", "", "", "created")]


def test_edit_rolls_back_when_its_event_fails(program, supervisor_actor, failing_events):
    case = make_case(program, custom_fields={"a": "1"})
    failing_events()
    with pytest.raises(IntegrityError):
        services.case_update(case=case, actor=supervisor_actor, level="level_3", custom_fields={"a": None})
    row = Case.objects.get(pk=case.pk)
    assert (row.level, row.custom_fields, row.version) == ("level_1", {"a": "1"}, 1)
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_amount_change_rolls_back_when_its_event_fails(program, analyst_actor, failing_events):
    case = make_case(program)
    failing_events()
    with pytest.raises(IntegrityError):
        services.case_change_amount(case=case, actor=analyst_actor, amount=500, currency="USD")
    assert Case.objects.get(pk=case.pk).disputed_amount == 20000
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_review_rolls_back_when_its_event_fails(program, supervisor_actor, failing_events):
    program.review_threshold = 1
    program.save()
    case = make_case(program)
    failing_events()
    with pytest.raises(IntegrityError):
        services.case_mark_reviewed(case=case, actor=supervisor_actor)
    assert Case.objects.get(pk=case.pk).review_status == "chargeback_needs_review"


def test_events_are_append_only(program):
    case = make_case(program)
    event = CaseEvent.objects.get(case=case)
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(case=case).update(note="x")
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(case=case).delete()
    assert CaseEvent.objects.get(case=case).note == ""
