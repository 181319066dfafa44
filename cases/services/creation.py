"""Opening a case: one road for every door."""

import secrets
import string
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from cases import lifecycle, networks
from cases.actors import Actor
from cases.choices import (
    ACTIVE_STATUSES,
    DisputeType,
    EventKind,
    LetterKind,
    RaisedBy,
    Reason,
    RegulationRule,
    ReviewStatus,
    TransactionStatus,
)
from cases.exceptions import CaseIdTaken, FieldError, OpenCaseExists, ValidationFailed
from cases.inputs import CaseInput
from cases.models import Case, CaseEvent, Program
from cases.services import provisional_credit, regulation
from cases.services.events import event_record, events_recorded, require_perm
from cases.services.letters import letter_queue
from cases.services.transactions import (
    transaction_find,
    transaction_find_or_record,
    transactions_find_or_record_many,
)
from cases.services.transitions import run_transition
from cases.services.validation import (
    check_custom_fields,
    check_internal_due_date,
    check_issuer_evidence,
    check_level,
    expected_delivery,
    transaction_day,
)

_ID_ALPHABET = string.ascii_lowercase + string.digits
_ATTEMPTS = 3  # a lost race names the winner, or the next attempt finds what it stored
BATCH = 500  # rows per INSERT when opening many cases


def generate_case_id() -> str:
    return "case_" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(20))


def _open_case_conflict(txn) -> OpenCaseExists | None:
    existing = Case.objects.filter(transaction=txn, status__in=ACTIVE_STATUSES).only("case_id", "number").first()
    if existing:
        return OpenCaseExists(case_id=existing.case_id, case_number=existing.number,
                              financial_document_id=txn.financial_document_id)
    return None


def _check_input(program: Program, data: CaseInput) -> None:
    errors = []
    if data.case_id is not None and not Case._meta.get_field("case_id").validators[0].regex.match(data.case_id):
        errors.append(FieldError("case_id", "invalid", "case_id is 1-126 letters, digits, '_' or '-'."))
    if data.reason is not None and data.reason not in Reason.values:
        errors.append(FieldError("reason", "invalid_choice", f"Unknown reason {data.reason!r}."))
    if data.dispute_type not in DisputeType.values:
        errors.append(FieldError("dispute_type", "invalid_choice", f"Unknown dispute type {data.dispute_type!r}."))
    if data.raised_by not in RaisedBy.values:
        errors.append(FieldError("dispute.raised_by", "invalid_choice", f"Unknown raised_by {data.raised_by!r}."))
    if data.disputed_amount is not None and data.disputed_amount <= 0:
        errors.append(FieldError("dispute.amount", "invalid_amount", "The disputed amount must be greater than zero."))
    if errors:
        raise ValidationFailed(errors)
    if data.level is not None:
        check_level(program, data.level)
    check_custom_fields(data.custom_fields)
    check_issuer_evidence(data.issuer_evidence)


def case_create(*, program: Program, actor: Actor, data: CaseInput,
                new_case_id: Callable[[], str] = generate_case_id) -> Case:
    """Open a case on a transaction; apply the creation outcomes of SPEC section 3.

    A case without a client's `case_id` gets one from `new_case_id` (a dialect passes its own id
    shape); a generated id that is already taken is drawn again, never reported.

    Raises OpenCaseExists when the transaction already has an open case (a database constraint
    decides between concurrent creates), CaseIdTaken, ValidationFailed, TransactionNotFound.

    The rows go in without a savepoint each: a unique constraint that fails (a concurrent create
    won; PostgreSQL waited for it to commit) rolls the whole attempt back, and the winner is
    named, or the attempt runs once more and now finds what the winner stored.
    """
    require_perm(actor, "cases.add_case", "This key may not create cases.")
    for attempt in range(_ATTEMPTS):
        try:
            with transaction.atomic():  # a savepoint when the caller holds a transaction
                return _open(program, actor, data, new_case_id)
        except IntegrityError:
            conflict = _lost_race(program, data)
            if conflict:
                raise conflict from None
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _lost_race(program: Program, data: CaseInput) -> OpenCaseExists | CaseIdTaken | None:
    """What a concurrent create stored that this one collided with, if it names a case."""
    txn = transaction_find(program=program, data=data.transaction)
    conflict = _open_case_conflict(txn) if txn else None
    if conflict:
        return conflict
    if data.case_id and Case.objects.filter(program=program, case_id=data.case_id).exists():
        return CaseIdTaken(data.case_id)
    return None


def _open(program: Program, actor: Actor, data: CaseInput, new_case_id: Callable[[], str]) -> Case:
    _check_input(program, data)
    txn, recorded = transaction_find_or_record(program=program, data=data.transaction, retried_by_caller=True)
    case = _new_case(program, data, txn, recorded, new_case_id, timezone.now())
    case.save(force_insert=True)  # a lost race on a constraint: see case_create
    event_record(case=case, actor=actor, kind=EventKind.CREATED, to_status=case.status,
                 changes=_created_changes(case, data), note=data.comments)
    _creation_outcomes(case, actor)
    return case


def _new_case(program: Program, data: CaseInput, txn, recorded: bool, new_case_id: Callable[[], str], now,
              *, case_id_checked: bool = False, cal=None) -> Case:
    """The case `data` opens on `txn`, checked and not saved yet (one builder for one case and for
    many). `recorded`: the transaction was just recorded, so it has no case. `case_id_checked`: the
    caller already knows the client's case id is free. `cal`: the program's calendar, read once."""
    reason, code = networks.resolve_reason(txn.card_network, reason=data.reason, code=data.network_reason_code)

    currency = (data.currency or txn.currency).upper()
    if currency != txn.currency:
        raise ValidationFailed.single("dispute.currency", "currency_mismatch",
                                      f"The dispute currency must be the transaction currency ({txn.currency}).")
    amount = txn.amount if data.disputed_amount is None else data.disputed_amount
    if amount > txn.amount:
        raise ValidationFailed.single("dispute.amount", "amount_exceeds_transaction",
                                      "The disputed amount cannot be higher than the transaction amount.")
    day = transaction_day(txn)
    check_internal_due_date(data.internal_due_date, day)
    # A transaction this call just recorded has no case yet. A client's own case id may be taken
    # (CaseIdTaken); a generated one collides too rarely to check first: the unique constraint
    # catches it and case_create draws again. The constraints catch the races below too.
    conflict = None if recorded else _open_case_conflict(txn)
    if conflict:
        raise conflict
    case_id = data.case_id or new_case_id()
    if data.case_id and not case_id_checked and Case.objects.filter(program=program, case_id=case_id).exists():
        raise CaseIdTaken(case_id)

    case = Case(
        case_id=case_id, program=program, transaction=txn, reason=reason, network=txn.card_network,
        network_reason_code=code, dispute_type=data.dispute_type, level=data.level or program.levels[0],
        raised_by=data.raised_by, dispute_date=data.dispute_date or now, disputed_amount=amount, currency=currency,
        tdr_details=data.tdr_details, tax_details=data.tax_details,
        chargeback_due_date=networks.chargeback_due_date(txn.card_network, reason, day, expected_delivery(data.issuer_evidence)),
        internal_due_date=data.internal_due_date or (lifecycle.today() + timedelta(days=program.default_internal_due_days)),
        due_date=data.due_date, issuer_evidence=data.issuer_evidence or {}, custom_fields=data.custom_fields or {},
        comments=data.comments, source=data.source,
    )
    if program.review_threshold is not None and amount >= program.review_threshold:
        case.review_status = ReviewStatus.CHARGEBACK_NEEDS_REVIEW
    if data.cardholder_notified_at is not None:
        regulation.check_notice(data.cardholder_notified_at, txn.date)
    case.notice_received_at = data.cardholder_notified_at or now
    regulation.regulation_refresh(case, cal=cal)  # also sets next_deadline
    return case


def _created_changes(case: Case, data: CaseInput) -> dict:
    """The `created` event's changes."""
    return {"source": data.source, "disputed_amount": case.disputed_amount, "currency": case.currency,
            "review_status": case.review_status}


def _creation_outcomes(case: Case, actor: Actor) -> None:
    """Creation outcomes (SPEC section 3; Tutelar's transaction-status responses) and what a
    regulated case owes from its first day."""
    system = Actor.for_system(request_id=actor.request_id)
    txn = case.transaction
    if txn.status == TransactionStatus.FAILED:
        run_transition(case, "reject", system, note="The transaction failed.")
    elif txn.status == TransactionStatus.REFUNDED:
        run_transition(case, "credit_merchant", system, note="The transaction was refunded.")
    regulation_open(case, system)


@transaction.atomic
def cases_open_many(*, program: Program, actor: Actor, inputs: list[CaseInput],
                    new_case_id: Callable[[], str] = generate_case_id) -> list[Case]:
    """Open many cases at once, in `inputs` order, each exactly as `case_create` opens it (same
    checks, same row, same `created` event and creation outcomes), written set-based: the
    transactions and their parties, the cases and their events each in a few INSERTs.

    For a load into a book nobody else writes to at that moment (the demo, a migration): all or
    nothing, in the caller's transaction; a refused input raises its domain error and a concurrent
    write that collides raises IntegrityError (case_create is the road for single, concurrent
    creates). Case ids given twice in `inputs`, or already taken, raise CaseIdTaken."""
    require_perm(actor, "cases.add_case", "This key may not create cases.")
    for data in inputs:
        _check_input(program, data)
    given = [data.case_id for data in inputs if data.case_id]
    seen = set()
    for case_id in given:
        if case_id in seen:
            raise CaseIdTaken(case_id)
        seen.add(case_id)
    taken = Case.objects.filter(program=program, case_id__in=given).values_list("case_id", flat=True).first()
    if taken:
        raise CaseIdTaken(taken)
    found = transactions_find_or_record_many(program=program, inputs=[data.transaction for data in inputs])
    now, cal = timezone.now(), regulation.program_calendar(program)
    cases = [_new_case(program, data, txn, recorded, new_case_id, now, case_id_checked=True, cal=cal)
             for data, (txn, recorded) in zip(inputs, found, strict=True)]
    Case.objects.bulk_create(cases, batch_size=BATCH)
    events = CaseEvent.objects.bulk_create([
        CaseEvent(case=case, kind=EventKind.CREATED, to_status=case.status, changes=_created_changes(case, data),
                  note=data.comments, actor=actor.label, actor_user=actor.user, actor_api_key=actor.api_key,
                  request_id=actor.request_id)
        for case, data in zip(cases, inputs, strict=True)], batch_size=BATCH)
    events_recorded(list(zip(events, cases, strict=True)))
    for case in cases:
        _creation_outcomes(case, actor)
    return cases


def regulation_open(case: Case, system: Actor) -> None:
    """What a regulated case owes from its first day: the Reg Z acknowledgement, and provisional
    credit at once where the program's auto-grant threshold says so."""
    if not case.regulation_rule or not case.is_active:
        return
    if case.regulation_rule == RegulationRule.REG_Z:
        letter_queue(case, LetterKind.ACKNOWLEDGEMENT, case.acknowledgement_due)
    if provisional_credit.auto_grant_applies(case):
        provisional_credit.grant(case, system, note="Granted automatically below the program's threshold.")
