"""Bulk upsert of the transaction store (`manage.py import_transactions`).

Rows are matched on (program, financial_document_id), else on external id, else on ARN; matched
rows are updated, the rest recorded with a fresh financial document id. Parties are matched by
their external id (Decisionly `issuer_id`) within the program, else recorded. A batch is one
database transaction; when the database refuses it (a row that collides with another transaction's
external id or ARN), the batch is replayed row by row so that only the offending rows are refused.
"""

import secrets
from dataclasses import dataclass, field, fields

from django.db import IntegrityError, connection, transaction

from cases.exceptions import ValidationFailed
from cases.inputs import TransactionInput
from cases.models import Cardholder, Merchant, Program, Transaction
from cases.services.transactions import _FDID_RANGE, _validate_new

_DATA_FIELDS = [f.name for f in Transaction._meta.concrete_fields
                if f.name not in ("id", "program", "financial_document_id", "created")]
_INPUT_FIELDS = [f.name for f in fields(TransactionInput) if f.name not in ("merchant", "cardholder",
                                                                            "financial_document_id")]


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
    merchants = _party_ids(Merchant, program, [d.merchant for _, d in rows])
    cardholders = _party_ids(Cardholder, program, [d.cardholder for _, d in rows])
    fdids = _known_fdids(program, [d for _, d in rows])
    known, new = {}, []
    for _, data in rows:
        values = {name: getattr(data, name) for name in _INPUT_FIELDS}
        values.update(program_id=program.pk, financial_document_id=fdids[id(data)], currency=data.currency.upper(),
                      merchant_id=merchants.get(id(data.merchant)), cardholder_id=cardholders.get(id(data.cardholder)))
        if values["financial_document_id"] is None:
            new.append(values)
        else:
            known[values["financial_document_id"]] = values  # a later line for the same transaction wins
    _allocate(program, new)
    write = _write_copy if connection.vendor == "postgresql" else _write_orm
    created = write(program, list(known.values()), new)
    return ImportResult(created=created, updated=len(rows) - created)


def _write_orm(program: Program, known: list[dict], new: list[dict]) -> int:
    existing = Transaction.objects.filter(program=program, financial_document_id__in=[
        v["financial_document_id"] for v in known]).count()
    if known:
        Transaction.objects.bulk_create([Transaction(**v) for v in known], update_conflicts=True,
                                        unique_fields=["program", "financial_document_id"],
                                        update_fields=_DATA_FIELDS)
    Transaction.objects.bulk_create([Transaction(**v) for v in new])
    return len(known) - existing + len(new)


_TABLE = Transaction._meta.db_table
_COLUMNS = [f.column for f in Transaction._meta.concrete_fields if f.name not in ("id", "created")]
_ATTNAMES = [f.attname for f in Transaction._meta.concrete_fields if f.name not in ("id", "created")]
_UPDATES = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in _COLUMNS if c not in ("program_id", "financial_document_id"))
_COLUMN_LIST = ", ".join(f'"{c}"' for c in _COLUMNS)


# The statements are built once from the model's metadata; row values only ever travel by COPY.
_CREATE_BATCH = ("CREATE TEMPORARY TABLE IF NOT EXISTS import_transactions_batch ON COMMIT DELETE ROWS AS "  # noqa: S608
                 f'SELECT {_COLUMN_LIST}, false AS is_new FROM "{_TABLE}" WITH NO DATA')
_COPY_BATCH = f"COPY import_transactions_batch ({_COLUMN_LIST}, is_new) FROM STDIN"
_UPSERT_KNOWN = (f'INSERT INTO "{_TABLE}" ({_COLUMN_LIST}, "created") SELECT {_COLUMN_LIST}, now() '  # noqa: S608
                 f"FROM import_transactions_batch WHERE NOT is_new ORDER BY financial_document_id "
                 f'ON CONFLICT ("program_id", "financial_document_id") DO UPDATE SET {_UPDATES} RETURNING xmax = 0')
_INSERT_NEW = (f'INSERT INTO "{_TABLE}" ({_COLUMN_LIST}, "created") SELECT {_COLUMN_LIST}, now() '  # noqa: S608
               "FROM import_transactions_batch WHERE is_new")


def _write_copy(program: Program, known: list[dict], new: list[dict]) -> int:
    """PostgreSQL: COPY the batch into a temporary table, then one INSERT ... ON CONFLICT for the rows
    with a financial document id and one plain INSERT for the new ones (a clash there is an error)."""
    with connection.cursor() as cursor:
        cursor.execute(_CREATE_BATCH)
        with cursor.cursor.copy(_COPY_BATCH) as copy:
            for is_new, rows in ((False, known), (True, new)):
                for values in rows:
                    copy.write_row([values[name] for name in _ATTNAMES] + [is_new])
        cursor.execute(_UPSERT_KNOWN)
        inserted = sum(1 for (was_inserted,) in cursor.fetchall() if was_inserted)
        cursor.execute(_INSERT_NEW)
    return inserted + len(new)


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


def _allocate(program: Program, new: list[dict]) -> None:
    """Fresh random financial document ids (as cases.services.transactions does), none already stored."""
    low, high = _FDID_RANGE
    while new:
        for values in new:
            values["financial_document_id"] = secrets.randbelow(high - low) + low
        wanted = {values["financial_document_id"] for values in new}
        if len(wanted) == len(new) and not Transaction.objects.filter(
                program=program, financial_document_id__in=wanted).exists():
            return


def _party_ids(model, program: Program, inputs: list) -> dict[int, int]:
    """Map each party input (by identity) to a stored party's id: matched by external id, else recorded."""
    inputs = [p for p in inputs if p is not None]
    externals = {p.external_id for p in inputs if p.external_id}
    stored = {}
    if externals:
        stored = dict(model.objects.filter(program=program, external_id__in=externals).values_list("external_id", "id"))
    missing = {}
    for party in inputs:
        if party.external_id and party.external_id not in stored and party.external_id not in missing:
            missing[party.external_id] = model(program=program, **vars(party))
    anonymous = [(party, model(program=program, **vars(party))) for party in inputs
                 if not party.external_id and party.name]
    model.objects.bulk_create(list(missing.values()) + [obj for _, obj in anonymous])
    stored.update({external_id: obj.pk for external_id, obj in missing.items()})
    found = {id(p): stored[p.external_id] for p in inputs if p.external_id}
    found.update({id(p): obj.pk for p, obj in anonymous})
    return found
