"""Assignment in the back office (SPEC section 14): "Take next" on the queue, "Take" and the
supervisor's assign / reassign / unassign on the case page. Each POST calls one service."""

from django.contrib import messages
from django.urls import reverse
from django.views.generic import View

from cases import services
from cases.actors import actor_for
from cases.backoffice.forms import AssignForm
from cases.backoffice.views.base import BackOfficeMixin, case_or_404, forbidden, redirect_after_post
from cases.exceptions import DisputeError, PermissionDenied


def case_url(case) -> str:
    return reverse("cases:case_detail", args=[case.number])


class TakeNextView(BackOfficeMixin, View):
    """POST /cases/take-next/: the next open, unassigned case by deadline becomes the person's;
    the answer is a redirect to its page (or back to the queue when none is left)."""

    def post(self, request):
        try:
            event = services.case_take_next(actor=actor_for(request))
        except PermissionDenied as exc:
            return forbidden(request, exc.message)
        if event is None:
            messages.info(request, "No open, unassigned case is left to take.")
            return redirect_after_post(request, reverse("cases:queue"))
        messages.success(request, f"Case {event.case.case_id} is yours.")
        return redirect_after_post(request, case_url(event.case))


class TakeCaseView(BackOfficeMixin, View):
    """POST /cases/<number>/take/: the person takes this unassigned case."""

    def post(self, request, number):
        case = case_or_404(request, number)
        try:
            event = services.case_take(case=case, actor=actor_for(request))
        except PermissionDenied as exc:
            return forbidden(request, exc.message, back=case_url(case))
        except DisputeError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "You hold this case now." if event else "You already hold this case.")
        return redirect_after_post(request, case_url(case))


class AssignCaseView(BackOfficeMixin, View):
    """POST /cases/<number>/assignee/: a supervisor assigns, reassigns or (empty) unassigns."""

    def post(self, request, number):
        case = case_or_404(request, number)
        if not request.user.has_perm("cases.assign_case"):
            return forbidden(request, "Only a supervisor may assign cases.", back=case_url(case))
        form = AssignForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return redirect_after_post(request, case_url(case))
        assignee = form.cleaned_data["assignee"]
        try:
            event = services.case_assign(case=case, actor=actor_for(request), assignee=assignee)
        except PermissionDenied as exc:
            return forbidden(request, exc.message, back=case_url(case))
        except DisputeError as exc:
            messages.error(request, exc.message)
        else:
            if event is None:
                messages.info(request, "Nothing changed.")
            elif assignee is None:
                messages.success(request, "The case is unassigned.")
            else:
                messages.success(request, f"Assigned to {assignee.get_username()}.")
        return redirect_after_post(request, case_url(case))
