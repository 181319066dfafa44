"""POST actions on a case. Each parses a form, calls one service as the signed-in user, and shows
domain errors in plain words on the page (inline or as a message), never a 500."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import View

from cases import approval_rules, lifecycle, services
from cases.actors import actor_for
from cases.backoffice.forms import AmountForm, DeadlinesForm, NoteForm, ReviewForm, TransitionForm
from cases.backoffice.views.base import BackOfficeMixin, case_or_404, forbidden, is_htmx, redirect_after_post
from cases.backoffice.views.case_page import render_case_page
from cases.choices import EventKind
from cases.exceptions import DisputeError, PermissionDenied
from cases.models import ApprovalRequest
from cases.services import approvals


def case_url(case) -> str:
    return reverse("cases:case_detail", args=[case.number])


class CaseActionView(BackOfficeMixin, View):
    """One form, one service call. Subclasses name the form, the permission and `perform`."""

    form_class = None
    form_key = ""
    action_permission = ""
    refused_message = "You may not do this."

    def get_form(self, case):
        return self.form_class(self.request.POST)

    def perform(self, case, data, actor):
        raise NotImplementedError

    def post(self, request, number):
        case = case_or_404(request, number)
        if not request.user.has_perm(self.action_permission):
            return forbidden(request, self.refused_message, back=case_url(case))
        form = self.get_form(case)
        if not form.is_valid():
            return self.failed(case, form, status=400)
        try:
            message = self.perform(case, form.cleaned_data, actor_for(request))
        except PermissionDenied as exc:
            return forbidden(request, exc.message, back=case_url(case))
        except DisputeError as exc:
            form.add_domain_error(exc)
            return self.failed(case_or_404(request, number), form, status=exc.status)
        messages.success(request, message)
        return redirect_after_post(request, case_url(case))

    def failed(self, case, form, status):
        if is_htmx(self.request):
            for error in form.errors.values():
                messages.error(self.request, " ".join(error))
            return redirect_after_post(self.request, case_url(case))
        return render_case_page(self.request, case, forms={self.form_key: form}, status=status)


class AddNoteView(CaseActionView):
    form_class = NoteForm
    form_key = "note"
    action_permission = "cases.add_case_note"
    refused_message = "You may not add notes."

    def perform(self, case, data, actor):
        services.case_add_note(case=case, actor=actor, text=data["text"])
        return "Note added."


class EditDeadlinesView(CaseActionView):
    form_key = "deadlines"
    action_permission = "cases.edit_case_deadlines"
    refused_message = "Only a supervisor may change the level or due dates."

    def get_form(self, case):
        return DeadlinesForm(self.request.POST, case=case)

    def perform(self, case, data, actor):
        event = services.case_update(case=case, actor=actor, level=data["level"],
                                     internal_due_date=data["internal_due_date"], due_date=data["due_date"],
                                     note=data["note"])
        if event is None:
            return "Nothing changed."
        # An edit that changes nothing keeps its note as a note (services.case_update).
        return "Nothing changed; your note was added." if event.kind == EventKind.NOTE else "Level and due dates saved."


class MarkReviewedView(CaseActionView):
    form_class = ReviewForm
    form_key = "review"
    action_permission = "cases.mark_case_reviewed"
    refused_message = "Only a supervisor may mark a case reviewed."

    def perform(self, case, data, actor):
        services.case_mark_reviewed(case=case, actor=actor, note=data["note"])
        return "Case marked reviewed."


class ChangeAmountView(CaseActionView):
    form_key = "amount"
    action_permission = "cases.change_case_amount"
    refused_message = "You may not change the disputed amount."

    def get_form(self, case):
        return AmountForm(self.request.POST, case=case)

    def perform(self, case, data, actor):
        services.case_change_amount(case=case, actor=actor, amount=data["amount"], currency=case.currency,
                                    note=data["note"])
        return "Disputed amount changed."


class TransitionView(BackOfficeMixin, View):
    """GET: the confirmation step (works without JavaScript). POST: run the transition.

    With htmx the case page posts here directly after the browser's `hx-confirm` dialog.
    """

    def dispatch(self, request, *args, **kwargs):
        if kwargs.get("name") not in lifecycle.TRANSITIONS:
            raise Http404("No such transition.")
        return super().dispatch(request, *args, **kwargs)

    def refused(self, request, case, name):
        if services.case_may_run(actor=actor_for(request), transition=name):
            return None
        label = lifecycle.TRANSITION_LABELS[name].lower()
        return forbidden(request, f"You may not {label} a case.", back=case_url(case))

    def confirm_page(self, request, case, name, form, status=200):
        needs_approval = approval_rules.needs_approval(case, name, actor_for(request))
        return render(request, "cases/transition_confirm.html",
                      {"case": case, "name": name, "label": lifecycle.TRANSITION_LABELS[name], "form": form,
                       "needs_approval": needs_approval}, status=status)

    def get(self, request, number, name):
        case = case_or_404(request, number)
        return self.refused(request, case, name) or self.confirm_page(request, case, name, TransitionForm())

    def post(self, request, number, name):
        case = case_or_404(request, number)
        refusal = self.refused(request, case, name)
        if refusal:
            return refusal
        form = TransitionForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                # Maker-checker (SPEC 14): where the program needs a second person, the note is the
                # request's reason and a different supervisor approves it.
                result = approvals.case_transition_or_request(case=case, transition=name, actor=actor_for(request),
                                                              note=form.cleaned_data["note"])
            except PermissionDenied as exc:
                return forbidden(request, exc.message, back=case_url(case))
            except DisputeError as exc:
                form.add_domain_error(exc)
                status = exc.status
            else:
                label = lifecycle.TRANSITION_LABELS[name]
                if isinstance(result, ApprovalRequest):
                    messages.success(request, f"{label}: approval requested; a different supervisor approves it.")
                else:
                    messages.success(request, f"{label}: done.")
                return redirect_after_post(request, case_url(case))
        if is_htmx(request):
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return redirect_after_post(request, case_url(case))
        return self.confirm_page(request, case, name, form, status=status)
