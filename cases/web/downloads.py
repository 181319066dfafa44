"""Serving an evidence file, the same way from every door (native API, back office).

A stored file is whatever a cardholder or analyst uploaded: it is sent as an attachment, never
sniffed into something the browser renders (`nosniff`), sandboxed with no sources of its own if a
browser opens it anyway (`Content-Security-Policy: default-src 'none'; sandbox`), and not cached.
"""

from django.http import FileResponse

from cases.exceptions import EvidenceNotFound
from cases.models import Evidence


def evidence_download(evidence: Evidence) -> FileResponse:
    """The file as a download; EvidenceNotFound when its stored bytes are gone."""
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise EvidenceNotFound("The file is no longer available.") from None
    response = FileResponse(handle, as_attachment=True, filename=evidence.original_name,
                            content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
