"""Dashboard figures (reads): each is one aggregate query, never a Python loop over cases."""

from datetime import datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from cases import lifecycle, selectors
from cases.actors import Actor
from cases.choices import ACTIVE_STATUSES, TERMINAL_STATUSES, CaseStatus, EventKind
from cases.models import CaseEvent

_ACTIVE = [s.value for s in ACTIVE_STATUSES]
_TERMINAL = [s.value for s in TERMINAL_STATUSES]
WIN_RATE_DAYS = 90
WEEKS = 12
MONTHS = 6


def _cases(actor: Actor):
    return selectors.case_queryset(actor).order_by()


def _events(actor: Actor):
    return CaseEvent.objects.filter(kind=EventKind.TRANSITION, case__program__in=selectors.programs_for(actor))


def tiles(actor: Actor, today) -> dict:
    open_q = Q(status__in=_ACTIVE)
    figures = _cases(actor).aggregate(
        open=Count("number", filter=open_q),
        overdue=Count("number", filter=open_q & Q(next_deadline__lt=today)),
        due_7_days=Count("number", filter=open_q & Q(next_deadline__gte=today,
                                                       next_deadline__lte=today + timedelta(days=7))),
    )
    figures["at_stake"] = list(_cases(actor).filter(open_q).values("currency")
                               .annotate(total=Sum("disputed_amount")).order_by("currency"))
    return figures


def win_rate(actor: Actor, now) -> dict:
    """Won / (won + lost) among cases closed as won or lost in the last 90 days."""
    outcome = _events(actor).filter(to_status__in=[CaseStatus.WON, CaseStatus.LOST],
                                    created__gte=now - timedelta(days=WIN_RATE_DAYS)).aggregate(
        won=Count("id", filter=Q(to_status=CaseStatus.WON)), lost=Count("id", filter=Q(to_status=CaseStatus.LOST)))
    decided = outcome["won"] + outcome["lost"]
    outcome["rate"] = round(100 * outcome["won"] / decided) if decided else None
    return outcome


def by_status(actor: Actor) -> dict[str, int]:
    rows = _cases(actor).values("status").annotate(n=Count("number"))
    return {row["status"]: row["n"] for row in rows}


def _local_midnight(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def new_per_week(actor: Actor, today) -> list[tuple]:
    """(week start date, count) for the last 12 weeks, Monday-based, in the viewer's time zone."""
    this_monday = today - timedelta(days=today.weekday())
    weeks = [this_monday - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
    rows = (_cases(actor).filter(created__gte=_local_midnight(weeks[0]))
            .annotate(week=TruncWeek("created")).values("week").annotate(n=Count("number")))
    counts = {timezone.localdate(row["week"]) if timezone.is_aware(row["week"]) else row["week"].date(): row["n"]
              for row in rows}
    return [(week, counts.get(week, 0)) for week in weeks]


def outcomes_per_month(actor: Actor, today) -> list[tuple]:
    """(first of month, {terminal status: count}) for the last 6 months, by the date the case closed."""
    months = []
    month = today.replace(day=1)
    for _ in range(MONTHS):
        months.insert(0, month)
        month = (month - timedelta(days=1)).replace(day=1)
    rows = (_events(actor).filter(to_status__in=_TERMINAL, created__gte=_local_midnight(months[0]))
            .annotate(month=TruncMonth("created")).values("month", "to_status").annotate(n=Count("id")))
    counts: dict = {}
    for row in rows:
        key = timezone.localdate(row["month"]) if timezone.is_aware(row["month"]) else row["month"].date()
        counts.setdefault(key, {})[row["to_status"]] = row["n"]
    return [(m, counts.get(m, {})) for m in months]


def dashboard_figures(actor: Actor) -> dict:
    now = timezone.now()
    local_today = timezone.localdate(now)
    return {
        "tiles": tiles(actor, lifecycle.today()),
        "win_rate": win_rate(actor, now),
        "by_status": by_status(actor),
        "new_per_week": new_per_week(actor, local_today),
        "outcomes_per_month": outcomes_per_month(actor, local_today),
    }
