"""Evidence files on the case page: upload with the API's limits, download only through this view."""

from django.http import Http404
from django.views.generic import View

from cases import selectors, services
from cases.backoffice.forms import EvidenceForm
from cases.backoffice.views.base import BackOfficeMixin, case_or_404, forbidden
from cases.backoffice.views.case_actions import CaseActionView
from cases.exceptions import EvidenceNotFound
from cases.web.downloads import evidence_download


class UploadEvidenceView(CaseActionView):
    form_key = "evidence"
    action_permission = "cases.add_evidence"
    refused_message = "You may not add evidence."

    def get_form(self, case):
        return EvidenceForm(self.request.POST, self.request.FILES)

    def perform(self, case, data, actor):
        upload = data["file"]
        added = services.case_add_evidence(
            case=case, actor=actor, data=upload.read(), name=upload.name, category=data["category"],
            description=data["description"])
        if not added.created:
            return f"This file is already on the case as {added.evidence.original_name!r}."
        return f"Uploaded {added.evidence.original_name}."

    def failed(self, case, form, status):
        too_large = any(e.code == "file_too_large" for e in form.errors.as_data().get("file", []))
        return super().failed(case, form, 413 if too_large else status)


class DownloadEvidenceView(BackOfficeMixin, View):
    def get(self, request, number, evidence_id):
        case = case_or_404(request, number)
        if not request.user.has_perm("cases.view_evidence"):
            return forbidden(request, "You may not download evidence.")
        try:
            return evidence_download(selectors.evidence_get(case, evidence_id))
        except EvidenceNotFound as exc:
            raise Http404(exc.message) from None
