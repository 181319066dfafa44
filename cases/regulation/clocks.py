"""From the facts of a case to its regulatory due dates, steps and status (pure; SPEC section 13).

All dates are program-local dates (`cases.services.regulation` converts the moments). Calendar-day
windows end on their day even when it is a weekend: Reg E and Reg Z count those in calendar days.
"""

import calendar as month_calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from cases.choices import LetterKind, RegulationRule, RegulationStatus

from . import rules
from .calendar import BusinessCalendar

RESULT_LETTERS = (LetterKind.RESULTS, LetterKind.RESOLUTION)


@dataclass(frozen=True)
class Facts:
    rule: str
    notice_on: date
    transaction_on: date
    reason: str = ""
    currency: str = "USD"
    account_opened_on: date | None = None
    billing_cycle_day: int | None = None
    granted_on: date | None = None
    completed_on: date | None = None
    # Letter kind -> the day the first one of that kind was sent.
    letters_sent: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DueDates:
    provisional_credit_due: date | None = None
    provisional_credit_notice_due: date | None = None
    investigation_due: date | None = None
    results_notice_due: date | None = None
    acknowledgement_due: date | None = None
    resolution_due: date | None = None


@dataclass(frozen=True)
class Step:
    name: str
    due: date
    done_on: date | None

    @property
    def late(self) -> bool:
        return self.done_on is not None and self.done_on > self.due


@dataclass(frozen=True)
class ClockStatus:
    status: str
    next_due: date | None
    at_risk_on: date | None
    breached_on: date | None


# --- conditions named by the clocks' data ------------------------------------------------------

def new_account(facts: Facts) -> bool:
    """The transfer came within 30 days after the account's first deposit (opening, here)."""
    opened = facts.account_opened_on
    return opened is not None and opened <= facts.transaction_on <= opened + timedelta(days=rules.NEW_ACCOUNT_DAYS)


def point_of_sale(facts: Facts) -> bool:
    return facts.reason not in rules.NOT_POINT_OF_SALE


def foreign_initiated(facts: Facts) -> bool:
    return bool(facts.currency) and facts.currency.upper() != rules.DOMESTIC_CURRENCY


def extended_investigation(facts: Facts) -> bool:
    return point_of_sale(facts) or foreign_initiated(facts) or new_account(facts)


CONDITIONS = {"new_account": new_account, "extended_investigation": extended_investigation}


def _window(clock: rules.Clock, facts: Facts) -> int:
    if clock.extended_when and CONDITIONS[clock.extended_when](facts):
        return clock.extended_amount
    return clock.amount


def _add(clock: rules.Clock, start: date, facts: Facts, cal: BusinessCalendar) -> date:
    amount = _window(clock, facts)
    if clock.unit == rules.BUSINESS_DAYS:
        return cal.add_business_days(start, amount)
    if clock.unit == rules.BILLING_CYCLES:
        return billing_cycles_after(start, facts.billing_cycle_day, amount, clock.cap_days)
    return start + timedelta(days=amount)


def _closing(year: int, month: int, cycle_day: int) -> date:
    return date(year, month, min(cycle_day, month_calendar.monthrange(year, month)[1]))


def billing_cycles_after(notice_on: date, cycle_day: int | None, cycles: int, cap_days: int) -> date:
    """The end of the `cycles`-th complete billing cycle after the notice, capped at `cap_days`.

    A statement closes on `cycle_day` each month (the month's last day when shorter). The cycle in
    which the notice arrives (up to the first closing on or after it) is not complete; the ones
    after it are. Without a cycle day: the cap.
    """
    cap = notice_on + timedelta(days=cap_days)
    if not cycle_day:
        return cap
    closings, year, month = [], notice_on.year, notice_on.month
    while len(closings) < cycles + 1:
        closing = _closing(year, month, cycle_day)
        if closing >= notice_on:
            closings.append(closing)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return min(closings[cycles], cap)


def due_dates(facts: Facts, cal: BusinessCalendar, today: date) -> DueDates:
    """Every due date the rule sets for the case, as far as its facts go today."""
    if facts.rule == RegulationRule.REG_E:
        clock = rules.CLOCK
        pc_due = _add(clock[(facts.rule, "provisional_credit")], facts.notice_on, facts, cal)
        investigation = _add(clock[(facts.rule, "investigation")], facts.notice_on, facts, cal)
        # The longer windows hold only while provisional credit came in time; once its due date has
        # passed without one, the investigation is due when the credit was (1005.11(c)(2)).
        granted_in_time = facts.granted_on is not None and facts.granted_on <= pc_due
        finished_first = facts.completed_on is not None and facts.completed_on <= pc_due
        if not granted_in_time and not finished_first and (facts.granted_on is not None or today > pc_due):
            investigation = pc_due
        return DueDates(
            provisional_credit_due=pc_due,
            provisional_credit_notice_due=_add(clock[(facts.rule, "provisional_credit_notice")], facts.granted_on,
                                               facts, cal) if facts.granted_on else None,
            investigation_due=investigation,
            results_notice_due=_add(clock[(facts.rule, "results_notice")], facts.completed_on, facts, cal)
            if facts.completed_on else None,
        )
    if facts.rule == RegulationRule.REG_Z:
        return DueDates(
            acknowledgement_due=_add(rules.CLOCK[(facts.rule, "acknowledgement")], facts.notice_on, facts, cal),
            resolution_due=_add(rules.CLOCK[(facts.rule, "resolution")], facts.notice_on, facts, cal),
        )
    return DueDates()


def reversal_effective_on(notice_on: date, cal: BusinessCalendar) -> date:
    """A Reg E reversal of provisional credit takes effect 5 business days after its notice."""
    clock = rules.CLOCK[(RegulationRule.REG_E, "reversal_effective")]
    return cal.add_business_days(notice_on, clock.amount)


def _first(sent: dict, kinds) -> date | None:
    days = [sent[k] for k in kinds if sent.get(k)]
    return min(days) if days else None


def steps(facts: Facts, dates: DueDates) -> list[Step]:
    """What the issuer must do, each with its due date and the day it was done (None: still open)."""
    sent = facts.letters_sent
    result_sent = _first(sent, RESULT_LETTERS)
    if facts.rule == RegulationRule.REG_E:
        # Finishing the investigation before the credit was due makes the credit unnecessary.
        credit_done = facts.granted_on or facts.completed_on
        found = [Step("provisional_credit", dates.provisional_credit_due, credit_done),
                 Step("investigation", dates.investigation_due, facts.completed_on)]
        if dates.provisional_credit_notice_due:
            found.append(Step("provisional_credit_notice", dates.provisional_credit_notice_due,
                              sent.get(LetterKind.PROVISIONAL_CREDIT_NOTICE)))
        if dates.results_notice_due:
            found.append(Step("results_notice", dates.results_notice_due, result_sent))
        return found
    if facts.rule == RegulationRule.REG_Z:
        acknowledged = _first(sent, (LetterKind.ACKNOWLEDGEMENT, *RESULT_LETTERS))
        return [Step("acknowledgement", dates.acknowledgement_due, acknowledged),
                Step("resolution", dates.resolution_due, result_sent)]
    return []


def at_risk_from(due: date, cal: BusinessCalendar) -> date:
    """The first day with at most `AT_RISK_BUSINESS_DAYS` business days left before `due`."""
    day, left = due, 0
    while True:
        gained = 1 if cal.is_business_day(day) else 0
        if left + gained > rules.AT_RISK_BUSINESS_DAYS:
            return day
        left += gained
        day -= timedelta(days=1)


def clock_status(rule: str, found: list[Step], today: date, cal: BusinessCalendar) -> ClockStatus:
    if not rule:
        return ClockStatus(RegulationStatus.NOT_APPLICABLE, None, None, None)
    open_steps = [s for s in found if s.done_on is None]
    next_due = min((s.due for s in open_steps), default=None)
    at_risk_on = min((at_risk_from(s.due, cal) for s in open_steps), default=None)
    breached_on = next_due + timedelta(days=1) if next_due else None
    if any(s.late for s in found) or (breached_on and today >= breached_on):
        status = RegulationStatus.BREACHED
    elif at_risk_on and today >= at_risk_on:
        status = RegulationStatus.AT_RISK
    elif not open_steps:
        status = RegulationStatus.MET
    else:
        status = RegulationStatus.ON_TRACK
    return ClockStatus(status, next_due, at_risk_on, breached_on)
