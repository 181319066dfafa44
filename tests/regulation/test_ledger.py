"""The provisional credit ledger: every path keeps the liability summing to the disputed amount."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from cases import services
from cases.actors import Actor
from cases.choices import EventKind
from cases.exceptions import ProvisionalCreditRefused, ValidationFailed
from cases.models import Case
from cases.services.provisional_credit import case_provisional_credit, provisional_credit_auto_final
from tests.factories import ProgramFactory, _superuser
from tests.regulation.helpers import liability_sums, regulated_case

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 17, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def actor(db):
    return Actor.for_user(_superuser())


def credit(case, actor, action, amount=None):
    return case_provisional_credit(case=case, actor=actor, action=action, amount=amount)


def walk(case, actor, *steps):
    for step in steps:
        case = services.case_transition(case=case, transition=step, actor=actor).case
    return Case.objects.get(pk=case.pk)


def split(case):
    return (case.liability_recovered, case.liability_written_off, case.liability_denied, case.liability_remaining)


def test_grant_then_won(actor):
    case = regulated_case(ProgramFactory())
    case = credit(case, actor, "grant")
    assert (case.provisional_credit_status, case.provisional_credit_amount) == ("granted", 10_000)
    case = walk(case, actor, "file_chargeback", "win")
    assert split(case) == (10_000, 0, 0, 0)
    assert case.provisional_credit_status == "final"
    assert liability_sums(case)
    assert set(case.letters.values_list("kind", flat=True)) == {"provisional_credit_notice", "resolution"}


def test_grant_then_reverse(actor):
    case = credit(regulated_case(ProgramFactory()), actor, "grant")
    case = credit(case, actor, "reverse")
    assert case.provisional_credit_status == "reversed"
    # notice Tuesday Nov 17: Wed 18, Thu 19, Fri 20, Mon 23, Tue 24
    assert case.provisional_credit_reversal_effective_on == date(2026, 11, 24)
    assert split(case) == (0, 0, 10_000, 0)
    assert liability_sums(case)
    assert case.investigation_completed_at is not None
    kinds = list(case.letters.order_by("id").values_list("kind", flat=True))
    assert kinds == ["provisional_credit_notice", "results", "provisional_credit_reversal"]
    events = case.events.filter(kind=EventKind.CREDIT).values_list("transition", flat=True)
    assert list(events) == ["grant", "reverse"]


def test_grant_then_auto_final_then_lost(actor):
    case = credit(regulated_case(ProgramFactory(), reason="cash_not_received"), actor, "grant")
    assert case.investigation_due == date(2026, 12, 31)
    assert provisional_credit_auto_final(datetime(2026, 12, 30, 15, 0, tzinfo=UTC)) == 0
    assert provisional_credit_auto_final(datetime(2026, 12, 31, 15, 0, tzinfo=UTC)) == 1
    assert provisional_credit_auto_final(datetime(2026, 12, 31, 16, 0, tzinfo=UTC)) == 0
    case = Case.objects.get(pk=case.pk)
    assert case.provisional_credit_status == "final"
    assert split(case) == (0, 0, 0, 10_000)  # the chargeback may still recover it
    case = walk(case, actor, "file_chargeback", "lose")
    assert split(case) == (0, 10_000, 0, 0)
    assert liability_sums(case)


def test_partial_grant_made_final_then_lost(actor):
    case = credit(regulated_case(ProgramFactory()), actor, "grant", 6_000)
    case = credit(case, actor, "make_final")
    case = walk(case, actor, "file_chargeback", "lose")
    assert split(case) == (0, 6_000, 4_000, 0)
    assert liability_sums(case)


def test_denied_without_credit(actor):
    case = walk(regulated_case(ProgramFactory()), actor, "withdraw")
    assert split(case) == (0, 0, 10_000, 0)
    assert liability_sums(case)
    assert list(case.letters.values_list("kind", flat=True)) == ["results"]


def test_written_off_when_the_issuer_accepts(actor):
    case = credit(regulated_case(ProgramFactory()), actor, "grant")
    case = credit(case, actor, "make_final")
    case = walk(case, actor, "file_chargeback", "record_representment", "accept")
    assert split(case) == (0, 10_000, 0, 0)
    assert liability_sums(case)


def test_regrant_after_reversal_takes_back_the_denial(actor):
    case = credit(regulated_case(ProgramFactory()), actor, "grant")
    case = credit(case, actor, "reverse")
    case = credit(case, actor, "grant", 3_000)
    assert split(case) == (0, 0, 0, 10_000)
    assert case.provisional_credit_reversal_effective_on is None
    assert liability_sums(case)


def test_closed_lost_with_credit_undecided_keeps_it_remaining(actor):
    case = credit(regulated_case(ProgramFactory()), actor, "grant", 4_000)
    case = walk(case, actor, "file_chargeback", "lose")
    assert split(case) == (0, 0, 6_000, 4_000)
    case = credit(case, actor, "reverse")
    assert split(case) == (0, 0, 10_000, 0)
    assert liability_sums(case)


@pytest.mark.parametrize(("setup", "action", "amount", "error", "code"), [
    ((), "grant", 10_001, ValidationFailed, "amount_exceeds_disputed_amount"),
    ((), "grant", -5, ValidationFailed, "invalid_amount"),
    ((), "grant", 0, ValidationFailed, "invalid_amount"),
    ((), "grant", 12.5, ValidationFailed, "invalid_amount"),
    (("grant",), "grant", None, ProvisionalCreditRefused, "provisional_credit_not_allowed"),
    ((), "reverse", None, ProvisionalCreditRefused, "provisional_credit_not_allowed"),
    ((), "make_final", None, ProvisionalCreditRefused, "provisional_credit_not_allowed"),
    (("grant", "make_final"), "reverse", None, ProvisionalCreditRefused, "provisional_credit_not_allowed"),
    (("grant",), "reverse", 100, ValidationFailed, "not_allowed"),
    ((), "refund", None, ValidationFailed, "invalid_choice"),
])
def test_bad_actions_are_refused_and_change_nothing(actor, setup, action, amount, error, code):
    case = regulated_case(ProgramFactory())
    for step in setup:
        case = credit(case, actor, step)
    before = Case.objects.get(pk=case.pk)
    with pytest.raises(error) as refused:
        credit(case, actor, action, amount)
    assert refused.value.code == code or refused.value.errors[0].code == code
    after = Case.objects.get(pk=case.pk)
    assert (after.version, split(after), after.provisional_credit_status) == (
        before.version, split(before), before.provisional_credit_status)


def test_amount_cannot_drop_below_the_credit(actor):
    case = credit(regulated_case(ProgramFactory()), actor, "grant", 6_000)
    with pytest.raises(ValidationFailed) as refused:
        services.case_change_amount(case=case, actor=actor, amount=5_000, currency="USD")
    assert refused.value.first.code == "amount_below_credit_or_allocation"


def test_database_refuses_a_liability_beyond_the_disputed_amount():
    from django.db import IntegrityError, transaction

    case = regulated_case(ProgramFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(liability_denied=6_000, liability_written_off=5_000)


def test_analyst_may_grant_but_a_plain_user_may_not(analyst_actor, plain_user):
    from cases.exceptions import PermissionDenied

    case = regulated_case(ProgramFactory())
    assert credit(case, analyst_actor, "grant").provisional_credit_status == "granted"
    with pytest.raises(PermissionDenied):
        credit(case, Actor.for_user(plain_user), "reverse")
