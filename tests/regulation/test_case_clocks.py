"""The clocks on real cases: which rule applies, the notice in the program's time zone (DST, 23:30),
the due dates stored and recomputed when the notice moves, next_deadline, the scheduled update."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from cases import services
from cases.actors import Actor
from cases.choices import RegulationStatus
from cases.models import Case, ProgramClosedDate
from cases.services.regulation import regulation_recompute_program
from cases.services.regulation_sweep import regulation_update_statuses
from tests.factories import ProgramFactory
from tests.regulation.helpers import regulated_case

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize(("card_type", "holder", "regulation", "rule"), [
    ("debit", "individual", "us", "reg_e"),
    ("prepaid", "individual", "us", "reg_e"),
    ("credit", "individual", "us", "reg_z"),
    ("credit", "business", "us", ""),
    ("debit", "business", "us", ""),
    ("debit", "individual", "none", ""),
    ("", "individual", "us", ""),
])
def test_which_rule_applies(card_type, holder, regulation, rule):
    program = ProgramFactory(consumer_regulation=regulation)
    case = regulated_case(program, card_type=card_type, cardholder_type=holder)
    assert case.regulation_rule == rule
    expected = RegulationStatus.NOT_APPLICABLE if not rule else RegulationStatus.ON_TRACK
    assert Case.objects.get(pk=case.pk).regulation_status == expected


@pytest.mark.parametrize(("zone", "notified_at", "pc_due"), [
    # 23:30 in New York on Sunday Nov 1 (after the end of DST, UTC-5) is 04:30 UTC on Monday
    ("America/New_York", datetime(2026, 11, 2, 4, 30, tzinfo=UTC), date(2026, 11, 16)),
    # the same moment in UTC is Monday: one business day later
    ("UTC", datetime(2026, 11, 2, 4, 30, tzinfo=UTC), date(2026, 11, 17)),
    # 23:30 on Sunday March 14, 2027 in New York (DST began that morning, UTC-4)
    ("America/New_York", datetime(2027, 3, 15, 3, 30, tzinfo=UTC), date(2027, 3, 26)),
    # 23:30 Pacific on Friday Nov 13 is Saturday in New York and in UTC
    ("America/Los_Angeles", datetime(2026, 11, 14, 7, 30, tzinfo=UTC), date(2026, 11, 30)),
])
def test_due_dates_are_program_local(zone, notified_at, pc_due):
    program = ProgramFactory(time_zone=zone)
    with time_machine.travel(datetime(2027, 3, 20, tzinfo=UTC), tick=False):
        case = regulated_case(program, notified_at=notified_at, txn_date=datetime(2026, 10, 30, tzinfo=UTC))
    assert case.provisional_credit_due == pc_due


def test_notice_defaults_to_creation_and_sets_next_deadline():
    program = ProgramFactory()
    case = regulated_case(program, notified_at=None, reason="cash_not_received")
    stored = Case.objects.get(pk=case.pk)
    assert stored.notice_received_at == NOW
    assert stored.provisional_credit_due == date(2026, 12, 1)
    assert stored.investigation_due == date(2026, 12, 31)
    # the network's filing deadline (120 days) and internal due date come later than the credit
    assert stored.next_deadline == min(stored.provisional_credit_due, stored.internal_due_date,
                                       stored.chargeback_due_date)


def test_moving_the_notice_moves_the_clocks_and_records_it(supervisor_actor):
    program = ProgramFactory()
    case = regulated_case(program)
    services.case_update(case=case, actor=supervisor_actor,
                         cardholder_notified_at=datetime(2026, 11, 13, 15, 0, tzinfo=UTC))
    case.refresh_from_db()
    assert case.provisional_credit_due == date(2026, 11, 30)  # Fri Nov 13 + 10 business days
    event = case.events.order_by("-id").first()
    assert event.changes["notice_received_at"]["after"].startswith("2026-11-13")
    assert event.changes["regulation"]["provisional_credit_due"] == "2026-11-30"


@pytest.mark.parametrize(("notified_at", "code"), [
    (datetime(2026, 11, 18, tzinfo=UTC), "notice_in_future"),
    (datetime(2026, 11, 9, tzinfo=UTC), "notice_before_transaction"),
])
def test_bad_notice_dates_are_refused(notified_at, code):
    from cases.exceptions import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        regulated_case(ProgramFactory(), notified_at=notified_at)
    assert refused.value.first.code == code


def test_closed_date_added_in_the_admin_recomputes_open_cases():
    program = ProgramFactory()
    case = regulated_case(program)
    assert case.provisional_credit_due == date(2026, 12, 1)
    ProgramClosedDate.objects.create(program=program, date=date(2026, 11, 20))
    assert regulation_recompute_program(program) == 1
    case.refresh_from_db()
    assert case.provisional_credit_due == date(2026, 12, 2)


def test_scheduled_update_moves_only_cases_whose_status_changes():
    program = ProgramFactory()
    soon = regulated_case(program)  # credit due Tue Dec 1: at risk from Fri Nov 27
    later = regulated_case(program)  # the same clock, its status days moved later by hand below
    unregulated = regulated_case(program, card_type="")
    Case.objects.filter(pk=later.pk).update(regulation_at_risk_on=date(2026, 12, 20),
                                            regulation_breached_on=date(2026, 12, 25))
    assert regulation_update_statuses(datetime(2026, 11, 26, 15, 0, tzinfo=UTC)) == {
        "investigation_due": 0, "breached": 0, "at_risk": 0}
    moved = regulation_update_statuses(datetime(2026, 11, 27, 15, 0, tzinfo=UTC))
    assert moved == {"investigation_due": 0, "breached": 0, "at_risk": 1}
    assert Case.objects.get(pk=soon.pk).regulation_status == RegulationStatus.AT_RISK
    assert Case.objects.get(pk=later.pk).regulation_status == RegulationStatus.ON_TRACK
    # Wednesday Dec 2: the credit due date passed without credit: investigation due then, breached
    moved = regulation_update_statuses(datetime(2026, 12, 2, 15, 0, tzinfo=UTC))
    assert moved == {"investigation_due": 2, "breached": 1, "at_risk": 0}
    soon.refresh_from_db()
    assert (soon.regulation_status, soon.investigation_due) == (RegulationStatus.BREACHED, date(2026, 12, 1))
    assert Case.objects.get(pk=unregulated.pk).regulation_status == RegulationStatus.NOT_APPLICABLE
    assert regulation_update_statuses(datetime(2026, 12, 2, 16, 0, tzinfo=UTC)) == {
        "investigation_due": 0, "breached": 0, "at_risk": 0}


def test_system_actor_can_run_auto_grant_below_threshold():
    program = ProgramFactory(auto_grant_other_below=5_000, auto_grant_fraud_below=50_000)
    small = regulated_case(program, amount=4_000)
    large = regulated_case(program, amount=10_000)
    fraud = regulated_case(program, amount=10_000, reason="fraud")
    assert (small.provisional_credit_status, large.provisional_credit_status, fraud.provisional_credit_status) == (
        "granted", "none", "granted")
    assert small.letters.filter(kind="provisional_credit_notice").count() == 1
    assert Actor.for_system().has_perm("cases.manage_provisional_credit")


def test_status_update_records_the_approaching_deadline_once():
    program = ProgramFactory()
    case = regulated_case(program)
    regulation_update_statuses(datetime(2026, 11, 27, 15, 0, tzinfo=UTC))
    regulation_update_statuses(datetime(2026, 11, 27, 16, 0, tzinfo=UTC))
    warnings = list(case.events.filter(kind="reg_due_soon").values_list("changes", flat=True))
    assert warnings == [{"regulation_status": "at_risk", "due": "2026-12-01"}]


def test_final_hours_warning_from_noon_program_time_once():
    from cases.services.regulation_sweep import regulation_warn_final_hours

    program = ProgramFactory()
    case = regulated_case(program, card_type="credit")  # resolution due 2027-02-14 (90 days)
    assert case.resolution_due == date(2027, 2, 14)
    assert regulation_warn_final_hours(datetime(2027, 2, 14, 16, 59, tzinfo=UTC)) == 0  # 11:59 in New York
    assert regulation_warn_final_hours(datetime(2027, 2, 14, 17, 0, tzinfo=UTC)) == 1
    assert regulation_warn_final_hours(datetime(2027, 2, 14, 20, 0, tzinfo=UTC)) == 0
    assert case.events.filter(kind="reg_due_12h").count() == 1
