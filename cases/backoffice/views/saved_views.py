"""Saved queue views: POST /views/ saves the queue's current state under a name (optionally shared
with the team); POST /views/<id>/delete/ deletes one of the person's own views."""

from django.contrib import messages
from django.urls import reverse
from django.views.generic import View

from cases.backoffice.views.base import BackOfficeMixin, forbidden, redirect_after_post
from cases.exceptions import DisputeError, PermissionDenied
from cases.services import saved_views


class SaveViewView(BackOfficeMixin, View):
    def post(self, request):
        query = request.POST.get("query", "")
        try:
            view = saved_views.saved_view_save(user=request.user, name=request.POST.get("name", ""), query=query,
                                               shared=request.POST.get("shared") in ("on", "1", "true"))
        except DisputeError as exc:
            messages.error(request, exc.message)
            return redirect_after_post(request, f"{reverse('cases:queue')}?{saved_views.clean_query(query)}")
        messages.success(request, f"View “{view.name}” saved{' and shared with the team' if view.shared else ''}.")
        return redirect_after_post(request, f"{reverse('cases:queue')}?{view.query}")


class DeleteViewView(BackOfficeMixin, View):
    def post(self, request, view_id):
        try:
            saved_views.saved_view_delete(user=request.user, view_id=view_id)
        except PermissionDenied as exc:
            return forbidden(request, exc.message)
        except DisputeError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "View deleted.")
        return redirect_after_post(request, reverse("cases:queue"))
