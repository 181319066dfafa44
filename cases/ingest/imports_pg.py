"""The import's writes on PostgreSQL (cases.ingest.imports): COPY, one INSERT ... ON CONFLICT per
batch, parties inserted from arrays. The statements are built once from the model's metadata; row
values only ever travel as COPY data or as bound parameters.
"""

from contextlib import contextmanager
from dataclasses import fields

import psycopg
from django.db import IntegrityError, connection, transaction

from cases.inputs import TransactionInput
from cases.models import Transaction

# The layout of a table row (cases.ingest.imports builds them): program, financial document id,
# the input's own fields, the parties, the creation time.
_INPUT_FIELDS = [f.name for f in fields(TransactionInput) if f.name not in ("merchant", "cardholder",
                                                                            "financial_document_id")]
COLUMNS = ["program_id", "financial_document_id", *_INPUT_FIELDS, "merchant_id", "cardholder_id", "created"]
FDID = 1

_TABLE = Transaction._meta.db_table
_COLUMN_LIST = ", ".join(f'"{c}"' for c in COLUMNS)
_BINARY_TYPES = {"program_id": "int8", "financial_document_id": "int8", "amount": "int8", "date": "timestamptz",
                 "card_expiry_month": "int2", "card_expiry_year": "int2", "merchant_id": "int8",
                 "cardholder_id": "int8", "created": "timestamptz"}
_COPY_TYPES = [_BINARY_TYPES.get(c, "text") for c in COLUMNS]
_CHANGING = [c for c in COLUMNS if c not in ("program_id", "financial_document_id", "created")]
_UPDATES = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in _CHANGING)
_DIFFERS = "({}) IS DISTINCT FROM ({})".format(", ".join(f't."{c}"' for c in _CHANGING),
                                                ", ".join(f'EXCLUDED."{c}"' for c in _CHANGING))

_COPY_INTO_TABLE = f'COPY "{_TABLE}" ({_COLUMN_LIST}) FROM STDIN (FORMAT BINARY)'
_CREATE_BATCH = ("CREATE TEMPORARY TABLE IF NOT EXISTS import_transactions_batch ON COMMIT DELETE ROWS AS "  # noqa: S608
                 f'SELECT {_COLUMN_LIST} FROM "{_TABLE}" WITH NO DATA')
_COPY_INTO_BATCH = f"COPY import_transactions_batch ({_COLUMN_LIST}) FROM STDIN (FORMAT BINARY)"
# A stored row that is already as the file says is left alone (no new row version, no index
# entries): re-importing a file rewrites nothing. RETURNING lists the rows written, inserts included.
_UPSERT = (f'INSERT INTO "{_TABLE}" AS t ({_COLUMN_LIST}) SELECT {_COLUMN_LIST} '  # noqa: S608
           "FROM import_transactions_batch ORDER BY financial_document_id "
           f'ON CONFLICT ("program_id", "financial_document_id") DO UPDATE SET {_UPDATES} WHERE {_DIFFERS} '
           "RETURNING xmax = 0")


def write(known: list[list], new: list[list], *, creating: bool) -> int:
    """Write a batch's rows, inside the caller's transaction; the number created.

    `known` rows carry a financial document id from the file or a stored match; `new` ones a fresh
    id. The known rows are written with one INSERT ... ON CONFLICT DO UPDATE from a temporary table
    (exact created/updated counts), the new ones COPYed straight into the table (a clash there is an
    error). When the import has only been creating (`creating`), the whole batch is first COPYed
    straight into the table, under a savepoint: for new rows a plain COPY costs the server less than
    the temporary table and the upsert (docs/performance.md, import_transactions). A row already
    stored makes it fail, and the batch is then written the first way."""
    if creating and known:
        try:
            with transaction.atomic():
                _copy(_COPY_INTO_TABLE, sorted(known + new, key=_fdid))
            return len(known) + len(new)
        except IntegrityError:
            pass
    inserted = 0
    if known:
        with connection.cursor() as cursor, connection.wrap_database_errors:
            cursor.execute(_CREATE_BATCH)
            _copy(_COPY_INTO_BATCH, known)
            cursor.execute(_UPSERT)
            inserted = sum(1 for (was_inserted,) in cursor.fetchall() if was_inserted)
    _copy(_COPY_INTO_TABLE, sorted(new, key=_fdid))
    return inserted + len(new)


# How long a batch written alongside others waits for a lock before it gives up (WriteConflict): a
# wait means that it meets another batch or transaction, and the batch is then written again alone.
_WAIT = "2s"


def refuse_waits() -> None:
    """Inside a transaction: give up (lock_not_available) instead of waiting long for another's lock."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{_WAIT}'")


def is_wait_refused(exc: BaseException) -> bool:
    """Whether a Django OperationalError is a wait given up (lock_timeout) or a deadlock."""
    cause = exc.__cause__
    return isinstance(cause, psycopg.errors.LockNotAvailable | psycopg.errors.DeadlockDetected)


def _fdid(values: list) -> int:
    return values[FDID]


def _copy(statement: str, rows: list[list]) -> None:
    if not rows:
        return
    with _bound_cursor() as cursor, cursor.copy(statement) as copy:
        copy.set_types(_COPY_TYPES)
        for values in rows:
            copy.write_row(values)


def stored_parties(model, program_id: int, external_ids: list[str]) -> list[tuple[str, int]]:
    """(external id, id) of the program's stored parties among `external_ids`."""
    with _bound_cursor() as cursor:
        # `external_id <> ''` is the unique index's condition: named, it lets the index serve the lookup.
        return cursor.execute(f'SELECT external_id, id FROM "{model._meta.db_table}" '  # noqa: S608
                              "WHERE program_id = %s AND external_id = ANY(%b) AND external_id <> ''",
                              [program_id, external_ids]).fetchall()


def record_parties(model, program_id: int, parties: list) -> list[tuple[str, int]]:
    """Insert parties (MerchantInput or CardholderInput, each with an external id) with one INSERT from
    arrays, one per column; (external id, id) of each."""
    names = [f.name for f in fields(parties[0])]
    model_fields = [model._meta.get_field(name) for name in names]
    columns = ", ".join(f'"{field.column}"' for field in model_fields)
    arrays = ", ".join(["%b::text[]"] * len(names))
    # The arrays travel as text; each value is cast to its column's type (dates, day numbers).
    casts = ", ".join(f"u.c{i}::{field.db_type(connection)}" for i, field in enumerate(model_fields))
    aliases = ", ".join(f"c{i}" for i in range(len(names)))
    with _bound_cursor() as cursor:
        return cursor.execute(f'INSERT INTO "{model._meta.db_table}" ("program_id", {columns}) '  # noqa: S608
                              f"SELECT %s, {casts} FROM unnest({arrays}) AS u({aliases}) "
                              "RETURNING external_id, id",
                              [program_id, *([getattr(p, name) for p in parties] for name in names)]).fetchall()


@contextmanager
def _bound_cursor():
    """A cursor on Django's connection that sends parameters apart from the statement (server-side
    binding): arrays of thousands of values travel as data (in binary where the SQL says %b), not
    quoted into the SQL text. Errors come out as Django's (IntegrityError for a unique or
    foreign-key violation)."""
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        yield cursor
