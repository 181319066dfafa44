"""The manager view's figures (SPEC section 14): per person open, due in 7 days, overdue and
regulatory at risk / breached; the unassigned count; cases waiting for approval.

One aggregate query grouped by assignee gives every person's row and the unassigned row; one more
reads the people. No loop over people or cases runs a query.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from cases import selectors
from cases.actors import Actor
from cases.choices import ACTIVE_STATUSES, RegulationStatus
from cases.services.assignment import assignable_users

_ACTIVE = [s.value for s in ACTIVE_STATUSES]
DUE_SOON_DAYS = 7
FIGURES = ("open", "due_7_days", "overdue", "reg_at_risk", "reg_breached")


@dataclass
class TeamRow:
    username: str | None  # None: the unassigned row
    open: int = 0
    due_7_days: int = 0
    overdue: int = 0
    reg_at_risk: int = 0
    reg_breached: int = 0
    active: bool = True


def figures_by_assignee(actor: Actor, today: date) -> dict:
    """{assignee id or None: {figure: count}} over the open cases the actor may see: one query."""
    rows = (selectors.case_queryset(actor).order_by().filter(status__in=_ACTIVE).values("assignee_id").annotate(
        open=Count("number"),
        due_7_days=Count("number", filter=Q(next_deadline__gte=today,
                                            next_deadline__lte=today + timedelta(days=DUE_SOON_DAYS))),
        overdue=Count("number", filter=Q(next_deadline__lt=today)),
        reg_at_risk=Count("number", filter=Q(regulation_status=RegulationStatus.AT_RISK)),
        reg_breached=Count("number", filter=Q(regulation_status=RegulationStatus.BREACHED)),
    ))
    return {row.pop("assignee_id"): row for row in rows}


def pending_approvals(actor: Actor) -> int:
    """Requests waiting for a second person's approval (maker-checker, SPEC section 14)."""
    return selectors.pending_approvals_count(actor)


def team_rows(actor: Actor, today: date) -> dict:
    """Every assignable person (zeros included), anyone else who still holds open cases (a person who
    left the team), then the unassigned row; and the totals."""
    figures = figures_by_assignee(actor, today)
    people = {u.pk: u for u in assignable_users().only("pk", "username")}
    missing = [pk for pk in figures if pk is not None and pk not in people]
    former = get_user_model().objects.filter(pk__in=missing).only("pk", "username") if missing else []
    rows = [TeamRow(user.get_username(), **figures.get(pk, {})) for pk, user in people.items()]
    rows += [TeamRow(user.get_username(), active=False, **figures[user.pk]) for user in former]
    unassigned = TeamRow(None, **figures.get(None, {}))
    totals = {name: sum(f[name] for f in figures.values()) for name in FIGURES}
    return {"rows": rows, "unassigned": unassigned, "totals": totals,
            "pending_approvals": pending_approvals(actor)}
