"""The service layer: every write in the system, each with its audit event, goes through here."""

from cases.services.claims import claim_create, claim_set_cases
from cases.services.creation import case_create, generate_case_id
from cases.services.details import case_update_details, case_update_transaction_details
from cases.services.edits import (
    UNSET,
    case_add_note,
    case_change_amount,
    case_flag_for_review,
    case_mark_reviewed,
    case_update,
)
from cases.services.evidence import case_add_evidence
from cases.services.sweep import cases_expire_overdue
from cases.services.transactions import transaction_create, transaction_resolve
from cases.services.transitions import case_available_transitions, case_transition

__all__ = [
    "UNSET", "case_add_evidence", "case_add_note", "case_available_transitions", "case_change_amount",
    "case_create", "case_flag_for_review", "case_mark_reviewed", "case_transition", "case_update",
    "case_update_details", "case_update_transaction_details",
    "cases_expire_overdue", "claim_create", "claim_set_cases", "generate_case_id", "transaction_create",
    "transaction_resolve",
]
