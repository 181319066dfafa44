"""Intake round trips: the transaction store is searched in one query, and a transaction just
recorded skips the open-case check (it cannot have a case yet)."""

from datetime import timedelta

from django.utils import timezone

from cases import services
from cases.exceptions import OpenCaseExists
from cases.inputs import TransactionInput
from tests.factories import TransactionFactory, case_input


def test_match_order_external_id_then_arn_then_newest_switch_serial_number(program):
    now = timezone.now()
    by_ssn_old = TransactionFactory(program=program, switch_serial_number="777", date=now - timedelta(days=9))
    by_ssn_new = TransactionFactory(program=program, switch_serial_number="777", date=now - timedelta(days=2))
    by_arn = TransactionFactory(program=program, arn="11111111111111111111111")
    by_external = TransactionFactory(program=program, external_id="ext-1")

    def resolve(**ids):
        return services.transaction_resolve(program=program, data=TransactionInput(**ids))

    assert resolve(external_id="ext-1", arn=by_arn.arn, switch_serial_number="777") == by_external
    assert resolve(external_id="nope", arn=by_arn.arn, switch_serial_number="777") == by_arn
    assert resolve(arn="nope", switch_serial_number="777") == by_ssn_new != by_ssn_old


def test_the_store_is_searched_in_one_query(program, django_assert_num_queries):
    txn = TransactionFactory(program=program, external_id="ext-2", arn="22222222222222222222222")
    with django_assert_num_queries(1):
        found = services.transaction_resolve(program=program, data=TransactionInput(
            external_id="x", arn=txn.arn, switch_serial_number="y"))
    assert found == txn


def test_creating_on_a_new_transaction_skips_the_checks_that_cannot_fail(program, system_actor,
                                                                         django_assert_max_num_queries):
    # New merchant and cardholder included: the savepoint, the store search, the parties, the
    # transaction, the case and its event, the program's webhook endpoints. An open-case check on a
    # transaction just recorded (it cannot have a case yet) would take the budget over.
    with django_assert_max_num_queries(11):
        case = services.case_create(program=program, actor=system_actor, data=case_input())
    assert case.transaction.cases.count() == 1


def test_a_stored_transaction_with_an_open_case_is_still_refused(program, system_actor):
    first = services.case_create(program=program, actor=system_actor, data=case_input())
    again = case_input()
    again.transaction = TransactionInput(arn=first.transaction.arn)

    try:
        services.case_create(program=program, actor=system_actor, data=again)
    except OpenCaseExists as exc:
        assert exc.extra["case_id"] == first.case_id
    else:
        raise AssertionError("a second open case was created")


def _store_search_misses_once(monkeypatch):
    """The first store search finds nothing, as when a concurrent request records the transaction
    a moment later: the insert then meets the unique constraint."""
    from cases.services import transactions

    real, calls = transactions._find, []

    def misses_once(program, data):
        calls.append(data)
        return None if len(calls) == 1 else real(program, data)

    monkeypatch.setattr(transactions, "_find", misses_once)
    return calls


def test_lost_race_on_the_transaction_names_the_open_case(program, system_actor, monkeypatch):
    first = services.case_create(program=program, actor=system_actor, data=case_input())
    again = case_input()
    again.transaction.arn = first.transaction.arn
    calls = _store_search_misses_once(monkeypatch)

    try:
        services.case_create(program=program, actor=system_actor, data=again)
    except OpenCaseExists as exc:
        assert exc.extra["case_id"] == first.case_id
    else:
        raise AssertionError("a second open case was created")
    assert len(calls) == 2
    assert first.transaction.cases.count() == 1


def test_lost_race_on_a_transaction_without_a_case_opens_the_case_on_it(program, system_actor, monkeypatch):
    stored = TransactionFactory(program=program, arn="33333333333333333333333")
    data = case_input()
    data.transaction.arn = stored.arn
    calls = _store_search_misses_once(monkeypatch)

    case = services.case_create(program=program, actor=system_actor, data=data)

    assert case.transaction == stored and len(calls) == 3  # missed, the race check, the retry
    assert stored.cases.count() == 1
