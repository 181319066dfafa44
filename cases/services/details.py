"""Edits of what a dispute is about (its type, reason code and fee details) and of the facts of its
transaction (amount, date, payment details, merchant, cardholder): Tutelar PATCH /update.

Only while the case is active; each edit writes one `edit` event with before/after.
"""

from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone

from cases import networks
from cases.actors import Actor
from cases.choices import DisputeType, EventKind
from cases.exceptions import CaseClosed, ValidationFailed
from cases.limits import column_length
from cases.models import Cardholder, Case, CaseEvent, Merchant, Transaction
from cases.services.edits import UNSET, _jsonable, _save_with_event, case_add_note, case_change_amount, case_update
from cases.services.events import require_perm
from cases.services.transitions import lock_case
from cases.services.validation import check_internal_due_date, expected_delivery, transaction_day


def _lock_for_edit(case: Case, actor: Actor) -> Case:
    """The case under its row lock, once the actor may edit it and it is still active."""
    require_perm(actor, "cases.change_case", "You may not edit this case.")
    case = lock_case(case)
    if not case.is_active:
        raise CaseClosed("A closed case cannot be edited.")
    return case


def _check_fee_details(value, field: str) -> None:
    if value is not UNSET and value is not None and not isinstance(value, dict):
        raise ValidationFailed.single(field, "invalid", f"{field} must be an object.")


@transaction.atomic
def case_update_details(*, case: Case, actor: Actor, dispute_type=UNSET, network_reason_code=UNSET,
                        tdr_details=UNSET, tax_details=UNSET, note: str = "") -> CaseEvent | None:
    """Change the dispute type, the network reason code (the catalog gives the reason, and the
    chargeback due date follows it) or the TDR / tax details of an active case. Returns the `edit`
    event, or None when nothing changed."""
    case = _lock_for_edit(case, actor)
    if dispute_type is not UNSET and dispute_type not in DisputeType.values:
        raise ValidationFailed.single("dispute_type", "invalid_choice", f"Unknown dispute type {dispute_type!r}.")
    _check_fee_details(tdr_details, "tdr_details")
    _check_fee_details(tax_details, "tax_details")
    updates = {"dispute_type": dispute_type, "tdr_details": tdr_details, "tax_details": tax_details}
    if network_reason_code is not UNSET:
        reason, code = networks.resolve_reason(case.network, code=network_reason_code)
        updates.update(network_reason_code=code, reason=reason, chargeback_due_date=networks.chargeback_due_date(
            case.network, reason, transaction_day(case.transaction), expected_delivery(case.issuer_evidence)))
    changes = {}
    for name, value in updates.items():
        if value is not UNSET and getattr(case, name) != value:
            changes[name] = {"before": _jsonable(getattr(case, name)), "after": _jsonable(value)}
            setattr(case, name, value)
    if not changes:
        return None
    return _save_with_event(case, actor, EventKind.EDIT, changes, note=note)


_TRANSACTION_TEXT = ("payment_type", "acquirer_bank_code", "remitter_bank", "nodal_account_number",
                     "gateway_order_id", "payment_instrument_id")
_MERCHANT_FIELDS = ("external_id", "name", "business_name", "chargeback_email", "mobile")
_CARDHOLDER_FIELDS = ("name", "email", "mobile")


def _check_text(model, name: str, value, field: str) -> str:
    """None clears an optional text; anything else must be a string that fits the column."""
    value = "" if value is None else value
    limit = column_length(model, name)
    if not isinstance(value, str) or len(value) > limit:
        raise ValidationFailed.single(field, "invalid", f"{field} must be text of at most {limit} characters.")
    return value


def _check_party(model, given: dict | None, allowed: tuple, prefix: str) -> dict:
    if given is None:
        return {}
    unknown = set(given) - set(allowed)
    if unknown:
        raise ValidationFailed.single(f"{prefix}.{sorted(unknown)[0]}", "unknown_field", f"Unknown {prefix} field.")
    return {name: _check_text(model, name, value, f"{prefix}.{name}") for name, value in given.items()}


def _edit_party(model, case: Case, current, given: dict, fields: tuple, prefix: str):
    """Apply the given fields to the transaction's party. A merchant id naming another party moves the
    transaction to that party, matched or recorded by external id within the program (as
    services.transactions._party does). Returns (party, changes seen from this case)."""
    if given.get("external_id") == "":
        raise ValidationFailed.single(f"{prefix}.external_id", "required", f"The {prefix} id cannot be removed.")
    before = {name: getattr(current, name) if current else "" for name in fields}
    target = current
    external_id = given.get("external_id")
    if external_id and (current is None or current.external_id != external_id):
        target = model.objects.filter(program=case.program, external_id=external_id).first()
    if ("name" in given or target is None) and not given.get("name"):
        raise ValidationFailed.single(f"{prefix}.name", f"{prefix}_name_required", f"The {prefix} name is required.")
    if target is None:
        target = model.objects.create(program=case.program, **given)
    else:
        edited = [name for name, value in given.items() if getattr(target, name) != value]
        for name in edited:
            setattr(target, name, given[name])
        if edited:
            target.save(update_fields=edited)
    shown = fields if target != current else tuple(given)
    return target, {f"{prefix}.{name}": {"before": before[name], "after": getattr(target, name)}
                    for name in shown if before[name] != getattr(target, name)}


@transaction.atomic
def case_update_transaction_details(
    *, case: Case, actor: Actor, external_id=UNSET, amount=UNSET, date=UNSET, payment_type=UNSET,
    acquirer_bank_code=UNSET, remitter_bank=UNSET, nodal_account_number=UNSET, gateway_order_id=UNSET,
    payment_instrument_id=UNSET, merchant: dict | None = None, cardholder: dict | None = None,
    disputed_amount=UNSET, internal_due_date=UNSET, note: str = "",
) -> list[CaseEvent]:
    """Correct the facts of an active case's transaction: amount, date, payment details, the merchant
    ({external_id, name, business_name, chargeback_email, mobile}, any subset) and the cardholder
    ({name, email, mobile}) — Tutelar PATCH /update takes any create field. `None` clears a text.

    The transaction row is the store's record and may be shared with the transaction's closed cases;
    the change is recorded on this case as one `edit` event. `external_id` identifies the transaction
    and cannot change: a dispute on another transaction is a new dispute. `disputed_amount` and
    `internal_due_date` are the dispute's new values when the same request changes them: the pair
    rules (amount >= disputed amount, internal due date not before the transaction) hold for the
    new values, which are then written by case_change_amount and case_update with their own events.

    Returns the events written, in order (none when nothing changed).
    """
    case = _lock_for_edit(case, actor)
    txn = case.transaction
    if external_id is not UNSET and external_id != txn.external_id:
        raise ValidationFailed.single("transaction.external_id", "transaction_id_immutable",
                                      "A dispute stays on its transaction; raise a new dispute for another transaction.")
    texts = dict(zip(_TRANSACTION_TEXT, (payment_type, acquirer_bank_code, remitter_bank, nodal_account_number,
                                         gateway_order_id, payment_instrument_id), strict=True))
    updates = {name: _check_text(Transaction, name, value, f"transaction.{name}")
               for name, value in texts.items() if value is not UNSET}
    merchant = _check_party(Merchant, merchant, _MERCHANT_FIELDS, "merchant")
    cardholder = _check_party(Cardholder, cardholder, _CARDHOLDER_FIELDS, "cardholder")
    if amount is not UNSET:
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise ValidationFailed.single("transaction.amount", "invalid_amount",
                                          "The transaction amount must be greater than zero.")
        if amount < (case.disputed_amount if disputed_amount is UNSET else disputed_amount):
            raise ValidationFailed.single("transaction.amount", "amount_exceeds_transaction",
                                          "The disputed amount cannot be higher than the transaction amount.")
        updates["amount"] = amount
    if date is not UNSET and date != txn.date:
        if not isinstance(date, datetime) or date.tzinfo is None:
            raise ValidationFailed.single("transaction.date", "invalid", "The transaction date needs a time zone.")
        if date > timezone.now():
            raise ValidationFailed.single("transaction.date", "transaction_date_in_future",
                                          "The transaction date cannot be in the future.")
        internal = case.internal_due_date if internal_due_date is UNSET else internal_due_date
        check_internal_due_date(internal, date.astimezone(UTC).date())
        updates["date"] = date

    changes = {f"transaction.{name}": {"before": _jsonable(getattr(txn, name)), "after": _jsonable(value)}
               for name, value in updates.items() if getattr(txn, name) != value}
    edited = [key.split(".", 1)[1] for key in changes]
    for name in edited:
        setattr(txn, name, updates[name])
    for model, party, given, fields in ((Merchant, "merchant", merchant, _MERCHANT_FIELDS),
                                        (Cardholder, "cardholder", cardholder, _CARDHOLDER_FIELDS)):
        if not given:
            continue
        current = getattr(txn, party)
        target, party_changes = _edit_party(model, case, current, given, fields, party)
        changes.update(party_changes)
        if target != current:
            setattr(txn, party, target)
            edited.append(party)
    if edited:
        txn.save(update_fields=edited)
    if "date" in edited:
        due = networks.chargeback_due_date(case.network, case.reason, transaction_day(txn),
                                           expected_delivery(case.issuer_evidence))
        if due != case.chargeback_due_date:
            changes["chargeback_due_date"] = {"before": _jsonable(case.chargeback_due_date), "after": _jsonable(due)}
            case.chargeback_due_date = due
    events = []
    if changes:
        events.append(_save_with_event(case, actor, EventKind.EDIT, changes, note=note))
    if disputed_amount is not UNSET:
        event = case_change_amount(case=case, actor=actor, amount=disputed_amount, currency=case.currency)
        case = event.case
        events.append(event)
    if internal_due_date is not UNSET:
        event = case_update(case=case, actor=actor, internal_due_date=internal_due_date)
        events += [event] if event else []
    return events


@transaction.atomic
def case_amend(*, case: Case, actor: Actor, transaction_facts: dict | None = None, disputed_amount=UNSET,
               dispute_type=UNSET, network_reason_code=UNSET, tdr_details=UNSET, tax_details=UNSET,
               level=UNSET, internal_due_date=UNSET, due_date=UNSET, note: str = "") -> list[CaseEvent]:
    """Amend any fact of an active dispute in one database transaction: its transaction's facts and
    parties (`transaction_facts`, the arguments of case_update_transaction_details), the disputed
    amount, what the dispute is about, the level and due dates, and a note (Tutelar PATCH /update,
    which takes any field of the create body). Either every change is stored or none is.

    Each part is written by its own service with its own event; the note is a `note` event of its
    own. Returns the events written, in order.
    """
    events: list[CaseEvent] = []
    if transaction_facts:
        # The disputed amount and internal due date go with the transaction's amount and date, so
        # the pair's rules are checked on the new values.
        events += case_update_transaction_details(case=case, actor=actor, **transaction_facts,
                                                  disputed_amount=disputed_amount, internal_due_date=internal_due_date)
        internal_due_date = UNSET
    elif disputed_amount is not UNSET:
        events.append(case_change_amount(case=case, actor=actor, amount=disputed_amount, currency=case.currency))
    details = {name: value for name, value in (("dispute_type", dispute_type), ("network_reason_code", network_reason_code),
                                               ("tdr_details", tdr_details), ("tax_details", tax_details))
               if value is not UNSET}
    if details:
        events.append(case_update_details(case=case, actor=actor, **details))
    deadlines = {name: value for name, value in (("level", level), ("internal_due_date", internal_due_date),
                                                 ("due_date", due_date)) if value is not UNSET}
    if deadlines:
        events.append(case_update(case=case, actor=actor, **deadlines))
    if (note or "").strip():
        events.append(case_add_note(case=case, actor=actor, text=note))
    return [event for event in events if event is not None]
