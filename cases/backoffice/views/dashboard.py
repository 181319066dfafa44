"""The dashboard (/dashboard/): tiles and three server-rendered SVG charts."""

from datetime import timedelta

from django.views.generic import TemplateView

from cases import lifecycle
from cases.actors import actor_for
from cases.backoffice import charts, dashboard
from cases.backoffice.templatetags import status_tone
from cases.backoffice.views.base import BackOfficeMixin
from cases.backoffice.views.regulation import regulation_figures
from cases.choices import ACTIVE_STATUSES, CaseStatus, WebhookDisabledReason, WebhookEndpointStatus
from cases.models import WebhookEndpoint

OUTCOME_SERIES = [
    (CaseStatus.WON, "Won", "won"), (CaseStatus.LOST, "Lost", "lost"), (CaseStatus.ACCEPTED, "Accepted", "accepted"),
    (CaseStatus.MERCHANT_CREDITED, "Merchant credited", "credited"), (CaseStatus.WITHDRAWN, "Withdrawn", "withdrawn"),
    (CaseStatus.REJECTED, "Rejected", "rejected"), (CaseStatus.EXPIRED, "Expired", "expired"),
]


def _webhook_notices(user) -> list:
    """Endpoints the system disabled (410 Gone, 5 days of failures): a supervisor re-enables them."""
    if not user.has_perm("cases.manage_webhooks"):
        return []
    return list(WebhookEndpoint.objects.filter(
        status=WebhookEndpointStatus.DISABLED,
        disabled_reason__in=[WebhookDisabledReason.GONE, WebhookDisabledReason.FAILING],
    ).select_related("program").order_by("-disabled_at")[:20])


class DashboardView(BackOfficeMixin, TemplateView):
    template_name = "cases/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = dashboard.dashboard_figures(actor_for(self.request))
        status_rows = [(s.label, figures["by_status"].get(s.value, 0), status_tone(s.value)) for s in CaseStatus]
        weeks = figures["new_per_week"]
        months = figures["outcomes_per_month"]
        today = lifecycle.today()
        context.update(
            webhook_notices=_webhook_notices(self.request.user),
            today=today,
            week_ahead=today + timedelta(days=7),
            figures=figures,
            regulation=regulation_figures(actor_for(self.request)),
            tiles=figures["tiles"],
            win_rate=figures["win_rate"],
            status_chart=charts.horizontal_bars(status_rows),
            status_rows=status_rows,
            active_statuses=[s.value for s in ACTIVE_STATUSES],
            weeks_chart=charts.columns([(week.strftime("%d %b"), n) for week, n in weeks]),
            weeks=weeks,
            outcomes_chart=charts.stacked_columns([(month.strftime("%b %Y"), values) for month, values in months],
                                                  OUTCOME_SERIES),
            outcome_series=OUTCOME_SERIES,
            outcome_table=[(month, [values.get(key, 0) for key, _, _ in OUTCOME_SERIES]) for month, values in months],
        )
        return context
