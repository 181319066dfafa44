"""Business days: Monday to Friday, less the Federal Reserve's holidays and a program's closed dates.

The holidays come from the `holidays` package's Federal Reserve calendar (`XFED`): the US federal
holidays as the Federal Reserve Banks observe them, a Sunday holiday on the Monday after, a
Saturday holiday not moved (the Reserve Banks are open the Friday before;
https://www.federalreserve.gov/aboutthefed/k8.htm). Reg E's business day is a day the institution
is open for substantially all business functions (12 CFR 1005.2(d)), hence the program's own
closed dates on top (`ProgramClosedDate`, edited in the admin).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays

FEDERAL_RESERVE = "XFED"


@lru_cache(maxsize=64)
def federal_reserve_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.financial_holidays(FEDERAL_RESERVE, years=year))


@dataclass(frozen=True)
class BusinessCalendar:
    closed_dates: frozenset[date] = field(default_factory=frozenset)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in federal_reserve_holidays(day.year) and day not in self.closed_dates

    def add_business_days(self, day: date, count: int) -> date:
        """The `count`-th business day after `day` (the day itself is day 0, whatever it is)."""
        current = day
        while count > 0:
            current += timedelta(days=1)
            if self.is_business_day(current):
                count -= 1
        return current

    def subtract_business_days(self, day: date, count: int) -> date:
        """The `count`-th business day before `day`."""
        current = day
        while count > 0:
            current -= timedelta(days=1)
            if self.is_business_day(current):
                count -= 1
        return current

    def business_days_between(self, start: date, end: date) -> int:
        """Business days after `start` up to and including `end` (negative when `end` is earlier)."""
        if end < start:
            return -self.business_days_between(end, start)
        days, current = 0, start
        while current < end:
            current += timedelta(days=1)
            if self.is_business_day(current):
                days += 1
        return days
