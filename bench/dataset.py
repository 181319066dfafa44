"""The bench database's contents: the generated data set at the requested scale, and the fixtures
each phase needs (programs, API keys, a back-office login, pre-loaded transactions)."""

import time

from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.test import Client

from bench import env
from bench.floor import CREATE_TABLE
from bench.generate import FDID_BASE, generate, program_ids
from bench.lifelike import arn_for
from cases.models import ApiKey, Program, Transaction

MARKER = "bench_dataset"
INTAKE_PROGRAM = "bench_intake"
IMPORT_PROGRAM = "bench_import"


def prepare_schema() -> None:
    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER} (scale integer NOT NULL, cases bigint NOT NULL, "
                       "seconds real NOT NULL, created timestamptz NOT NULL DEFAULT now())")


def loaded_scale() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT scale FROM {MARKER} ORDER BY created DESC LIMIT 1")
        row = cursor.fetchone()
    return row[0] if row else None


def ensure_dataset(scale: int, *, regenerate: bool = False) -> dict:
    """Generate the data set unless the bench database already holds it at this scale."""
    current = loaded_scale()
    if current == scale and not regenerate:
        env.log(f"bench database already holds the data set at scale {scale}: generation skipped")
        return {"generated": False, "scale": scale}
    if current is not None or _has_cases():
        env.log(f"bench database holds scale {current}; recreating it for scale {scale}")
        connection.close()
        env.drop_database()
        env.ensure_database()
        prepare_schema()
    env.log(f"generating {scale} cases over {len(program_ids())} programs")
    started = time.monotonic()
    counts = generate(scale, progress=_every_tenth(scale))
    load_seconds = time.monotonic() - started
    env.log(f"loaded {counts} in {load_seconds:.0f} s; VACUUM ANALYZE")
    vacuum_analyze()
    seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {MARKER} (scale, cases, seconds) VALUES (%s, %s, %s)",
                       [scale, counts["cases"], seconds])
    return {"generated": True, "scale": scale, "counts": counts, "load_seconds": round(load_seconds, 1),
            "seconds": round(seconds, 1)}


def _has_cases() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM cases_case)")
        return cursor.fetchone()[0]


def _every_tenth(scale: int):
    step = max(1, scale // 10)
    state = {"next": step, "started": time.monotonic()}

    def progress(done: int) -> None:
        if done >= state["next"]:
            env.log(f"  {done} cases ({time.monotonic() - state['started']:.0f} s)")
            state["next"] += step

    return progress


def vacuum_analyze() -> None:
    """Fresh statistics and visibility maps (index-only scans), as autovacuum would leave them."""
    with env.connect(autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")


def api_key(program_id: str, scopes=("read", "write", "manage")) -> str:
    program, _ = Program.objects.get_or_create(program_id=program_id, defaults={"name": program_id})
    _, raw = ApiKey.objects.create_key(name="bench", program=program, scopes=list(scopes))
    return raw


def session_cookie(username: str = "bench_supervisor") -> str:
    """A logged-in back-office session (a supervisor: sees every program)."""
    user, _ = User.objects.get_or_create(username=username, defaults={"email": "bench@bench.example"})
    group = Group.objects.filter(name="supervisor").first()
    if group:
        user.groups.add(group)
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def intake_pool(size: int) -> list[str]:
    """Financial document ids of stored transactions without a case (the Mastercard door's input)."""
    program, _ = Program.objects.get_or_create(program_id=INTAKE_PROGRAM, defaults={"name": INTAKE_PROGRAM})
    free = list(Transaction.objects.filter(program=program, cases__isnull=True, status="success")
                .values_list("financial_document_id", flat=True)[:size])
    if len(free) < size:
        _add_intake_transactions(program, size - len(free))
        free = list(Transaction.objects.filter(program=program, cases__isnull=True, status="success")
                    .values_list("financial_document_id", flat=True)[:size])
    return [str(fdid) for fdid in free]


def _add_intake_transactions(program: Program, count: int) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from bench.generate import _Writer

    writer = _Writer(Transaction)
    first = writer.next_id()
    now = timezone.now()
    writer.write([{
        "id": first + i, "program_id": program.pk, "financial_document_id": FDID_BASE + first + i,
        "external_id": f"ti_{first + i}", "arn": arn_for(first + i, 99), "switch_serial_number": "",
        "gateway_order_id": "", "payment_instrument_id": "", "payment_type": "card", "amount": 29900,
        "currency": "USD", "date": now - timedelta(days=5), "system": "dual_message", "status": "success",
        "card_network": "mastercard", "card_last4": f"{i % 10000:04d}", "card_expiry_month": 6, "card_expiry_year": 2028,
        "card_type": "credit", "card_issuer_id": "", "issuer_id": "", "acquirer_bank_code": "", "remitter_bank": "",
        "nodal_account_number": "", "merchant_id": None, "cardholder_id": None, "created": now,
    } for i in range(count)])
    writer.reset_sequence()


def mounted(path: str) -> bool:
    """Whether the app serves `path` (a phase skips a door that is not there)."""
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
        return True
    except Resolver404:
        return False
