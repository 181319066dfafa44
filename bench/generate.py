"""Load the bench data set fast: programs, merchants, cardholders, transactions, cases and events.

Rows come from `bench.lifelike` (what the services would write) and go in with PostgreSQL COPY,
one transaction per chunk; on another database (the SQLite smoke test) with executemany. This
bypasses the services for speed only: the rows are the services' rows.
`python -m bench --only generate --scale N` runs it against the bench database.
"""

import json
import random
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from bench.lifelike import CaseStory, amount_minor, arn_for, cardholder_row, merchant_row
from cases.models import Cardholder, Case, CaseEvent, Merchant, Program, Transaction

PROGRAMS = 20
CHUNK = 20_000
MERCHANTS_PER_PROGRAM = 500
CASES_PER_CARDHOLDER = 3
FDID_BASE = 100_000_000


def program_ids(count: int = PROGRAMS) -> list[str]:
    return [f"bench_{i:02d}" for i in range(1, count + 1)]


class _Writer:
    """Append rows to a model's table: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, model):
        self.model = model
        self.fields = model._meta.concrete_fields
        self.table = connection.ops.quote_name(model._meta.db_table)
        self.columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        self.pg = connection.vendor == "postgresql"
        # Columns a story does not fill (the regulation clocks, the ledger) get their defaults.
        self.defaults = {f.attname: f.get_default() for f in self.fields if f.has_default()}

    def write(self, rows: list[dict]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if self.pg:
                with cursor.cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                    names = [f.attname for f in self.fields]
                    for row in rows:
                        copy.write_row([_pg_value(row.get(name, self.defaults.get(name))) for name in names])
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                cursor.executemany(f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})", [
                    [f.get_db_prep_save(row.get(f.attname, self.defaults.get(f.attname)), connection)
                     for f in self.fields] for row in rows])

    def next_id(self) -> int:
        pk = self.model._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(pk)}), 0) FROM {self.table}")
            return cursor.fetchone()[0] + 1

    def reset_sequence(self) -> None:
        if self.pg:
            pk = self.model._meta.pk.column
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{self.model._meta.db_table}', '{pk}'), "
                               f"(SELECT GREATEST(MAX({pk}), 1) FROM {self.table}))")


def _pg_value(value):
    return json.dumps(value) if isinstance(value, (dict, list)) else value


def _users() -> dict[str, int]:
    ids = {}
    for name in ("analyst", "supervisor"):
        user, _ = User.objects.get_or_create(username=name, defaults={"email": f"{name}@bench.example"})
        ids[f"user:{name}"] = user.pk
    return ids


def generate(scale: int, *, programs: int = PROGRAMS, seed: int = 42, now: datetime | None = None,
             progress: Callable[[int], None] = lambda done: None) -> dict[str, int]:
    """Add `scale` cases spread over `programs` programs. Returns row counts per table."""
    now = now or timezone.now()
    users = _users()
    writers = {m: _Writer(m) for m in (Merchant, Cardholder, Transaction, Case, CaseEvent)}
    ids = {m: w.next_id() for m, w in writers.items()}
    counts = dict.fromkeys(("merchants", "cardholders", "transactions", "cases", "events"), 0)
    per_program = [scale // programs + (1 if i < scale % programs else 0) for i in range(programs)]
    for index, (program_id, planned) in enumerate(zip(program_ids(programs), per_program, strict=True), start=1):
        program, _ = Program.objects.get_or_create(program_id=program_id, defaults={"name": f"Bench {program_id}"})
        rng = random.Random(seed * 1000 + index)
        with transaction.atomic():
            merchants = _parties(writers[Merchant], ids, program, MERCHANTS_PER_PROGRAM,
                                 lambda i, r=rng, p=index: merchant_row(r, p, i))
            holders = _parties(writers[Cardholder], ids, program, max(1, planned // CASES_PER_CARDHOLDER),
                               lambda i, r=rng, p=index: cardholder_row(r, p, i))
        counts["merchants"] += len(merchants)
        counts["cardholders"] += len(holders)
        for start in range(0, planned, CHUNK):
            size = min(CHUNK, planned - start)
            with transaction.atomic():
                made = _chunk(writers, ids, rng, program, index, size, merchants, holders, users, now)
            for key, value in made.items():
                counts[key] += value
            progress(counts["cases"])
    for writer in writers.values():
        writer.reset_sequence()
    return counts


def _parties(writer: _Writer, ids: dict, program: Program, count: int, make) -> list[int]:
    first = ids[writer.model]
    rows = [{"id": first + i, "program_id": program.pk, **make(i)} for i in range(count)]
    writer.write(rows)
    ids[writer.model] = first + count
    return [row["id"] for row in rows]


def _chunk(writers, ids, rng, program, index, size, merchants, holders, users, now) -> dict[str, int]:
    txns, cases, events = [], [], []
    api_actor = f"api_key:bench{index:02d}"
    for _ in range(size):
        txn_id, number = ids[Transaction], ids[Case]
        ids[Transaction] += 1
        ids[Case] += 1
        amount = amount_minor(rng)
        story = CaseStory.build(rng, now=now, currency=program.default_currency, amount=amount, api_actor=api_actor,
                                internal_due_days=program.default_internal_due_days)
        fields = story.fields
        network = fields["network"]
        txns.append({
            "id": txn_id, "program_id": program.pk, "financial_document_id": FDID_BASE + txn_id,
            "external_id": f"t{index:02d}_{txn_id}", "arn": arn_for(txn_id, index),
            "switch_serial_number": f"{rng.randrange(10**9):09d}" if network == "mastercard" else "",
            "gateway_order_id": f"ord_{txn_id}" if rng.random() < 0.5 else "", "payment_instrument_id": "",
            "payment_type": "card", "amount": amount, "currency": program.default_currency,
            "date": fields.pop("txn_date"), "system": "dual_message" if rng.random() < 0.8 else "single_message",
            "status": story.transaction_status, "card_network": network, "card_last4": f"{rng.randrange(10000):04d}",
            "card_expiry_month": rng.randint(1, 12), "card_expiry_year": rng.randint(2026, 2031),
            "card_type": "credit" if rng.random() < 0.6 else "debit", "card_issuer_id": "", "issuer_id": "",
            "acquirer_bank_code": "", "remitter_bank": "", "nodal_account_number": "",
            "merchant_id": rng.choice(merchants), "cardholder_id": rng.choice(holders),
            "created": fields["created"] - timedelta(seconds=1),
        })
        cases.append({"number": number, "program_id": program.pk, "claim_id": None, "transaction_id": txn_id,
                      **fields})
        for event in story.events:
            events.append({
                "id": ids[CaseEvent], "case_id": number, "kind": event.kind, "transition": event.transition,
                "from_status": event.from_status, "to_status": event.to_status, "changes": event.changes,
                "note": event.note, "actor": event.actor, "actor_user_id": users.get(event.actor),
                "actor_api_key_id": None, "request_id": "" if event.actor == "system" else secrets.token_hex(16),
                "created": event.created,
            })
            ids[CaseEvent] += 1
    writers[Transaction].write(txns)
    writers[Case].write(cases)
    writers[CaseEvent].write(events)
    return {"transactions": len(txns), "cases": len(cases), "events": len(events)}
