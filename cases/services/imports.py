"""Bulk upsert of the transaction store (`manage.py import_transactions`).

Rows are matched on (program, financial_document_id), else on external id, else on ARN; matched
rows are updated, the rest recorded with a fresh financial document id. Parties are matched by
their external id (Decisionly `issuer_id`) within the program, else recorded. A batch is one
database transaction; when the database refuses it (a row that collides with another transaction's
external id or ARN), the batch is replayed row by row so that only the offending rows are refused.
"""

import secrets
from dataclasses import asdict, dataclass, field

from django.db import IntegrityError, transaction

from cases.exceptions import ValidationFailed
from cases.inputs import TransactionInput
from cases.models import Cardholder, Merchant, Program, Transaction
from cases.services.transactions import _FDID_RANGE, _validate_new

_DATA_FIELDS = [f.name for f in Transaction._meta.concrete_fields
                if f.name not in ("id", "program", "financial_document_id", "created")]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)  # (line, message)

    def add(self, other: "ImportResult") -> None:
        self.created += other.created
        self.updated += other.updated
        self.refused += other.refused


def transactions_import(*, program: Program, rows: list[tuple[int, TransactionInput]]) -> ImportResult:
    """Upsert one batch of (line number, transaction) pairs; returns counts and the refused lines."""
    result = ImportResult()
    valid = []
    for line, data in rows:
        try:
            _validate_new(data, "")
        except ValidationFailed as exc:
            result.refused.append((line, _describe(exc)))
            continue
        valid.append((line, data))
    try:
        with transaction.atomic():
            result.add(_upsert(program, valid))
    except IntegrityError:
        for line, data in valid:
            try:
                with transaction.atomic():
                    result.add(_upsert(program, [(line, data)]))
            except IntegrityError:
                result.refused.append((line, "conflicts with a stored transaction (external id, ARN or "
                                             "financial document id already used by another transaction)"))
    return result


def _describe(exc: ValidationFailed) -> str:
    return "; ".join(f"{e.field}: {e.message}" if e.field else e.message for e in exc.errors) or exc.message


def _upsert(program: Program, rows: list[tuple[int, TransactionInput]]) -> ImportResult:
    if not rows:
        return ImportResult()
    merchants = _parties(Merchant, program, [d.merchant for _, d in rows])
    cardholders = _parties(Cardholder, program, [d.cardholder for _, d in rows])
    fdids = _known_fdids(program, [d for _, d in rows])
    existing = set(Transaction.objects.filter(program=program, financial_document_id__in=[
        f for f in fdids.values() if f is not None]).values_list("financial_document_id", flat=True))
    known, new, updated = {}, [], 0
    for _, data in rows:
        fdid = fdids[id(data)]
        obj = Transaction(program=program, financial_document_id=fdid, **_values(data, merchants, cardholders))
        if fdid is None:
            new.append(obj)
            continue
        updated += fdid in existing or fdid in known
        known[fdid] = obj  # a later line for the same transaction wins
    if known:
        Transaction.objects.bulk_create(list(known.values()), update_conflicts=True,
                                        unique_fields=["program", "financial_document_id"],
                                        update_fields=_DATA_FIELDS)
    if new:
        _allocate(program, new)
        Transaction.objects.bulk_create(new)
    return ImportResult(created=len(rows) - updated, updated=updated)


def _known_fdids(program: Program, rows: list[TransactionInput]) -> dict[int, int | None]:
    """The financial document id of each row: given, or the stored one its external id or ARN names."""
    by_external, by_arn = {}, {}
    externals = [d.external_id for d in rows if d.financial_document_id is None and d.external_id]
    if externals:
        by_external = dict(Transaction.objects.filter(program=program, external_id__in=externals)
                           .values_list("external_id", "financial_document_id"))
    arns = [d.arn for d in rows if d.financial_document_id is None and d.arn and d.external_id not in by_external]
    if arns:
        by_arn = dict(Transaction.objects.filter(program=program, arn__in=arns).values_list("arn", "financial_document_id"))
    found = {}
    for data in rows:
        fdid = data.financial_document_id
        if fdid is None and data.external_id:
            fdid = by_external.get(data.external_id)
        if fdid is None and data.arn:
            fdid = by_arn.get(data.arn)
        found[id(data)] = fdid
    return found


def _allocate(program: Program, new: list[Transaction]) -> None:
    """Fresh random financial document ids (as cases.services.transactions does), none already stored."""
    low, high = _FDID_RANGE
    while True:
        for obj in new:
            obj.financial_document_id = secrets.randbelow(high - low) + low
        wanted = {obj.financial_document_id for obj in new}
        taken = set(Transaction.objects.filter(program=program, financial_document_id__in=wanted)
                    .values_list("financial_document_id", flat=True))
        if not taken and len(wanted) == len(new):
            return


def _values(data: TransactionInput, merchants: dict, cardholders: dict) -> dict:
    values = {k: v for k, v in asdict(data).items() if k not in ("merchant", "cardholder", "financial_document_id")}
    values["currency"] = data.currency.upper()
    values["merchant"] = merchants.get(id(data.merchant)) if data.merchant else None
    values["cardholder"] = cardholders.get(id(data.cardholder)) if data.cardholder else None
    return values


def _parties(model, program: Program, inputs: list) -> dict[int, object]:
    """Map each party input (by identity) to a stored party: matched by external id, else recorded."""
    inputs = [p for p in inputs if p is not None]
    externals = {p.external_id for p in inputs if p.external_id}
    stored = {}
    if externals:
        stored = {p.external_id: p for p in model.objects.filter(program=program, external_id__in=externals)}
    missing = {}
    for party in inputs:
        if party.external_id and party.external_id not in stored and party.external_id not in missing:
            missing[party.external_id] = model(program=program, **asdict(party))
    anonymous = [(party, model(program=program, **asdict(party))) for party in inputs
                 if not party.external_id and party.name]
    model.objects.bulk_create(list(missing.values()) + [obj for _, obj in anonymous])
    stored.update(missing)
    found = {id(p): stored[p.external_id] for p in inputs if p.external_id}
    found.update({id(p): obj for p, obj in anonymous})
    return found
