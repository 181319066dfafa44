"""The transaction store: find a described transaction, or record it, with its parties."""

import secrets
from dataclasses import asdict
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cases import money
from cases.choices import CardholderType, TransactionStatus, TransactionSystem
from cases.exceptions import FieldError, TransactionConflict, TransactionNotFound, ValidationFailed
from cases.inputs import CardholderInput, MerchantInput, TransactionInput
from cases.limits import NETWORKS
from cases.models import Cardholder, Merchant, Program, Transaction

_FDID_RANGE = (1_000_000_000, 9_999_999_999)
_BATCH = 500  # rows per INSERT when recording many


_MATCH_FIELDS = ("external_id", "arn", "switch_serial_number")


def _find(program: Program, data: TransactionInput) -> Transaction | None:
    """Match order: financial document id, external id, ARN, switch serial number."""
    qs = Transaction.objects.filter(program=program).select_related("merchant", "cardholder")
    if data.financial_document_id is not None:
        return qs.filter(financial_document_id=data.financial_document_id).first()
    given = [(field, getattr(data, field)) for field in _MATCH_FIELDS if getattr(data, field)]
    if not given:
        return None
    # One round trip for every identifier given; the match order then decides between the rows.
    # External id and ARN are unique per program, so the newest row matching the switch serial
    # number (the model's order) is among the first three.
    matches = Q()
    for field, value in given:
        matches |= Q(**{field: value})
    candidates = list(qs.filter(matches)[:3])
    for field, value in given:
        for txn in candidates:
            if getattr(txn, field) == value:
                return txn
    return None


# Sets, not TextChoices.values (a list built on every access): this runs once per imported row.
_STATUSES = frozenset(TransactionStatus.values)
_NETWORKS = frozenset(NETWORKS) | {""}  # a transaction may leave its network unknown
_SYSTEMS = frozenset(TransactionSystem.values)
_CARDHOLDER_TYPES = frozenset(CardholderType.values)


def _validate_new(data: TransactionInput, prefix: str, now: datetime | None = None) -> None:
    """Raise ValidationFailed naming every field that keeps the transaction from being recorded.
    `now` (default: the current time) bounds the transaction date; a batch passes one for all its rows."""
    errors = []
    if data.amount is None:
        errors.append(FieldError(f"{prefix}amount", "required", "The transaction amount is required."))
    elif data.amount <= 0:
        errors.append(FieldError(f"{prefix}amount", "invalid_amount", "The transaction amount must be greater than zero."))
    if not money.is_currency(data.currency):
        errors.append(FieldError(f"{prefix}currency", "invalid_currency", "Unknown transaction currency."))
    if data.date is None:
        errors.append(FieldError(f"{prefix}date", "required", "The transaction date is required."))
    elif data.date > (now or timezone.now()):
        errors.append(FieldError(f"{prefix}date", "transaction_date_in_future",
                                 "The transaction date cannot be in the future."))
    if data.status not in _STATUSES:
        errors.append(FieldError(f"{prefix}status", "invalid_choice", f"Unknown transaction status {data.status!r}."))
    if data.card_network not in _NETWORKS:
        errors.append(FieldError(f"{prefix}card.network", "invalid_choice", "Unknown card network."))
    if data.system and data.system not in _SYSTEMS:
        errors.append(FieldError(f"{prefix}system", "invalid_choice", "Unknown transaction system."))
    if data.card_last4 and not (len(data.card_last4) == 4 and data.card_last4.isdigit()):
        errors.append(FieldError(f"{prefix}card.last4", "invalid", "last4 must be exactly four digits."))
    if data.card_expiry_month is not None and not 1 <= data.card_expiry_month <= 12:
        errors.append(FieldError(f"{prefix}card.expiry_month", "invalid", "The expiry month must be 1-12."))
    if data.merchant and data.merchant.mcc and not (len(data.merchant.mcc) == 4 and data.merchant.mcc.isdigit()):
        errors.append(FieldError("merchant.category_code", "invalid", "The merchant category code must be 4 digits."))
    if data.cardholder and data.cardholder.type not in _CARDHOLDER_TYPES:
        errors.append(FieldError("cardholder.type", "invalid_choice", "Unknown cardholder type."))
    if errors:
        raise ValidationFailed(errors)


def _party(model, program: Program, data: MerchantInput | CardholderInput | None, savepoint: bool):
    """Match a party by its external id within the program, else record it."""
    if data is None:
        return None
    values = asdict(data)
    external_id = values.pop("external_id")
    if external_id:
        existing = model.objects.filter(program=program, external_id=external_id).first()
        if existing:
            return existing
        try:
            with transaction.atomic(savepoint=savepoint):
                return model.objects.create(program=program, external_id=external_id, **values)
        except IntegrityError:
            if not savepoint:
                raise
            return model.objects.get(program=program, external_id=external_id)
    if not values.get("name"):
        return None
    return model.objects.create(program=program, **values)


def transaction_resolve(*, program: Program, data: TransactionInput, prefix: str = "transaction.") -> Transaction:
    """Return the stored transaction the input refers to, recording it when it is described but absent.

    A bare financial document id (the Mastercard dialect) must already be in the store.
    """
    return transaction_find_or_record(program=program, data=data, prefix=prefix)[0]


def transaction_find(*, program: Program, data: TransactionInput) -> Transaction | None:
    """The stored transaction the input refers to, or None."""
    return _find(program, data)


def transaction_find_or_record(*, program: Program, data: TransactionInput, prefix: str = "transaction.",
                               retried_by_caller: bool = False) -> tuple[Transaction, bool]:
    """As transaction_resolve, and whether this call recorded the transaction (so it has no case yet).

    A concurrent request may record the same transaction or party first. By default each insert
    has its own savepoint and the winner's row is used; `retried_by_caller=True` leaves the
    savepoints out and lets the IntegrityError roll back the caller's attempt, which runs again.
    """
    savepoint = not retried_by_caller
    found = _find(program, data)
    if found:
        return found, False
    if not data.describes_new:
        if data.financial_document_id is not None:
            raise TransactionNotFound(
                f"No transaction with financial document id {data.financial_document_id}.",
                field=f"{prefix}financial_document_id",
            )
        raise ValidationFailed.single(f"{prefix}amount", "required", "The transaction amount is required.")
    _validate_new(data, prefix)
    merchant = _party(Merchant, program, data.merchant, savepoint)
    cardholder = _party(Cardholder, program, data.cardholder, savepoint)
    fields = {k: v for k, v in asdict(data).items() if k not in ("merchant", "cardholder")}
    fields["currency"] = data.currency.upper()
    for _ in range(5):
        if data.financial_document_id is None:
            fields["financial_document_id"] = secrets.randbelow(_FDID_RANGE[1] - _FDID_RANGE[0]) + _FDID_RANGE[0]
        try:
            with transaction.atomic(savepoint=savepoint):
                txn = Transaction.objects.create(program=program, merchant=merchant, cardholder=cardholder, **fields)
                return txn, True
        except IntegrityError:
            if not savepoint:
                raise
            # A concurrent request recorded the same transaction (same ARN / external id): use it.
            existing = _find(program, data)
            if existing:
                return existing, False
            if data.financial_document_id is not None:
                # Not this document id (else _find had found it): its ARN or external id is another's.
                raise TransactionConflict(
                    "Another stored transaction of this program has this ARN or external id.",
                    field=f"{prefix}financial_document_id") from None
    raise RuntimeError("Could not allocate a financial document id.")


def transaction_create(*, program: Program, data: TransactionInput) -> tuple[Transaction, bool]:
    """Record a transaction in the store (native API, import). Returns (transaction, created)."""
    return transaction_find_or_record(program=program, data=data, prefix="")


def _parties_many(model, program: Program, inputs: list) -> list:
    """`_party` for many inputs set-based: one query for the stored ones, one INSERT for the rest;
    the same external id twice is one party."""
    wanted = {data.external_id for data in inputs if data is not None and data.external_id}
    known = {party.external_id: party for party in model.objects.filter(program=program, external_id__in=wanted)}
    new = []
    for data in inputs:
        if data is None:
            continue
        values = asdict(data)
        external_id = values.pop("external_id")
        if (external_id and external_id not in known) or (not external_id and values.get("name")):
            party = model(program=program, external_id=external_id, **values)
            new.append(party)
            if external_id:
                known[external_id] = party
    model.objects.bulk_create(new, batch_size=_BATCH)
    unnamed = iter(party for party in new if not party.external_id)
    result = []
    for data in inputs:
        if data is None:
            result.append(None)
        elif data.external_id:
            result.append(known[data.external_id])
        else:
            result.append(next(unnamed) if data.name else None)
    return result


def transactions_find_or_record_many(*, program: Program, inputs: list[TransactionInput],
                                     prefix: str = "transaction.") -> list[tuple[Transaction, bool]]:
    """`transaction_find_or_record` for many inputs, in order, set-based: one query tells which
    inputs may already be stored (those are looked up one by one, as one is), and the others are
    recorded with their parties in one INSERT per table. For loads into a book nobody else writes
    to at that moment, in the caller's transaction: a collision (a concurrent write, the same
    new transaction described twice) raises IntegrityError."""
    values = {field: {getattr(data, field) for data in inputs if getattr(data, field)} for field in _MATCH_FIELDS}
    matches = Q(financial_document_id__in={data.financial_document_id for data in inputs
                                           if data.financial_document_id is not None})
    for field, given in values.items():
        matches |= Q(**{f"{field}__in": given})
    stored = {field: set() for field in ("financial_document_id", *_MATCH_FIELDS)}
    for row in Transaction.objects.filter(program=program).filter(matches).values(*stored):
        for field, seen in stored.items():
            seen.add(row[field])
    now = timezone.now()
    found: list = [None] * len(inputs)
    new: dict[int, TransactionInput] = {}
    for index, data in enumerate(inputs):
        if (data.financial_document_id in stored["financial_document_id"]
                or any(getattr(data, field) and getattr(data, field) in stored[field] for field in _MATCH_FIELDS)):
            found[index] = (_find(program, data), False)
            continue
        if not data.describes_new:
            raise (TransactionNotFound(f"No transaction with financial document id {data.financial_document_id}.",
                                       field=f"{prefix}financial_document_id")
                   if data.financial_document_id is not None else
                   ValidationFailed.single(f"{prefix}amount", "required", "The transaction amount is required."))
        _validate_new(data, prefix, now)
        new[index] = data
    merchants = _parties_many(Merchant, program, [data.merchant for data in new.values()])
    cardholders = _parties_many(Cardholder, program, [data.cardholder for data in new.values()])
    rows = []
    for (index, data), merchant, cardholder in zip(new.items(), merchants, cardholders, strict=True):
        fields = {k: v for k, v in asdict(data).items() if k not in ("merchant", "cardholder")}
        fields["currency"] = data.currency.upper()
        if data.financial_document_id is None:
            fields["financial_document_id"] = secrets.randbelow(_FDID_RANGE[1] - _FDID_RANGE[0]) + _FDID_RANGE[0]
        rows.append(Transaction(program=program, merchant=merchant, cardholder=cardholder, **fields))
        found[index] = (rows[-1], True)
    Transaction.objects.bulk_create(rows, batch_size=_BATCH)
    return found
