"""How the back office shows time: every moment in the viewer's time zone with the zone named, and
every deadline as its day with the moment that day ends in the viewer's zone.

The viewer's zone is Django's current time zone (cases.web.time_zone activates the person's own).
Deadlines are calendar days judged in UTC, as the services and the `expire_overdue` sweep judge them
(docs/architecture.md): a deadline day ends at midnight UTC, which is 19:00 the same day in New
York in winter and 08:00 the next day in Tokyo.
"""

from datetime import UTC, date, datetime, time, timedelta

from django.template.defaultfilters import date as date_filter
from django.utils import timezone

# A moment as the back office shows it: "2026-12-01 09:30 EST" (T: the zone's abbreviation).
MOMENT_FORMAT = "Y-m-d H:i T"
SECONDS_FORMAT = "Y-m-d H:i:s T"
DAY_FORMAT = "Y-m-d"
CLOCK_FORMAT = "H:i T"


def moment(value, fmt: str = MOMENT_FORMAT) -> str:
    """A datetime in the current zone, its zone named; '' for None."""
    if not value:
        return ""
    return date_filter(timezone.localtime(value) if timezone.is_aware(value) else value, fmt)


def deadline_ends(day: date) -> datetime:
    """The first moment after the deadline day: midnight UTC at its end."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


def deadline_last_minute(day: date, zone=None) -> datetime:
    """The deadline day's last minute (23:59 UTC) in `zone` (the current zone by default)."""
    return (deadline_ends(day) - timedelta(minutes=1)).astimezone(zone or timezone.get_current_timezone())


def deadline_end_text(day: date, zone=None) -> str:
    """'ends 18:59 EST' (the same day in the viewer's zone), or 'ends 2026-12-05 08:59 JST'."""
    last = deadline_last_minute(day, zone)
    return f"ends {date_filter(last, CLOCK_FORMAT if last.date() == day else MOMENT_FORMAT)}"


def relative_deadline(day: date, now: datetime | None = None, zone=None) -> tuple[str, str]:
    """(words, urgency) for a deadline day: 'overdue 2 days', 'today', 'tomorrow', 'in 3 days'.

    Overdue once the day has ended (UTC, as the services judge); otherwise the days are counted on
    the viewer's calendar, to the date on which the deadline ends there.
    """
    now = now or timezone.now()
    zone = zone or timezone.get_current_timezone()
    if now >= deadline_ends(day):
        days = max(1, (now.astimezone(UTC).date() - day).days)
        return f"overdue {days} day{'s' if days != 1 else ''}", "overdue"
    days = (deadline_last_minute(day, zone).date() - now.astimezone(zone).date()).days
    if days <= 0:
        return "today", "urgent"
    if days == 1:
        return "tomorrow", "urgent"
    return f"in {days} days", "soon" if days <= 7 else "later"
