"""The native API's `regulation`, `provisional_credit`, `liability` and letter objects (SPEC section 13)."""

from django.urls import reverse

from cases.models import Case, Letter
from cases.wire.transaction_shape import format_datetime


def _iso(value):
    return value.isoformat() if value else None


def regulation_to_dict(case: Case) -> dict:
    return {
        "rule": case.regulation_rule or None,
        "notice_received_at": format_datetime(case.notice_received_at) if case.notice_received_at else None,
        "provisional_credit_due": _iso(case.provisional_credit_due),
        "provisional_credit_notice_due": _iso(case.provisional_credit_notice_due),
        "investigation_due": _iso(case.investigation_due),
        "results_notice_due": _iso(case.results_notice_due),
        "acknowledgement_due": _iso(case.acknowledgement_due),
        "resolution_due": _iso(case.resolution_due),
        "status": case.regulation_status,
    }


def provisional_credit_to_dict(case: Case) -> dict:
    return {
        "amount": case.provisional_credit_amount,
        "status": case.provisional_credit_status,
        "granted_at": format_datetime(case.provisional_credit_granted_at) if case.provisional_credit_granted_at
        else None,
        "reversal_effective_on": _iso(case.provisional_credit_reversal_effective_on),
    }


def liability_to_dict(case: Case) -> dict:
    return {"original": case.disputed_amount, "recovered": case.liability_recovered,
            "written_off": case.liability_written_off, "denied": case.liability_denied,
            "remaining": case.liability_remaining}


def letter_to_dict(letter: Letter, case: Case) -> dict:
    return {
        "id": letter.pk, "kind": letter.kind, "due": _iso(letter.due),
        "sent_at": format_datetime(letter.sent_at) if letter.sent_at else None,
        "download_url": reverse("api:case-letter-download", args=[case.case_id, letter.pk]) if letter.sent_at
        else None,
        "created": format_datetime(letter.created),
    }
