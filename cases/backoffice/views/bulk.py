"""Bulk actions on a queue selection (SPEC section 14): POST /cases/bulk/.

The form names the action; cases.services.bulk runs it case by case and the answer page lists each
selected case with `done` or its refusal. "Export CSV" answers with the selected cases as CSV.
"""

import io

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import View

from cases import lifecycle, selectors
from cases.actors import actor_for
from cases.backoffice.forms import BULK_EXPORT, BulkForm
from cases.backoffice.views.base import BackOfficeMixin
from cases.exceptions import ValidationFailed
from cases.ingest.export import COLUMNS, write_csv
from cases.services import bulk


def back_to_queue(request) -> str:
    """The queue the selection came from (its filters), or the plain queue."""
    url = request.POST.get("next", "")
    if url.startswith("/cases/") and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return "/cases/"


class BulkView(BackOfficeMixin, View):
    def post(self, request):
        form = BulkForm(request.POST)
        selection = request.POST.getlist("case")
        back = back_to_queue(request)
        if not form.is_valid():
            return self.refused(request, [" ".join(e) for e in form.errors.values()], back, selection)
        data = form.cleaned_data
        actor = actor_for(request)
        try:
            if data["action"] == BULK_EXPORT:
                return self.export(actor, selection)
            outcomes = bulk.bulk_run(actor=actor, selection=selection, action=data["action"],
                                     transition=data["transition"], note=data["note"], assignee=data["assignee"])
        except ValidationFailed as exc:
            return self.refused(request, [exc.message], back, selection)
        done = sum(o.done for o in outcomes)
        return render(request, "cases/bulk_result.html", {
            "outcomes": outcomes, "done": done, "refused": len(outcomes) - done, "back": back,
            "action": self.describe(data)})

    @staticmethod
    def describe(data) -> str:
        if data["action"] == bulk.ASSIGN:
            return f"Assign to {data['assignee'].get_username()}" if data["assignee"] else "Unassign"
        if data["action"] == bulk.TRANSITION:
            return lifecycle.TRANSITION_LABELS[data["transition"]]
        return "Add a note"

    @staticmethod
    def export(actor, selection) -> HttpResponse:
        """The selected cases the person may see, as CSV (the export's columns), by case number."""
        cases = bulk.selected_cases(actor, bulk.parse_selection(selection))
        rows = (selectors.case_queryset(actor).filter(number__in=[c.number for c in cases.values()])
                .order_by("number").values_list(*[source for _, source in COLUMNS]))
        out = io.StringIO()
        write_csv(out, rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="cases-selection.csv"'
        return response

    @staticmethod
    def refused(request, errors, back, selection):
        return render(request, "cases/bulk_result.html",
                      {"errors": errors, "back": back, "selected_count": len(selection)}, status=400)
