"""The services' batch paths write what their one-at-a-time roads write: `cases_open_many` opens
each case as `case_create` does, `cases_transition_many` moves each case as `case_transition`
does (rows, events, network submissions), all or nothing."""

import pytest

from cases import services
from cases.actors import Actor
from cases.choices import CaseStatus, EventKind
from cases.exceptions import ApprovalRequired, CaseIdTaken, TransitionNotAllowed, ValidationFailed
from cases.models import Case, CaseEvent, NetworkSubmission, Transaction
from tests.factories import ProgramFactory, case_input

pytestmark = pytest.mark.django_db

# Ids, the moments of writing and what names the program or the stored rows differ by construction.
VOLATILE = {"number", "id", "case_id", "program", "transaction", "created", "updated", "notice_received_at",
            "dispute_date", "investigation_completed_at", "financial_document_id", "external_id", "arn", "merchant", "cardholder"}


def row(obj) -> dict:
    return {field.name: getattr(obj, field.attname) for field in obj._meta.concrete_fields
            if field.name not in VOLATILE}


def trail(case) -> list[tuple]:
    return [(e.kind, e.transition, e.from_status, e.to_status, e.changes, e.note, e.actor)
            for e in CaseEvent.objects.filter(case=case).order_by("id")]


def inputs(count: int, **overrides) -> list:
    return [case_input(network="visa", amount=30000, disputed_amount=20000, **overrides) for _ in range(count)]


@pytest.fixture
def programs(db):
    # Two programs alike: one opened case by case, the other in one go.
    return (ProgramFactory(program_id="one_by_one", review_threshold=20002),
            ProgramFactory(program_id="together", review_threshold=20002))


def test_cases_open_many_opens_each_case_as_case_create(programs):
    single, batch = programs
    data = inputs(3)
    for n, item in enumerate(data):
        item.case_id = f"case_batch_{n}"
        item.disputed_amount = 20000 + n  # the last one reaches the review threshold
    actor = Actor.for_system()
    one_by_one = [services.case_create(program=single, actor=actor, data=item) for item in data]
    for item in data:
        item.transaction.external_id += "_b"
        item.transaction.arn = "9" + item.transaction.arn[1:]
        item.transaction.merchant.external_id += "_b"
        item.transaction.cardholder.external_id += "_b"
    together = services.cases_open_many(program=batch, actor=actor, inputs=data)

    assert [c.pk for c in together] == sorted(c.pk for c in together)
    for first, second in zip(one_by_one, together, strict=True):
        assert first.case_id == second.case_id
        stored_first, stored_second = Case.objects.get(pk=first.pk), Case.objects.get(pk=second.pk)
        assert row(stored_first) == row(stored_second)
        assert trail(stored_first) == trail(stored_second)
        assert row(stored_first.transaction) == row(stored_second.transaction)
        assert row(stored_first.transaction.merchant) == row(stored_second.transaction.merchant)
        assert row(stored_first.transaction.cardholder) == row(stored_second.transaction.cardholder)
    # The review threshold applied as it does for one case.
    assert [c.review_status for c in together] == [None, None, "chargeback_needs_review"]


def test_cases_open_many_finds_a_stored_transaction_and_shares_parties(program, supervisor_actor):
    stored = services.case_create(program=program, actor=Actor.for_system(), data=case_input(network="visa"))
    services.case_transition(case=stored, transition="withdraw", actor=supervisor_actor)
    again = case_input(network="visa")
    again.transaction = case_input().transaction
    again.transaction.external_id = stored.transaction.external_id
    again.transaction.arn = stored.transaction.arn
    twins = inputs(2)
    twins[1].transaction.merchant.external_id = twins[0].transaction.merchant.external_id

    opened = services.cases_open_many(program=program, actor=Actor.for_system(), inputs=[again, *twins])

    assert opened[0].transaction_id == stored.transaction_id  # found, not recorded again
    assert opened[1].transaction.merchant_id == opened[2].transaction.merchant_id
    assert Transaction.objects.filter(program=program).count() == 3


def test_cases_open_many_is_all_or_nothing(program):
    actor = Actor.for_system()
    services.case_create(program=program, actor=actor, data=case_input(case_id="case_taken"))
    before = (Case.objects.count(), Transaction.objects.count(), CaseEvent.objects.count())

    duplicate = inputs(2)
    duplicate[0].case_id = duplicate[1].case_id = "case_twice"
    with pytest.raises(CaseIdTaken):
        services.cases_open_many(program=program, actor=actor, inputs=duplicate)
    taken = inputs(2)
    taken[1].case_id = "case_taken"
    with pytest.raises(CaseIdTaken):
        services.cases_open_many(program=program, actor=actor, inputs=taken)
    bad = inputs(2)
    bad[1].reason = "no_such_reason"
    with pytest.raises(ValidationFailed):
        services.cases_open_many(program=program, actor=actor, inputs=bad)
    too_much = inputs(2)
    too_much[1].disputed_amount = 10**9
    with pytest.raises(ValidationFailed):
        services.cases_open_many(program=program, actor=actor, inputs=too_much)

    assert (Case.objects.count(), Transaction.objects.count(), CaseEvent.objects.count()) == before


def test_cases_transition_many_moves_each_case_as_case_transition(program, supervisor_actor):
    actor = Actor.for_system()
    opened = services.cases_open_many(program=program, actor=actor, inputs=inputs(4))
    for case in opened[:2]:
        services.case_transition(case=case, transition="file_chargeback", actor=supervisor_actor, note="Filed.")
    events = services.cases_transition_many(cases=opened[2:], transition="file_chargeback", actor=supervisor_actor,
                                            notes=["Filed.", "Filed."])

    assert [e.case.pk for e in events] == [c.pk for c in opened[2:]]
    assert all(e.case.status == CaseStatus.CHARGEBACK_FILED for e in events)
    for single, batch in zip(opened[:2], opened[2:], strict=True):
        stored_single, stored_batch = Case.objects.get(pk=single.pk), Case.objects.get(pk=batch.pk)
        assert stored_batch.status == CaseStatus.CHARGEBACK_FILED
        assert row(stored_single) == row(stored_batch)
        assert trail(stored_single) == trail(stored_batch)
        assert ([(s.kind, s.network, s.amount, s.note, s.state) for s in NetworkSubmission.objects.filter(case=single)]
                == [(s.kind, s.network, s.amount, s.note, s.state) for s in NetworkSubmission.objects.filter(case=batch)])
    assert NetworkSubmission.objects.filter(case__in=opened).count() == 4

    # Closing settles the liability as one transition does.
    services.case_transition(case=opened[0], transition="win", actor=supervisor_actor)
    services.cases_transition_many(cases=[opened[2]], transition="win", actor=supervisor_actor)
    assert row(Case.objects.get(pk=opened[0].pk)) == row(Case.objects.get(pk=opened[2].pk))
    assert trail(opened[0])[-1] == trail(opened[2])[-1]


def test_cases_transition_many_is_all_or_nothing(program, supervisor_actor):
    opened = services.cases_open_many(program=program, actor=Actor.for_system(), inputs=inputs(2))
    services.case_transition(case=opened[1], transition="withdraw", actor=supervisor_actor)
    with pytest.raises(TransitionNotAllowed):
        services.cases_transition_many(cases=opened, transition="file_chargeback", actor=supervisor_actor)
    assert Case.objects.get(pk=opened[0].pk).status == CaseStatus.CREATED
    assert not CaseEvent.objects.filter(case=opened[0], kind=EventKind.TRANSITION).exists()

    # A step the program holds to maker-checker is refused, as case_transition refuses it.
    program.approval_actions = ["file_chargeback"]
    program.save()
    fresh = services.cases_open_many(program=program, actor=Actor.for_system(), inputs=inputs(2))
    with pytest.raises(ApprovalRequired):
        services.cases_transition_many(cases=fresh, transition="file_chargeback", actor=supervisor_actor)
    assert set(Case.objects.filter(pk__in=[c.pk for c in fresh]).values_list("status", flat=True)) == {"created"}
