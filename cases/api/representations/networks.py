"""The native API's `network_submission` and `network_message` objects (SPEC section 12)."""

from django.urls import reverse

from cases.models import Case, NetworkMessage, NetworkSubmission
from cases.services.network_submissions import submission_retryable
from cases.wire.transaction_shape import format_datetime


def _when(value):
    return format_datetime(value) if value else None


def submission_to_dict(row: NetworkSubmission, case: Case) -> dict:
    """One submission to the card network: what was filed, its state, and the files as sent."""
    return {
        "id": row.pk, "object": "network_submission", "case_id": case.case_id, "kind": row.kind,
        "network": row.network, "state": row.state, "client_reference": row.client_reference,
        "network_reference": row.network_reference or None, "amount": row.amount, "currency": row.currency,
        "attempts": row.attempts, "last_error": row.last_error or None,
        "packaging_problems": [{"evidence_id": p.get("evidence_id"), "name": p.get("name") or None,
                                "problem": p.get("problem", "")} for p in row.packaging_problems],
        "files": [{"evidence_id": f.get("evidence_id"), "name": f.get("name", ""),
                   "original_name": f.get("original_name", ""), "content_type": f.get("content_type", ""),
                   "size": f.get("size", 0)} for f in row.files],
        "retryable": submission_retryable(row),
        "retry_url": reverse("api:case-network-submission-retry", args=[case.case_id, row.pk]),
        "created": format_datetime(row.created), "sent_at": _when(row.sent_at), "settled_at": _when(row.settled_at),
    }


def message_to_dict(message: NetworkMessage, case: Case) -> dict:
    """One item the card network sent about the case; its documents kept as evidence can be downloaded."""
    return {
        "id": message.pk, "object": "network_message", "case_id": case.case_id, "network": message.network,
        "message_id": message.message_id, "queue": message.queue or None, "kind": message.kind or None,
        "state": message.state, "claim_id": message.claim_id or None,
        "network_case_id": message.network_case_id or None, "amount": message.amount,
        "currency": message.currency or None, "reason": message.reason or None, "error": message.error or None,
        "documents": [_document(d, case) for d in message.documents],
        "received": format_datetime(message.received), "applied_at": _when(message.applied_at),
    }


def _document(document: dict, case: Case) -> dict:
    evidence_id = document.get("evidence_id")
    return {
        "name": document.get("name", ""), "content_type": document.get("content_type", ""),
        "size": document.get("size", 0), "evidence_id": evidence_id, "refused": document.get("refused") or None,
        "download_url": reverse("api:case-evidence-download", args=[case.case_id, evidence_id])
        if evidence_id else None,
    }
