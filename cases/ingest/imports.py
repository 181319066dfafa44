"""Bulk upsert of the transaction store (`manage.py import_transactions`).

Rows are matched on (program, financial_document_id), else on external id, else on ARN; matched
rows are updated, the rest recorded with a fresh financial document id. Parties are matched by
their external id (Decisionly `issuer_id`) within the program, else recorded. A batch is one
database transaction; when the database refuses it (a row that collides with another transaction's
external id or ARN), the batch is replayed row by row so that only the offending rows are refused.

An import is a `TransactionImport`. `prepare` validates a batch and lays its rows out as table
rows without touching the database (the command runs it while another thread writes the previous
batch); `write` matches parties and stored transactions and writes. The import remembers the
parties its committed batches matched or recorded: a party named on many rows is looked up once.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from cases.exceptions import ValidationFailed
from cases.ingest import imports_pg
from cases.ingest.imports_pg import COLUMNS, FDID
from cases.inputs import CardholderInput, MerchantInput, TransactionInput
from cases.models import Cardholder, Merchant, Program, Transaction
from cases.services.transactions import _FDID_RANGE, _validate_new

# A batch's rows are laid out as table rows (imports_pg.COLUMNS): program, financial document id,
# the input's own fields, the parties, the creation time.
_INPUT_FIELDS = COLUMNS[2:-3]
_CURRENCY, _MERCHANT, _CARDHOLDER, _CREATED = COLUMNS.index("currency"), -3, -2, -1
_input_values = attrgetter(*_INPUT_FIELDS)
_DATA_FIELDS = [f.name for f in Transaction._meta.concrete_fields
                if f.name not in ("id", "program", "financial_document_id", "created")]
_CONFLICT = ("conflicts with a stored transaction (external id, ARN or financial document id already used by "
             "another transaction)")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)  # (line, message)

    def add(self, other: "ImportResult") -> None:
        self.created += other.created
        self.updated += other.updated
        self.refused += other.refused


@dataclass
class PreparedBatch:
    """A validated batch: (line, input, table row) for each valid row; the row's financial document
    id, parties and creation time are filled in when it is written. `keys` are what its rows name
    (financial document ids, external ids, ARNs, parties not known to be stored): two batches that
    share none write different rows. `complete` when every row gives its financial document id."""
    rows: list[tuple[int, TransactionInput, list]]
    refused: list[tuple[int, str]]
    keys: frozenset = frozenset()
    complete: bool = True


class WriteConflict(Exception):
    """A batch written alongside others met one of them or another transaction (the database refused
    a row, or a lock held elsewhere was waited for): it was rolled back, to be written again alone."""


class TransactionImport:
    """One import into a program's transaction store, batch after batch (each batch its own transaction)."""

    def __init__(self, program: Program):
        self.program = program
        # Party external id -> stored id, learnt from committed batches only.
        self.parties: dict[type, dict[str, int]] = {Merchant: {}, Cardholder: {}}
        # Whether the last batch created all its rows: then the next one is first tried as new rows.
        self.creating = True

    def prepare(self, rows: list[tuple[int, TransactionInput]]) -> PreparedBatch:
        """Validate the rows and lay them out as table rows; no database work."""
        prepared, refused, keys, complete = [], [], set(), True
        program_id, now = self.program.pk, timezone.now()
        merchants, cardholders = self.parties[Merchant], self.parties[Cardholder]
        for line, data in rows:
            try:
                _validate_new(data, "", now)
            except ValidationFailed as exc:
                refused.append((line, _describe(exc)))
                continue
            values = [program_id, None, *_input_values(data), None, None, None]
            values[_CURRENCY] = values[_CURRENCY].upper()
            prepared.append((line, data, values))
            if data.financial_document_id is None:
                complete = False
            else:
                keys.add(data.financial_document_id)
            if data.external_id:
                keys.add(("external_id", data.external_id))
            if data.arn:
                keys.add(("arn", data.arn))
            if data.merchant and data.merchant.external_id and data.merchant.external_id not in merchants:
                keys.add(("merchant", data.merchant.external_id))
            if data.cardholder and data.cardholder.external_id and data.cardholder.external_id not in cardholders:
                keys.add(("cardholder", data.cardholder.external_id))
        return PreparedBatch(prepared, refused, frozenset(keys), complete)

    def write(self, batch: PreparedBatch) -> ImportResult:
        """Upsert a prepared batch; counts and the refused lines (validation's and the database's)."""
        result = ImportResult(refused=list(batch.refused))
        try:
            result.add(self._committed(batch.rows))
        except IntegrityError:
            # A stored party may have gone since it was remembered: look every party up again.
            self.parties = {Merchant: {}, Cardholder: {}}
            for row in batch.rows:
                try:
                    result.add(self._committed([row]))
                except IntegrityError:
                    result.refused.append((row[0], _CONFLICT))
        return result

    def attempt(self, batch: PreparedBatch, before_commit: Callable[[], None]) -> ImportResult:
        """PostgreSQL: write the batch in one transaction while other connections write other batches.
        Whatever `write` would resolve row by row (a row the database refuses), and any wait for a lock
        held elsewhere, rolls the batch back and raises WriteConflict. `before_commit` runs just before
        the commit: the caller orders commits there (raising in it rolls back)."""
        learnt = {Merchant: {}, Cardholder: {}}
        try:
            with transaction.atomic():
                imports_pg.refuse_waits()
                created = self._upsert(batch.rows, learnt) if batch.rows else 0
                before_commit()
        except IntegrityError as exc:
            raise WriteConflict from exc
        except OperationalError as exc:
            if not imports_pg.is_wait_refused(exc):
                raise
            raise WriteConflict from exc
        self._learn(learnt, created, len(batch.rows))
        return ImportResult(created=created, updated=len(batch.rows) - created, refused=list(batch.refused))

    def _committed(self, rows: list[tuple[int, TransactionInput, list]]) -> ImportResult:
        if not rows:
            return ImportResult()
        learnt = {Merchant: {}, Cardholder: {}}
        with transaction.atomic():
            created = self._upsert(rows, learnt)
        self._learn(learnt, created, len(rows))
        return ImportResult(created=created, updated=len(rows) - created)

    def _learn(self, learnt: dict, created: int, written: int) -> None:
        """After a commit: remember the parties found or recorded, and whether every row was new."""
        for model, ids in learnt.items():
            self.parties[model].update(ids)
        self.creating = created == written

    def _upsert(self, rows: list[tuple[int, TransactionInput, list]], learnt: dict) -> int:
        """Write the rows; the number created."""
        program, inputs = self.program, [data for _, data, _ in rows]
        merchants = _party_ids(Merchant, program, [d.merchant for d in inputs], self.parties[Merchant],
                               learnt[Merchant])
        cardholders = _party_ids(Cardholder, program, [d.cardholder for d in inputs], self.parties[Cardholder],
                                 learnt[Cardholder])
        fdids = _known_fdids(program, inputs)
        now = timezone.now()
        known, new = {}, []
        for _, data, values in rows:
            values[FDID] = fdids.get(id(data), data.financial_document_id)
            values[_MERCHANT] = merchants.get(id(data.merchant))
            values[_CARDHOLDER] = cardholders.get(id(data.cardholder))
            values[_CREATED] = now
            if values[FDID] is None:
                new.append(values)
            else:
                known[values[FDID]] = values  # a later line for the same transaction wins
        _allocate(program, new)
        if connection.vendor == "postgresql":
            return imports_pg.write(list(known.values()), new, creating=self.creating)
        return _write_orm(program, list(known.values()), new)


def _describe(exc: ValidationFailed) -> str:
    return "; ".join(f"{e.field}: {e.message}" if e.field else e.message for e in exc.errors) or exc.message


def _write_orm(program: Program, known: list[list], new: list[list]) -> int:
    existing = Transaction.objects.filter(program=program, financial_document_id__in=[
        values[FDID] for values in known]).count()
    if known:
        Transaction.objects.bulk_create([Transaction(**dict(zip(COLUMNS, values, strict=True))) for values in known],
                                        update_conflicts=True, unique_fields=["program", "financial_document_id"],
                                        update_fields=_DATA_FIELDS)
    Transaction.objects.bulk_create([Transaction(**dict(zip(COLUMNS, values, strict=True))) for values in new])
    return len(known) - existing + len(new)


def _known_fdids(program: Program, rows: list[TransactionInput]) -> dict[int, int | None]:
    """For each row (by identity) without a financial document id: the stored one its external id
    or ARN names, else None."""
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
        if data.financial_document_id is None:
            fdid = by_external.get(data.external_id) if data.external_id else None
            if fdid is None and data.arn:
                fdid = by_arn.get(data.arn)
            found[id(data)] = fdid
    return found


def _allocate(program: Program, new: list[list]) -> None:
    """Fresh random financial document ids (as cases.services.transactions does), none already stored."""
    low, high = _FDID_RANGE
    while new:
        for values in new:
            values[FDID] = secrets.randbelow(high - low) + low
        wanted = {values[FDID] for values in new}
        if len(wanted) == len(new) and not Transaction.objects.filter(
                program=program, financial_document_id__in=wanted).exists():
            return


def _party_ids(model, program: Program, inputs: list[MerchantInput | CardholderInput | None],
               known: dict[str, int], learnt: dict[str, int]) -> dict[int, int]:
    """Map each party input (by identity) to a stored party's id: matched by external id, else recorded.
    `known` holds the ids earlier committed batches found; the ones this batch finds go to `learnt`."""
    found, others = {}, []
    for party in inputs:
        if party is not None:
            if stored := known.get(party.external_id):
                found[id(party)] = stored
            else:
                others.append(party)
    if not others:
        return found
    lookup = {p.external_id for p in others if p.external_id}
    if lookup:
        learnt.update(_stored_parties(model, program, sorted(lookup)))
    missing = {}
    for party in others:
        if party.external_id and party.external_id not in learnt:
            missing.setdefault(party.external_id, party)  # the first line naming a party describes it
    learnt.update(_record_parties(model, program, list(missing.values())))
    anonymous = [(party, model(program=program, **vars(party))) for party in others
                 if not party.external_id and party.name]
    model.objects.bulk_create([obj for _, obj in anonymous])
    found.update({id(p): learnt[p.external_id] for p in others if p.external_id})
    found.update({id(p): obj.pk for p, obj in anonymous})
    return found


def _stored_parties(model, program: Program, external_ids: list[str]) -> list[tuple[str, int]]:
    if connection.vendor == "postgresql":
        return imports_pg.stored_parties(model, program.pk, external_ids)
    return list(model.objects.filter(program=program, external_id__in=external_ids).values_list("external_id", "id"))


def _record_parties(model, program: Program, parties: list[MerchantInput | CardholderInput]) -> list[tuple[str, int]]:
    """Record parties that have an external id; (external id, id) of each."""
    if not parties:
        return []
    if connection.vendor == "postgresql":
        return imports_pg.record_parties(model, program.pk, parties)
    stored = model.objects.bulk_create([model(program=program, **vars(party)) for party in parties])
    return [(obj.external_id, obj.pk) for obj in stored]
