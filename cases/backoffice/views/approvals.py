"""Maker-checker in the back office (SPEC section 14): the list of requests waiting for a second
supervisor, and the approve / decline buttons (on that list and on the case page)."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import View

from cases import approval_rules, selectors
from cases.actors import actor_for
from cases.backoffice.views.base import BackOfficeMixin, forbidden, redirect_after_post
from cases.exceptions import ApprovalRequestNotFound, DisputeError
from cases.limits import MAX_NOTE
from cases.money import format_amount
from cases.services import approvals

DECISIONS = {"approve": approvals.approval_approve, "decline": approvals.approval_decline}


class DecisionForm(forms.Form):
    note = forms.CharField(required=False, max_length=MAX_NOTE)
    back = forms.ChoiceField(choices=[("list", "list"), ("case", "case")], required=False)


def request_rows(requests, user) -> list[dict]:
    """What a pending request shows: the case, the action and its amount, who asked and why, and
    whether this user may decide it (a different supervisor)."""
    may_decide = user.has_perm(approvals.DECIDE_PERMISSION)
    rows = []
    for request in requests:
        case = request.case
        rows.append({
            "id": request.pk, "case": case, "action": request.action, "label": approval_rules.label(request.action),
            "amount": format_amount(approval_rules.amount_moved(case, request.action), case.currency),
            "requested_by": request.requested_by, "requested_at": request.requested_at, "reason": request.reason,
            "own": request.requested_by_user_id == user.pk,
            "may_decide": may_decide and request.requested_by_user_id != user.pk,
            "approve_url": reverse("cases:approval_decide", args=[request.pk, "approve"]),
            "decline_url": reverse("cases:approval_decide", args=[request.pk, "decline"]),
        })
    return rows


class ApprovalListView(BackOfficeMixin, View):
    """GET /approvals/: every pending request, oldest first (supervisors)."""

    def get(self, request):
        if not request.user.has_perm(approvals.DECIDE_PERMISSION):
            return forbidden(request, "Only a supervisor sees the requests waiting for approval.")
        rows = request_rows(selectors.approvals_pending(actor_for(request)), request.user)
        return render(request, "cases/approvals.html", {"rows": rows})


class ApprovalDecisionView(BackOfficeMixin, View):
    """POST /approvals/<id>/approve|decline/: a different supervisor decides; the approved action runs."""

    def post(self, request, request_id, decision):
        if decision not in DECISIONS:
            raise Http404("No such decision.")
        actor = actor_for(request)
        try:
            approval = selectors.approval_get(actor, request_id)
        except ApprovalRequestNotFound:
            raise Http404("No such request.") from None
        form = DecisionForm(request.POST)
        case_url = reverse("cases:case_detail", args=[approval.case.number])
        back = case_url if form.is_valid() and form.cleaned_data["back"] == "case" else reverse("cases:approvals")
        if not form.is_valid():
            messages.error(request, " ".join(" ".join(e) for e in form.errors.values()))
            return redirect_after_post(request, back)
        label = approval_rules.label(approval.action)
        try:
            DECISIONS[decision](request=approval, actor=actor, note=form.cleaned_data["note"])
        except DisputeError as exc:
            if exc.status == 403:
                return forbidden(request, exc.message, back=back)
            messages.error(request, f"{label} on case {approval.case.case_id}: {exc.message}")
        else:
            verb = "approved and done" if decision == "approve" else "declined; the case is unchanged"
            messages.success(request, f"{label} on case {approval.case.case_id}: {verb}.")
        return redirect_after_post(request, back)
