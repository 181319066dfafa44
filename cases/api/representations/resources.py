"""The native API's JSON for cases, events, notes, evidence, claims and parties (plain dicts)."""

from django.urls import reverse

from cases import networks
from cases.models import ApprovalRequest, Case, CaseEvent, Evidence
from cases.wire.case_shape import case_to_decisionly
from cases.wire.transaction_shape import format_datetime

from .regulation import liability_to_dict, provisional_credit_to_dict, regulation_to_dict


def _iso(value):
    return value.isoformat() if value else None


def case_to_native(case: Case) -> dict:
    """Decisionly's case shape plus the native fields (number, deadlines, level, codes...)."""
    body = case_to_decisionly(case)
    body.update({
        "number": case.number,
        "network": case.network or None,
        "network_reason_code": case.network_reason_code or None,
        "network_reason_description": networks.describe(case.network, case.network_reason_code)
        if case.network_reason_code else None,
        "dispute_type": case.dispute_type,
        "level": case.level,
        "assignee": case.assignee.get_username() if case.assignee_id else None,
        "internal_due_date": _iso(case.internal_due_date),
        "due_date": _iso(case.due_date),
        "response_due_date": _iso(case.response_due_date),
        "next_deadline": _iso(case.next_deadline),
        "financial_document_id": case.transaction.financial_document_id,
        "source": case.source,
        "version": case.version,
        "updated": format_datetime(case.updated),
        "regulation": regulation_to_dict(case),
        "provisional_credit": provisional_credit_to_dict(case),
        "liability": liability_to_dict(case),
    })
    cardholder = case.transaction.cardholder
    if cardholder is not None:
        body["cardholder"]["account_opened_on"] = _iso(cardholder.account_opened_on)
        body["cardholder"]["billing_cycle_day"] = cardholder.billing_cycle_day
    return body


def event_to_dict(event: CaseEvent) -> dict:
    return {"id": event.pk, "kind": event.kind, "transition": event.transition or None,
            "from_status": event.from_status or None, "to_status": event.to_status or None,
            "changes": event.changes, "note": event.note or None, "actor": event.actor,
            "request_id": event.request_id or None, "created": format_datetime(event.created)}


def note_to_dict(event: CaseEvent) -> dict:
    return {"id": event.pk, "note": event.note, "actor": event.actor, "created": format_datetime(event.created)}


def evidence_to_dict(evidence: Evidence, case: Case) -> dict:
    return {
        "id": evidence.pk, "category": evidence.category, "name": evidence.original_name,
        "description": evidence.description or None, "content_type": evidence.content_type, "size": evidence.size,
        "sha256": evidence.sha256, "uploaded_by": evidence.uploaded_by, "created": format_datetime(evidence.created),
        "download_url": reverse("api:case-evidence-download", args=[case.case_id, evidence.pk]),
    }


def reason_code_to_dict(entry: networks.ReasonCode) -> dict:
    return {"network": entry.network, "code": entry.code, "reason": entry.reason, "description": entry.description}


def approval_to_dict(request: ApprovalRequest, case: Case) -> dict:
    """A maker-checker request (SPEC section 14) as the API shows it."""
    return {
        "id": request.pk, "object": "approval_request", "case_id": case.case_id, "action": request.action,
        "status": request.status, "reason": request.reason, "requested_by": request.requested_by,
        "requested_at": format_datetime(request.requested_at), "decided_by": request.decided_by or None,
        "decided_at": format_datetime(request.decided_at) if request.decided_at else None,
        "decision_note": request.decision_note or None,
        "url": reverse("api:case-approval-request", args=[case.case_id, request.pk]),
    }
