"""The business-day calendar: weekends, the Federal Reserve's holidays and a program's closed dates.

Every expected date is written out by hand from a wall calendar.
"""

from datetime import date

import pytest

from cases.regulation.calendar import BusinessCalendar

FED = BusinessCalendar()
CLOSED_FRIDAY = BusinessCalendar(frozenset({date(2026, 11, 20)}))


@pytest.mark.parametrize(("day", "open_"), [
    (date(2026, 11, 26), False),  # Thanksgiving, Thursday
    (date(2026, 11, 27), True),   # the Friday after Thanksgiving: the Reserve Banks are open
    (date(2026, 12, 25), False),  # Christmas on a Friday
    (date(2027, 1, 1), False),    # New Year's Day on a Friday
    (date(2026, 7, 3), True),     # Friday before a Saturday Independence Day: open (no observed day)
    (date(2026, 7, 4), False),    # Saturday
    (date(2023, 1, 2), False),    # New Year's Day 2023 fell on a Sunday: observed Monday
    (date(2026, 11, 11), False),  # Veterans Day, Wednesday
    (date(2026, 10, 12), False),  # Columbus Day
    (date(2026, 11, 28), False),  # Saturday
    (date(2026, 11, 30), True),   # a Monday
])
def test_federal_reserve_business_days(day, open_):
    assert FED.is_business_day(day) is open_


@pytest.mark.parametrize(("cal", "start", "count", "expected"), [
    (FED, date(2026, 11, 16), 10, date(2026, 12, 1)),   # across Thanksgiving
    (FED, date(2026, 12, 18), 10, date(2027, 1, 5)),    # across Christmas and New Year, both Fridays
    (FED, date(2026, 11, 7), 10, date(2026, 11, 23)),   # from a Saturday, across Veterans Day
    (FED, date(2026, 7, 1), 2, date(2026, 7, 3)),       # the Friday before Saturday July 4th counts
    (CLOSED_FRIDAY, date(2026, 11, 16), 10, date(2026, 12, 2)),  # a program closed date
    (FED, date(2026, 11, 25), 1, date(2026, 11, 27)),   # the day before Thanksgiving
    (FED, date(2026, 12, 24), 2, date(2026, 12, 29)),
])
def test_add_business_days(cal, start, count, expected):
    assert cal.add_business_days(start, count) == expected


def test_business_days_between_counts_after_start_up_to_end():
    assert FED.business_days_between(date(2026, 11, 25), date(2026, 11, 30)) == 2  # Fri 27, Mon 30
    assert FED.business_days_between(date(2026, 11, 30), date(2026, 11, 25)) == -2
    assert FED.business_days_between(date(2026, 11, 30), date(2026, 11, 30)) == 0
