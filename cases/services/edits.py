"""Edits of a case that are not lifecycle steps: level, due dates, fields, amount, notes, review."""

from django.db import transaction

from cases import lifecycle
from cases.actors import Actor
from cases.choices import CaseStatus, EventKind, ReviewStatus
from cases.exceptions import CaseClosed, FieldError, ValidationFailed
from cases.models import Case, CaseEvent
from cases.services import regulation
from cases.services.events import event_record, require_perm
from cases.services.transitions import lock_case
from cases.services.validation import (
    check_all,
    check_custom_fields,
    check_internal_due_date,
    check_issuer_evidence,
    check_level,
    check_note_text,
    transaction_day,
)

UNSET = object()


def _jsonable(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _save_with_event(case: Case, actor: Actor, kind: str, changes: dict, note: str = "") -> CaseEvent:
    """Save the locked case and append the event of its change; returns the event (its `case` is the saved case)."""
    case.next_deadline = lifecycle.next_deadline(case)
    case.version += 1
    case.save()
    return event_record(case=case, actor=actor, kind=kind, changes=changes, note=note)


def _check_note(text: str) -> str:
    return check_note_text(text, "note", "The note is empty.")


def _write_note(case: Case, actor: Actor, text: str) -> CaseEvent:
    """A note event on a case the caller has locked (the note of an edit that changed nothing)."""
    require_perm(actor, "cases.add_case_note", "You may not add notes.")
    return event_record(case=case, actor=actor, kind=EventKind.NOTE, note=_check_note(text))


@transaction.atomic
def case_update(*, case: Case, actor: Actor, level=UNSET, internal_due_date=UNSET, due_date=UNSET,
                custom_fields=UNSET, issuer_evidence=UNSET, cardholder_notified_at=UNSET, note: str = "",
                expected_version: int | None = None) -> CaseEvent | None:
    """Edit level and due dates (supervisors, `manage` keys), custom fields and issuer evidence.

    Custom fields merge: a `None` value removes the key. Issuer evidence is replaced and may only
    change while the case is `created` (it is what gets filed).

    Returns the `edit` event. An edit that changes nothing writes no edit; its note, if any, is
    kept as a `note` event (what a person wrote is never dropped), which is returned instead.
    Nothing changed and no note: None.
    """
    case = lock_case(case, expected_version)
    changes: dict = {}
    if any(v is not UNSET for v in (level, internal_due_date, due_date)):
        require_perm(actor, "cases.edit_case_deadlines", "You may not change the level or due dates.")
        if not case.is_active:
            raise CaseClosed("A closed case cannot be edited.")
    if any(v is not UNSET for v in (custom_fields, issuer_evidence, cardholder_notified_at)):
        require_perm(actor, "cases.change_case", "You may not edit this case.")
    check_all(lambda: level is UNSET or check_level(case.program, level),
              lambda: internal_due_date is UNSET or check_internal_due_date(internal_due_date,
                                                                            transaction_day(case.transaction)))
    for name, value in (("level", level), ("internal_due_date", internal_due_date), ("due_date", due_date)):
        if value is not UNSET and getattr(case, name) != value:
            changes[name] = {"before": _jsonable(getattr(case, name)), "after": _jsonable(value)}
            setattr(case, name, value)
    if custom_fields is not UNSET:
        if not isinstance(custom_fields, dict):
            raise ValidationFailed.single("custom_fields", "invalid", "Custom fields must be an object.")
        merged = dict(case.custom_fields)
        for key, value in custom_fields.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        check_custom_fields(merged)
        if merged != case.custom_fields:
            changes["custom_fields"] = {"before": case.custom_fields, "after": merged}
            case.custom_fields = merged
    if issuer_evidence is not UNSET:
        check_issuer_evidence(issuer_evidence)
        if issuer_evidence != case.issuer_evidence:
            if case.status != CaseStatus.CREATED:
                raise ValidationFailed.single("issuer_evidence", "case_already_filed",
                                              "Issuer evidence can only change before the chargeback is filed.")
            changes["issuer_evidence"] = {"before": case.issuer_evidence, "after": issuer_evidence}
            case.issuer_evidence = issuer_evidence
    if cardholder_notified_at is not UNSET and cardholder_notified_at != case.notice_received_at:
        # When the cardholder told the issuer starts every regulatory clock (SPEC section 13).
        regulation.check_notice(cardholder_notified_at, case.transaction.date)
        changes["notice_received_at"] = {"before": _jsonable(case.notice_received_at),
                                         "after": _jsonable(cardholder_notified_at)}
        case.notice_received_at = cardholder_notified_at
        regulation.regulation_refresh(case)
        changes.update(regulation.due_date_changes(case))
    if not changes:
        return _write_note(case, actor, note) if (note or "").strip() else None
    return _save_with_event(case, actor, EventKind.EDIT, changes, note=note)


@transaction.atomic
def case_change_amount(*, case: Case, actor: Actor, amount: int, currency: str, note: str = "",
                       reason_code: str = "") -> CaseEvent:
    """Change the disputed (trusted) amount: the corrected total, not a difference (Mastercard
    "Change a Trusted Amount"); 0 < amount <= transaction amount, same currency, active case."""
    require_perm(actor, "cases.change_case_amount", "You may not change the disputed amount.")
    case = lock_case(case)
    if not case.is_active:
        raise CaseClosed("The case is closed; its amount cannot change.")
    errors = []
    if currency != case.currency:
        errors.append(FieldError("currency", "currency_mismatch", f"The case currency is {case.currency}."))
    if amount <= 0:
        errors.append(FieldError("amount", "invalid_amount", "The amount must be greater than zero."))
    elif amount > case.transaction.amount:
        errors.append(FieldError("amount", "amount_exceeds_transaction",
                                 "The amount cannot be higher than the transaction amount."))
    allocated = case.disputed_amount - case.liability_remaining
    if not errors and amount < max(allocated, case.provisional_credit_amount):
        errors.append(FieldError("amount", "amount_below_credit_or_allocation",
                                 "The amount cannot be lower than the provisional credit or what is already "
                                 "recovered, written off or denied."))
    if errors:
        raise ValidationFailed(errors)
    changes = {"disputed_amount": {"before": case.disputed_amount, "after": amount}, "currency": currency}
    if reason_code:
        changes["reason_code"] = reason_code
    case.disputed_amount = amount
    return _save_with_event(case, actor, EventKind.AMOUNT, changes, note=note)


@transaction.atomic
def case_add_note(*, case: Case, actor: Actor, text: str) -> CaseEvent:
    """Add a note to a case's timeline; returns the `note` event."""
    require_perm(actor, "cases.add_case_note", "You may not add notes.")
    text = _check_note(text)
    return event_record(case=lock_case(case), actor=actor, kind=EventKind.NOTE, note=text)


@transaction.atomic
def case_mark_reviewed(*, case: Case, actor: Actor, note: str = "") -> CaseEvent:
    """A supervisor clears `chargeback_needs_review`."""
    require_perm(actor, "cases.mark_case_reviewed", "Only a supervisor may mark a case reviewed.")
    case = lock_case(case)
    if case.review_status is None:
        raise ValidationFailed.single("review_status", "not_under_review", "The case is not waiting for review.")
    changes = {"review_status": {"before": case.review_status, "after": None}}
    case.review_status = None
    return _save_with_event(case, actor, EventKind.EDIT, changes, note=note)


@transaction.atomic
def case_flag_for_review(*, case: Case, actor: Actor, note: str = "") -> CaseEvent | None:
    """Set `chargeback_needs_review`; returns the `edit` event, or None when the case was already flagged."""
    require_perm(actor, "cases.change_case", "You may not edit this case.")
    return flag_locked_case(lock_case(case), actor, note)


def flag_locked_case(case: Case, actor: Actor, note: str = "") -> CaseEvent | None:
    if case.review_status == ReviewStatus.CHARGEBACK_NEEDS_REVIEW:
        return None
    changes = {"review_status": {"before": case.review_status, "after": ReviewStatus.CHARGEBACK_NEEDS_REVIEW}}
    case.review_status = ReviewStatus.CHARGEBACK_NEEDS_REVIEW
    return _save_with_event(case, actor, EventKind.EDIT, changes, note=note)
