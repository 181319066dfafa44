"""The case page's regulation panel and its actions (SPEC section 13): the rule, each due date with
the business days left, the status, the provisional credit ledger and the letters with previews.

Provisional-credit buttons lead to a confirmation page (it works without JavaScript); the POST
calls the one ledger service as the signed-in user.
"""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import View

from cases import approval_rules, selectors
from cases.actors import actor_for
from cases.backoffice.views.base import BackOfficeMixin, case_or_404, forbidden, redirect_after_post
from cases.choices import ProvisionalCreditStatus, RegulationStatus
from cases.exceptions import DisputeError, LetterNotFound, PermissionDenied
from cases.letters import render as letter_render
from cases.limits import MAX_NOTE
from cases.models import ApprovalRequest
from cases.money import format_amount
from cases.services import approvals
from cases.services.provisional_credit import liability
from cases.services.regulation import clock_steps, local_date

STEP_LABELS = {
    "provisional_credit": "Provisional credit", "provisional_credit_notice": "Notice of provisional credit",
    "investigation": "Investigation", "results_notice": "Results notice",
    "acknowledgement": "Written acknowledgement", "resolution": "Resolution",
}
ACTION_LABELS = {"grant": "Grant provisional credit", "reverse": "Reverse provisional credit",
                 "make_final": "Make provisional credit final"}
ACTION_HINTS = {
    "grant": "The cardholder is credited now; under Reg E a notice letter is queued (due in 2 business days).",
    "reverse": "No error was found: the cardholder is told now and the debit takes effect 5 business days "
               "later (Reg E); the results letter with the right to request documents is queued.",
    "make_final": "The cardholder keeps the credit; the resolution letter is queued.",
}


def available_actions(case) -> list[str]:
    status = case.provisional_credit_status
    if status == ProvisionalCreditStatus.GRANTED:
        return ["reverse", "make_final"]
    if status in (ProvisionalCreditStatus.NONE, ProvisionalCreditStatus.REVERSED) and case.is_active:
        return ["grant"]
    return []


def regulation_panel(request, case) -> dict:
    """What the panel shows; the steps are recomputed for display from the stored facts."""
    letters = []
    for letter in selectors.case_letters(case):
        letters.append({"kind": letter.get_kind_display(), "due": letter.due, "sent_at": letter.sent_at,
                        "error": letter.last_error,
                        "url": reverse("cases:case_letter", args=[case.number, letter.pk])})
    steps = [dict(step, label=STEP_LABELS.get(step["step"], step["step"])) for step in clock_steps(case)]
    may_credit = request.user.has_perm("cases.manage_provisional_credit")
    return {
        "rule": case.get_regulation_rule_display() if case.regulation_rule else "",
        "status": case.regulation_status,
        "status_label": case.get_regulation_status_display(),
        "flagged": case.regulation_status in (RegulationStatus.AT_RISK, RegulationStatus.BREACHED),
        "notice_on": local_date(case.notice_received_at, case.program),
        "time_zone": case.program.time_zone,
        "steps": steps,
        "credit": {"amount": format_amount(case.provisional_credit_amount, case.currency),
                   "status": case.get_provisional_credit_status_display(),
                   "granted_on": local_date(case.provisional_credit_granted_at, case.program),
                   "reversal_effective_on": case.provisional_credit_reversal_effective_on},
        "liability": [(name.replace("_", " ").capitalize(), format_amount(value, case.currency))
                      for name, value in liability(case).items()],
        "letters": letters,
        "actions": [{"name": a, "label": ACTION_LABELS[a],
                     "url": reverse("cases:case_provisional_credit", args=[case.number, a]),
                     "needs_approval": bool(approval_rules.action_for_credit(a)) and approval_rules.needs_approval(
                         case, approval_rules.action_for_credit(a), actor_for(request))}
                    for a in available_actions(case)] if may_credit else [],
    }


class CreditForm(forms.Form):
    amount = forms.DecimalField(required=False, min_value=0, decimal_places=3, max_digits=18,
                                help_text="In the case currency; empty for the whole disputed amount.")
    note = forms.CharField(required=False, max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 2}))

    def add_domain_error(self, exc: DisputeError) -> None:
        field = exc.field if exc.field in self.fields else None
        self.add_error(field, exc.message)


class ProvisionalCreditView(BackOfficeMixin, View):
    """GET: the confirmation page. POST: run the ledger movement."""

    def dispatch(self, request, *args, **kwargs):
        if kwargs.get("action") not in ACTION_LABELS:
            raise Http404("No such action.")
        return super().dispatch(request, *args, **kwargs)

    def page(self, request, case, action, form, status=200):
        gated = approval_rules.action_for_credit(action)
        return render(request, "cases/provisional_credit_confirm.html", {
            "case": case, "action": action, "label": ACTION_LABELS[action], "hint": ACTION_HINTS[action],
            "needs_approval": bool(gated) and approval_rules.needs_approval(case, gated, actor_for(request)),
            "form": form, "disputed": format_amount(case.disputed_amount, case.currency),
            "credit": format_amount(case.provisional_credit_amount, case.currency)}, status=status)

    def get(self, request, number, action):
        case = case_or_404(request, number)
        if not request.user.has_perm("cases.manage_provisional_credit"):
            return forbidden(request, "You may not change provisional credit.")
        return self.page(request, case, action, CreditForm())

    def post(self, request, number, action):
        from cases.money import to_minor

        case = case_or_404(request, number)
        back = reverse("cases:case_detail", args=[case.number])
        if not request.user.has_perm("cases.manage_provisional_credit"):
            return forbidden(request, "You may not change provisional credit.", back=back)
        form = CreditForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                amount = form.cleaned_data["amount"]
                minor = to_minor(amount, case.currency) if action == "grant" and amount is not None else None
                result = approvals.case_provisional_credit_or_request(
                    case=case, actor=actor_for(request), action=action, amount=minor, note=form.cleaned_data["note"])
            except PermissionDenied as exc:
                return forbidden(request, exc.message, back=back)
            except DisputeError as exc:
                form.add_domain_error(exc)
                status = exc.status
            else:
                done = ("approval requested; a different supervisor approves it" if isinstance(result, ApprovalRequest)
                        else "done")
                messages.success(request, f"{ACTION_LABELS[action]}: {done}.")
                return redirect_after_post(request, back)
        return self.page(request, case, action, form, status=status)


class LetterView(BackOfficeMixin, View):
    """A letter as PDF: the stored one once sent, else a preview rendered now from its template."""

    def get(self, request, number, letter_id):
        case = case_or_404(request, number)
        try:
            letter = selectors.letter_get(case, letter_id)
        except LetterNotFound:
            raise Http404("No such letter.") from None
        pdf = bytes(letter.pdf) if letter.pdf is not None else letter_render.to_pdf(
            letter_render.render(case, letter).html)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{case.case_id}-{letter.kind}.pdf"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


ON_TIME_DAYS = 90


def regulation_figures(actor) -> dict:
    """The dashboard's regulation tiles in one aggregate query (grouped by currency for the credit):
    breached now (a step still open), at risk, the on-time rate of clocks finished in the last 90
    days (met / met + breached), provisional credit outstanding."""
    from datetime import timedelta

    from django.db.models import Count, Q, Sum
    from django.utils import timezone

    since = timezone.now() - timedelta(days=ON_TIME_DAYS)
    finished = Q(investigation_completed_at__gte=since) & ~Q(regulation_rule="")
    rows = (selectors.case_queryset(actor).order_by().values("currency").annotate(
        breached=Count("number", filter=Q(regulation_status=RegulationStatus.BREACHED,
                                          regulation_next_due__isnull=False)),
        at_risk=Count("number", filter=Q(regulation_status=RegulationStatus.AT_RISK)),
        met=Count("number", filter=finished & Q(regulation_status=RegulationStatus.MET)),
        late=Count("number", filter=finished & Q(regulation_status=RegulationStatus.BREACHED)),
        outstanding=Sum("provisional_credit_amount",
                        filter=Q(provisional_credit_status=ProvisionalCreditStatus.GRANTED)),
    ).order_by("currency"))
    rows = list(rows)
    figures = {name: sum(row[name] for row in rows) for name in ("breached", "at_risk", "met", "late")}
    done = figures["met"] + figures["late"]
    figures["on_time_rate"] = round(100 * figures["met"] / done) if done else None
    figures["credit_outstanding"] = [format_amount(row["outstanding"], row["currency"]) for row in rows
                                     if row["outstanding"]]
    return figures
