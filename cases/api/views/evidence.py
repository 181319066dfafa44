"""Evidence files of a case: multipart upload, list, and the only way to read one back (download)."""

from django.conf import settings
from rest_framework.response import Response

from cases import selectors, services
from cases.api.representations.resources import evidence_to_dict
from cases.choices import EvidenceCategory
from cases.exceptions import FileTooLarge
from cases.web.downloads import evidence_download
from cases.wire.reader import Reader

from .. import schema
from .base import ApiView, UploadView


@schema.case_evidence
class CaseEvidenceView(UploadView):
    def get(self, request, case_id):
        case = selectors.case_get(self.actor, case_id)
        files = case.evidence.order_by("created", "id")
        return Response({"has_more": False, "data": [evidence_to_dict(e, case) for e in files]})

    def post(self, request, case_id):
        case = selectors.case_get(self.actor, case_id)
        upload = request.FILES.get("file")
        form = Reader(request.POST.dict())
        category = form.choice("category", EvidenceCategory.values, default=EvidenceCategory.OTHER)
        description = form.string("description", 500, text=True)
        if upload is None:
            form.error("file", "required", "Attach the file as the multipart field `file`.")
        form.raise_errors()
        if upload.size > settings.EVIDENCE_MAX_BYTES:
            raise FileTooLarge(f"Files are limited to {settings.EVIDENCE_MAX_BYTES // 1024} KiB.", field="file")
        added = services.case_add_evidence(
            case=case, actor=self.actor, data=upload.read(), name=upload.name or "", category=category,
            description=description)
        return Response(evidence_to_dict(added.evidence, case), status=201 if added.created else 200)


@schema.evidence_download
class EvidenceDownloadView(ApiView):
    def get(self, request, case_id, evidence_id):
        case = selectors.case_get(self.actor, case_id)
        return evidence_download(selectors.evidence_get(case, evidence_id))


