"""Edits of what a dispute is about: its type, reason code and fee details (Tutelar PATCH /update).

Only while the case is active; each edit writes one `edit` event with before/after.
"""

from django.db import transaction

from cases import networks
from cases.actors import Actor
from cases.choices import DisputeType, EventKind
from cases.exceptions import CaseClosed, ValidationFailed
from cases.models import Case
from cases.services.edits import UNSET, _jsonable, _save_with_event
from cases.services.events import require_perm
from cases.services.transitions import lock_case
from cases.services.validation import parse_iso_date


def _check_fee_details(value, field: str) -> None:
    if value is not UNSET and value is not None and not isinstance(value, dict):
        raise ValidationFailed.single(field, "invalid", f"{field} must be an object.")


@transaction.atomic
def case_update_details(*, case: Case, actor: Actor, dispute_type=UNSET, network_reason_code=UNSET,
                        tdr_details=UNSET, tax_details=UNSET, note: str = "") -> Case:
    """Change the dispute type, the network reason code (the catalog gives the reason, and the
    chargeback due date follows it) or the TDR / tax details of an active case."""
    require_perm(actor, "cases.change_case", "You may not edit this case.")
    case = lock_case(case)
    if not case.is_active:
        raise CaseClosed("A closed case cannot be edited.")
    if dispute_type is not UNSET and dispute_type not in DisputeType.values:
        raise ValidationFailed.single("dispute_type", "invalid_choice", f"Unknown dispute type {dispute_type!r}.")
    _check_fee_details(tdr_details, "tdr_details")
    _check_fee_details(tax_details, "tax_details")
    updates = {"dispute_type": dispute_type, "tdr_details": tdr_details, "tax_details": tax_details}
    if network_reason_code is not UNSET:
        reason, code = networks.resolve_reason(case.network, code=network_reason_code)
        expected_delivery = parse_iso_date(((case.issuer_evidence or {}).get("delivery") or {}).get("expected_date"))
        updates.update(network_reason_code=code, reason=reason, chargeback_due_date=networks.chargeback_due_date(
            case.network, reason, case.transaction.date.date(), expected_delivery))
    changes = {}
    for name, value in updates.items():
        if value is not UNSET and getattr(case, name) != value:
            changes[name] = {"before": _jsonable(getattr(case, name)), "after": _jsonable(value)}
            setattr(case, name, value)
    if not changes:
        return case
    return _save_with_event(case, actor, EventKind.EDIT, changes, note=note)
