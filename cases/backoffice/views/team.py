"""The manager view (/team/, supervisors): who has what, and each number links to its queue."""

from datetime import timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.views.generic import TemplateView

from cases import lifecycle
from cases.actors import actor_for
from cases.backoffice import team
from cases.backoffice.views.base import BackOfficeMixin


def figure_links(who: dict, today) -> dict:
    """The queue URL behind each figure of a row; `who` is the row's assignment filter."""
    queue = reverse("cases:queue")
    extras = {
        "open": {},
        "due_7_days": {"deadline_after": today.isoformat(),
                       "deadline_before": (today + timedelta(days=team.DUE_SOON_DAYS)).isoformat()},
        "overdue": {"overdue": "true"},
        "reg_at_risk": {"regulation_status": "at_risk"},
        "reg_breached": {"regulation_status": "breached"},
    }
    return {name: f"{queue}?{urlencode({'status': 'open', **who, **extra})}" for name, extra in extras.items()}


class TeamView(BackOfficeMixin, TemplateView):
    template_name = "cases/team.html"
    permission_required = ("cases.view_case", "cases.assign_case")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = lifecycle.today()
        figures = team.team_rows(actor_for(self.request), today)
        rows = [{"row": row, "links": figure_links({"assignee": row.username}, today)} for row in figures["rows"]]
        context.update(
            rows=rows,
            unassigned={"row": figures["unassigned"], "links": figure_links({"assigned": "none"}, today)},
            totals=figures["totals"],
            total_links=figure_links({}, today),
            pending_approvals=figures["pending_approvals"],
            today=today,
            due_days=team.DUE_SOON_DAYS,
        )
        return context
