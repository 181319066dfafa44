"""What every back-office view shares: login, the view permission, the actor, htmx-aware redirects."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from cases import selectors
from cases.actors import actor_for
from cases.exceptions import CaseNotFound


class BackOfficeMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Anonymous users go to the login page; signed-in users without the case view permission get 403."""

    permission_required = "cases.view_case"

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            return render(self.request, "403.html", {"message": "Your account has no access to the back office."},
                          status=403)
        return super().handle_no_permission()


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def redirect_after_post(request, url: str) -> HttpResponse:
    """303 to the page for a plain form; htmx follows HX-Redirect with a full page load (messages shown)."""
    if is_htmx(request):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    response = redirect(url)
    response.status_code = 303
    return response


def forbidden(request, message: str, back: str = "/cases/") -> HttpResponse:
    if is_htmx(request):
        messages.error(request, message)
        return redirect_after_post(request, back)
    return render(request, "403.html", {"message": message}, status=403)


def case_or_404(request, number):
    try:
        return selectors.case_get_by_number(actor_for(request), number)
    except CaseNotFound:
        raise Http404("No such case.") from None
