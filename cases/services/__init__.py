"""The service layer: every write in the system, each with its audit event, goes through here.

A service returns what it wrote: the object it created (`case_create` -> Case, `claim_create` ->
Claim, `case_add_evidence` -> EvidenceAdded) or the audit event of the change (`CaseEvent`, whose
`case` is the case as it now stands), so no door reads its own write back.
"""

from cases.services.assignment import case_assign, case_take, case_take_next
from cases.services.claims import claim_create, claim_set_cases
from cases.services.creation import case_create, cases_open_many, generate_case_id
from cases.services.details import case_amend, case_update_details, case_update_transaction_details
from cases.services.edits import (
    UNSET,
    case_add_note,
    case_change_amount,
    case_flag_for_review,
    case_mark_reviewed,
    case_update,
)
from cases.services.evidence import EvidenceAdded, case_add_evidence
from cases.services.filing import case_file_or_flag
from cases.services.parties import cardholder_update, merchant_update
from cases.services.sweep import cases_expire_overdue
from cases.services.transactions import transaction_create, transaction_resolve
from cases.services.transitions import (
    case_available_transitions,
    case_may_run,
    case_transition,
    cases_transition_many,
)
from cases.services.verdicts import MERCHANT_LOST, MERCHANT_WON, case_record_verdict

__all__ = [
    "MERCHANT_LOST", "MERCHANT_WON", "UNSET", "EvidenceAdded", "case_add_evidence", "case_add_note", "case_amend",
    "case_assign", "case_available_transitions", "case_change_amount", "case_create", "case_file_or_flag",
    "case_flag_for_review", "case_mark_reviewed", "case_may_run", "case_record_verdict", "case_take",
    "case_take_next", "case_transition", "case_update", "case_update_details",
    "case_update_transaction_details", "cases_expire_overdue", "cases_open_many", "cases_transition_many",
    "claim_create", "claim_set_cases",
    "cardholder_update", "generate_case_id", "merchant_update", "transaction_create", "transaction_resolve",
]
