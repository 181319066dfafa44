"""Concurrency on PostgreSQL (SPEC section 9): serialized transitions, one open case per transaction,
a deadline sweep that is safe to run concurrently."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from cases import lifecycle, services
from cases.actors import Actor
from cases.choices import CaseStatus
from cases.exceptions import OpenCaseExists, TransitionNotAllowed
from cases.inputs import CardholderInput, MerchantInput
from cases.models import Cardholder, Case, CaseEvent, Merchant, Transaction
from tests.cases.spec_lifecycle import PATHS
from tests.conftest import concurrently
from tests.factories import TransactionFactory, case_input, make_case, make_user

THREADS = 20


def threaded(test):
    """PostgreSQL, with data committed so that the worker threads' own connections see it."""
    return pytest.mark.postgres(pytest.mark.django_db(transaction=True)(test))


def split(results):
    """`concurrently`'s results as (values, exceptions)."""
    return ([r for r in results if not isinstance(r, Exception)], [r for r in results if isinstance(r, Exception)])


@threaded
@pytest.mark.parametrize("transition", ["file_chargeback", "withdraw"])
def test_racing_transitions_exactly_one_wins(program, transition):
    actor = Actor.for_user(make_user("racer", "analyst"))
    case = make_case(program)
    copies = [Case.objects.get(pk=case.pk) for _ in range(THREADS)]

    results = concurrently([
        (lambda c=c: services.case_transition(case=c, transition=transition, actor=actor)) for c in copies
    ])

    ok, errors = split(results)
    assert len(ok) == 1
    assert len(errors) == THREADS - 1
    assert all(isinstance(e, TransitionNotAllowed) for e in errors), errors
    target = ok[0].case.status
    assert all(e.current_status == target for e in errors)
    row = Case.objects.get(pk=case.pk)
    assert (row.status, row.version) == (target, 2)
    assert list(CaseEvent.objects.filter(case=case, kind="transition")) == [ok[0]]  # the winner's event


@threaded
def test_racing_creates_on_one_transaction_open_one_case(program):
    txn = TransactionFactory(program=program)
    inputs = [case_input(transaction=txn) for _ in range(THREADS)]

    results = concurrently([
        (lambda data=data: services.case_create(program=program, actor=Actor.for_system(), data=data))
        for data in inputs
    ])

    ok, errors = split(results)
    assert len(ok) == 1, errors
    assert all(isinstance(e, OpenCaseExists) for e in errors), errors
    winner = ok[0]
    assert {e.case_id for e in errors} == {winner.case_id}
    assert {e.financial_document_id for e in errors} == {txn.financial_document_id}
    assert list(Case.objects.filter(transaction=txn).values_list("case_id", flat=True)) == [winner.case_id]
    assert CaseEvent.objects.filter(kind="created").count() == 1


@threaded
def test_racing_creates_describing_one_new_transaction(program):
    """Each request describes the same unseen transaction: it is recorded once, with its parties once."""
    inputs = []
    for _ in range(THREADS):
        data = case_input()
        data.transaction.external_id, data.transaction.arn = "ext_race", "74000000000000000000001"
        data.transaction.merchant = MerchantInput(external_id="m_race", name="FoodHub")
        data.transaction.cardholder = CardholderInput(external_id="ch_race", name="Susie")
        inputs.append(data)

    results = concurrently([
        (lambda data=data: services.case_create(program=program, actor=Actor.for_system(), data=data))
        for data in inputs
    ])

    ok, errors = split(results)
    assert len(ok) == 1, errors
    assert all(isinstance(e, OpenCaseExists) and e.case_id == ok[0].case_id for e in errors), errors
    assert (Transaction.objects.count(), Merchant.objects.count(), Cardholder.objects.count()) == (1, 1, 1)
    assert Case.objects.count() == 1


@threaded
@pytest.mark.parametrize("runs", [2, 6])
def test_concurrent_sweeps_move_each_case_once(program, runs):
    created = [make_case(program, days_ago=130) for _ in range(24)]
    represented = [make_case(program, path=PATHS[CaseStatus.CHARGEBACK_REPRESENTED]) for _ in range(8)]
    untouched = make_case(program, path=PATHS[CaseStatus.CHARGEBACK_FILED])
    today = lifecycle.today() + timedelta(days=60)

    results = concurrently([
        (lambda: services.cases_expire_overdue(today=today, batch_size=3)) for _ in range(runs)
    ])

    counts, errors = split(results)
    assert errors == []
    assert sum(c["expire"] for c in counts) == len(created)
    assert sum(c["accept"] for c in counts) == len(represented)
    for cases, transition, target in ((created, "expire", "expired"), (represented, "accept", "accepted")):
        ids = [c.pk for c in cases]
        assert set(Case.objects.filter(pk__in=ids).values_list("status", flat=True)) == {target}
        per_case = CaseEvent.objects.filter(case_id__in=ids, transition=transition, actor="system")
        assert sorted(per_case.values_list("case_id", flat=True)) == sorted(ids)
    assert Case.objects.get(pk=untouched.pk).status == CaseStatus.CHARGEBACK_FILED


@pytest.mark.postgres
@pytest.mark.django_db
def test_database_constraint_blocks_a_second_open_case(program):
    first = make_case(program)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(case_id="bypass", program=program, transaction=first.transaction, reason="other",
                            dispute_date=first.dispute_date, disputed_amount=100, currency="USD")
    assert Case.objects.filter(transaction=first.transaction).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db
def test_lost_race_after_the_pre_check_still_names_the_open_case(program, monkeypatch):
    """When the pre-check misses a case opened a moment earlier, the constraint decides and the
    service still answers OpenCaseExists with the existing case."""
    from cases.services import creation

    txn = TransactionFactory(program=program)
    first = make_case(program, transaction=txn)
    real = creation._open_case_conflict
    calls = []

    def pre_check_misses(t):
        calls.append(t)
        return None if len(calls) == 1 else real(t)

    monkeypatch.setattr(creation, "_open_case_conflict", pre_check_misses)
    with pytest.raises(OpenCaseExists) as excinfo:
        make_case(program, transaction=txn)
    assert excinfo.value.case_id == first.case_id
    assert len(calls) == 2
    assert Case.objects.filter(transaction=txn).count() == 1
