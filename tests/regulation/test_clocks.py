"""The Reg E and Reg Z clocks, table-driven, with the expected dates written out by hand.

Dates were counted on a wall calendar: 2026-11-26 is Thanksgiving (Thursday), 2026-12-25 and
2027-01-01 are Fridays, 2026-11-11 (Veterans Day) is a Wednesday.
"""

from datetime import date

import pytest

from cases.choices import LetterKind, RegulationStatus
from cases.regulation import clocks
from cases.regulation.calendar import BusinessCalendar

FED = BusinessCalendar()
NOV16 = date(2026, 11, 16)  # a Monday


def reg_e(**kw):
    values = {"rule": "reg_e", "notice_on": NOV16, "transaction_on": date(2026, 11, 10),
              "reason": "product_not_received", "currency": "USD"}
    values.update(kw)
    return clocks.Facts(**values)


def reg_z(**kw):
    values = {"rule": "reg_z", "notice_on": NOV16, "transaction_on": date(2026, 11, 10)}
    values.update(kw)
    return clocks.Facts(**values)


@pytest.mark.parametrize(("facts", "today", "pc_due", "investigation_due"), [
    # point-of-sale debit card purchase: 10 business days, 90 days
    (reg_e(), NOV16, date(2026, 12, 1), date(2027, 2, 14)),
    # an ATM withdrawal (cash not received) is not point-of-sale: 45 days
    (reg_e(reason="cash_not_received"), NOV16, date(2026, 12, 1), date(2026, 12, 31)),
    # foreign-initiated: 90 days even for cash
    (reg_e(reason="cash_not_received", currency="EUR"), NOV16, date(2026, 12, 1), date(2027, 2, 14)),
    # new account (transfer within 30 days of the first deposit): 20 business days and 90 days
    (reg_e(reason="cash_not_received", account_opened_on=date(2026, 11, 1)), NOV16, date(2026, 12, 15),
     date(2027, 2, 14)),
    # an account opened 31 days before the transfer is not new
    (reg_e(reason="cash_not_received", account_opened_on=date(2026, 10, 10)), NOV16, date(2026, 12, 1),
     date(2026, 12, 31)),
    # across Christmas and New Year on Fridays
    (reg_e(notice_on=date(2026, 12, 18), transaction_on=date(2026, 12, 15)), date(2026, 12, 18),
     date(2027, 1, 5), date(2027, 3, 18)),
    # a Saturday notice
    (reg_e(notice_on=date(2026, 11, 7), transaction_on=date(2026, 11, 2)), date(2026, 11, 7),
     date(2026, 11, 23), date(2027, 2, 5)),
    # provisional credit granted in time: the longer window holds
    (reg_e(granted_on=date(2026, 11, 20)), date(2026, 12, 20), date(2026, 12, 1), date(2027, 2, 14)),
    # the provisional credit due date passed without credit: investigation due then
    (reg_e(), date(2026, 12, 2), date(2026, 12, 1), date(2026, 12, 1)),
    # credit granted late: the same
    (reg_e(granted_on=date(2026, 12, 3)), date(2026, 12, 3), date(2026, 12, 1), date(2026, 12, 1)),
    # still on the due date itself, no credit yet: the longer window still shows
    (reg_e(), date(2026, 12, 1), date(2026, 12, 1), date(2027, 2, 14)),
])
def test_reg_e_due_dates(facts, today, pc_due, investigation_due):
    dates = clocks.due_dates(facts, FED, today)
    assert (dates.provisional_credit_due, dates.investigation_due) == (pc_due, investigation_due)


def test_reg_e_program_closed_date_moves_the_credit_due_date():
    dates = clocks.due_dates(reg_e(), BusinessCalendar(frozenset({date(2026, 11, 20)})), NOV16)
    assert dates.provisional_credit_due == date(2026, 12, 2)


def test_reg_e_notices_count_business_days_from_their_own_day():
    dates = clocks.due_dates(reg_e(granted_on=date(2026, 11, 25), completed_on=date(2026, 12, 23)), FED,
                             date(2026, 12, 23))
    assert dates.provisional_credit_notice_due == date(2026, 11, 30)  # Wed 25 -> Fri 27, Mon 30
    assert dates.results_notice_due == date(2026, 12, 29)  # Wed 23 -> Thu 24, Mon 28, Tue 29
    assert clocks.reversal_effective_on(date(2026, 12, 21), FED) == date(2026, 12, 29)  # skips Christmas


@pytest.mark.parametrize(("facts", "ack_due", "resolution_due"), [
    (reg_z(), date(2026, 12, 16), date(2027, 2, 14)),  # no billing cycle known: 90 days
    # statements close on the 20th: Nov 20 ends the incomplete cycle, then Dec 20 and Jan 20
    (reg_z(billing_cycle_day=20), date(2026, 12, 16), date(2027, 1, 20)),
    # the 31st is the month's last day in November: Nov 30, Dec 31, Jan 31
    (reg_z(billing_cycle_day=31), date(2026, 12, 16), date(2027, 1, 31)),
    # the 15th: the notice opens the Nov 16 - Dec 15 cycle; two more end Feb 15, past 90 days: capped
    (reg_z(billing_cycle_day=15), date(2026, 12, 16), date(2027, 2, 14)),
    # notice on the closing day itself: that cycle is incomplete; Dec 16 and Jan 16 end the next two
    (reg_z(billing_cycle_day=16), date(2026, 12, 16), date(2027, 1, 16)),
    # July 2 with statements on the 1st: Aug 1, Sep 1, Oct 1 is past Sep 30 (90 days): capped
    (reg_z(notice_on=date(2026, 7, 2), transaction_on=date(2026, 6, 30), billing_cycle_day=1),
     date(2026, 8, 1), date(2026, 9, 30)),
])
def test_reg_z_due_dates(facts, ack_due, resolution_due):
    dates = clocks.due_dates(facts, FED, facts.notice_on)
    assert (dates.acknowledgement_due, dates.resolution_due) == (ack_due, resolution_due)
    assert dates.provisional_credit_due is None and dates.investigation_due is None


@pytest.mark.parametrize(("facts", "today", "status"), [
    (reg_e(), NOV16, RegulationStatus.ON_TRACK),
    # two business days before the credit due date (Tue Dec 1): Fri Nov 27 (Mon 30, Tue 1 left)
    (reg_e(), date(2026, 11, 26), RegulationStatus.ON_TRACK),  # Thanksgiving: 3 business days left
    (reg_e(), date(2026, 11, 27), RegulationStatus.AT_RISK),
    (reg_e(), date(2026, 12, 1), RegulationStatus.AT_RISK),
    (reg_e(), date(2026, 12, 2), RegulationStatus.BREACHED),
    # credit in time and its notice sent: on track until the investigation draws near
    (reg_e(granted_on=date(2026, 11, 20), letters_sent={LetterKind.PROVISIONAL_CREDIT_NOTICE: date(2026, 11, 20)}),
     date(2026, 12, 2), RegulationStatus.ON_TRACK),
    # credit granted but its notice not sent, due Tue Nov 24: at risk from Fri Nov 20
    (reg_e(granted_on=date(2026, 11, 20)), date(2026, 11, 20), RegulationStatus.AT_RISK),
    (reg_e(granted_on=date(2026, 11, 20)), date(2026, 11, 25), RegulationStatus.BREACHED),
    # everything done in time: met
    (reg_e(granted_on=date(2026, 11, 20), completed_on=date(2026, 12, 10),
           letters_sent={LetterKind.PROVISIONAL_CREDIT_NOTICE: date(2026, 11, 20),
                         LetterKind.RESOLUTION: date(2026, 12, 11)}), date(2027, 3, 1), RegulationStatus.MET),
    # a letter sent late stays a breach
    (reg_e(granted_on=date(2026, 11, 20), completed_on=date(2026, 12, 10),
           letters_sent={LetterKind.PROVISIONAL_CREDIT_NOTICE: date(2026, 11, 30),
                         LetterKind.RESOLUTION: date(2026, 12, 11)}), date(2027, 3, 1), RegulationStatus.BREACHED),
    # finished before the credit was due: no credit needed
    (reg_e(completed_on=date(2026, 11, 24), letters_sent={LetterKind.RESULTS: date(2026, 11, 25)}),
     date(2026, 12, 5), RegulationStatus.MET),
    (reg_z(), NOV16, RegulationStatus.ON_TRACK),
    (reg_z(), date(2026, 12, 14), RegulationStatus.AT_RISK),  # Mon: Tue 15, Wed 16 left
    (reg_z(), date(2026, 12, 17), RegulationStatus.BREACHED),
    (reg_z(letters_sent={LetterKind.ACKNOWLEDGEMENT: NOV16}), date(2026, 12, 17), RegulationStatus.ON_TRACK),
    (reg_z(letters_sent={LetterKind.ACKNOWLEDGEMENT: NOV16, LetterKind.RESOLUTION: date(2027, 1, 5)}),
     date(2027, 1, 6), RegulationStatus.MET),
])
def test_status(facts, today, status):
    found = clocks.steps(facts, clocks.due_dates(facts, FED, today))
    assert clocks.clock_status(facts.rule, found, today, FED).status == status


def test_at_risk_day_before_a_weekend_due_date():
    # a calendar-day due date on a Saturday: Thu, Fri are the two business days left from Wednesday
    assert clocks.at_risk_from(date(2026, 12, 19), FED) == date(2026, 12, 16)
    assert clocks.at_risk_from(date(2026, 12, 18), FED) == date(2026, 12, 16)


def test_no_rule_is_not_applicable():
    assert clocks.clock_status("", [], NOV16, FED).status == RegulationStatus.NOT_APPLICABLE
