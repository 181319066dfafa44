"""The batch commands at scale: import_transactions, expire_overdue (the sweep), export_cases.

Targets: import >= 20,000 rows/s; the sweep moves 100,000 overdue cases among 1M in <= 20 s,
events included; export_cases streams 1M rows in bounded memory (peak RSS reported).
"""

import json
import os
import random
import subprocess
import sys
import time
import uuid

from django.db import connection

from bench import dataset, env
from bench.report import Report
from cases import lifecycle
from cases.choices import RESPONSE_STATUSES, CaseStatus
from cases.models import Program
from cases.services import cases_expire_overdue

IMPORT_TARGET = 20_000
SWEEP_TARGET_S = 20.0
SWEEP_BATCH = 10_000


def _run_command(server_env: dict, *args: str) -> tuple[float, float, int, str]:
    """Run `manage.py ...`: (wall seconds, peak RSS in MB, exit status, stdout's last line)."""
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, str(env.ROOT / "manage.py"), *args], env=server_env, cwd=env.ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - started
    lines = out.decode(errors="replace").strip().splitlines()
    return seconds, usage.ru_maxrss / 1024, process.returncode, lines[-1] if lines else ""


def _import_file(rows: int) -> str:
    path = env.DATA_DIR / f"import-{rows}.jsonl"
    if path.exists():
        return str(path)
    rng = random.Random(5)
    env.DATA_DIR.mkdir(exist_ok=True)
    with open(path, "w") as out:
        for n in range(rows):
            out.write(json.dumps({
                "financial_document_id": 900_000_000 + n, "external_id": f"imp_{n}", "arn": f"8{n:022d}",
                "date": f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:15:00Z",
                "amount": rng.randint(100, 500_000), "currency": "USD", "system": "dual_message", "status": "success",
                "gateway_order_id": f"ord_{n}", "payment_type": "card",
                "card": {"network": rng.choice(["visa", "mastercard"]), "last4": f"{rng.randrange(10000):04d}",
                         "expiry_month": rng.randint(1, 12), "expiry_year": 2029, "type": "credit"},
                "merchant": {"issuer_id": f"im_{n % 2000}", "name": f"Merchant {n % 2000}", "category_code": "5812"},
                "cardholder": {"issuer_id": f"ic_{n % 50000}", "name": "Susie Chargeback", "type": "individual",
                               "email": f"holder{n % 50000}@example.com",
                               "billing_address": {"city": "Austin", "state": "TX", "country": "US"}},
            }) + "\n")
    return str(path)


def run_import(report: Report, server_env: dict, *, rows: int) -> None:
    path = _import_file(rows)
    program, _ = Program.objects.get_or_create(program_id=dataset.IMPORT_PROGRAM,
                                               defaults={"name": dataset.IMPORT_PROGRAM})
    with connection.cursor() as cursor:
        for table in ("cases_transaction", "cases_merchant", "cases_cardholder"):
            cursor.execute(f"DELETE FROM {table} WHERE program_id = %s", [program.pk])
    connection.close()
    results = {}
    for label in ("insert", "upsert"):
        seconds, rss, status, last = _run_command(server_env, "import_transactions", path, "--program",
                                                  dataset.IMPORT_PROGRAM)
        rate = rows / seconds
        results[label] = {"seconds": round(seconds, 2), "rows_per_s": round(rate), "peak_rss_mb": round(rss),
                          "exit": status, "summary": last}
        report.add("import", f"import_transactions {rows:,} rows ({label})",
                   f"{rate:,.0f} rows/s ({seconds:.1f} s wall, peak RSS {rss:.0f} MB)", ">= 20,000 rows/s",
                   status == 0 and rate >= IMPORT_TARGET, last)
    report.details["import"] = results


def _overdue_sql(today) -> tuple[str, list]:
    response = [s.value for s in RESPONSE_STATUSES]
    return ("(status = 'created' AND chargeback_due_date < %s) OR "
            "(status = ANY(%s) AND response_due_date < %s)", [today, response, today])


def run_sweep(report: Report, *, overdue: int, batch_size: int = SWEEP_BATCH) -> None:
    """Make `overdue` cases overdue, time the sweep, then put every case back as it was."""
    today = lifecycle.today()
    where, params = _overdue_sql(today)
    tag = f"bench-sweep-{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_sweep_saved")
        cursor.execute("CREATE TABLE bench_sweep_saved AS SELECT number, status, chargeback_due_date, "
                       f"response_due_date, next_deadline, version, updated FROM cases_case WHERE {where}", params)
        cursor.execute("SELECT count(*) FROM bench_sweep_saved")
        natural = cursor.fetchone()[0]
        extra = max(0, overdue - natural)
        # More overdue cases: open ones whose deadline is pushed into the past.
        cursor.execute("INSERT INTO bench_sweep_saved SELECT number, status, chargeback_due_date, response_due_date, "
                       "next_deadline, version, updated FROM cases_case WHERE status = ANY(%s) "
                       "AND number NOT IN (SELECT number FROM bench_sweep_saved) ORDER BY number LIMIT %s",
                       [[CaseStatus.CREATED.value, *params[1]], extra])
        cursor.execute("UPDATE cases_case c SET chargeback_due_date = %s - (c.number %% 20 + 1)::int, "
                       "next_deadline = LEAST(%s - (c.number %% 20 + 1)::int, c.internal_due_date) "
                       "FROM bench_sweep_saved s WHERE s.number = c.number AND c.status = 'created' "
                       "AND NOT (c.chargeback_due_date < %s)", [today, today, today])
        cursor.execute("UPDATE cases_case c SET response_due_date = %s - (c.number %% 20 + 1)::int, "
                       "next_deadline = %s - (c.number %% 20 + 1)::int FROM bench_sweep_saved s "
                       "WHERE s.number = c.number AND c.status <> 'created' AND NOT (c.response_due_date < %s)",
                       [today, today, today])
        cursor.execute(f"SELECT count(*) FROM cases_case WHERE {where}", params)
        prepared = cursor.fetchone()[0]
    with env.connect(autocommit=True) as conn:
        conn.execute("ANALYZE cases_case")
    env.log(f"sweep: {prepared} overdue cases ({natural} already overdue); running cases_expire_overdue")
    started = time.monotonic()
    counts = cases_expire_overdue(batch_size=batch_size, request_id=tag)
    seconds = time.monotonic() - started
    moved = sum(counts.values())
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_caseevent WHERE request_id = %s", [tag])
        events = cursor.fetchone()[0]
        cursor.execute("UPDATE cases_case c SET status = s.status, chargeback_due_date = s.chargeback_due_date, "
                       "response_due_date = s.response_due_date, next_deadline = s.next_deadline, version = s.version, "
                       "updated = s.updated FROM bench_sweep_saved s WHERE s.number = c.number")
        # Bench-only restore: the sweep's events go with the moves they recorded.
        cursor.execute("DELETE FROM cases_caseevent WHERE request_id = %s", [tag])
        cursor.execute("DROP TABLE bench_sweep_saved")
    dataset.vacuum_analyze()
    ok = moved == prepared and events == moved and seconds <= SWEEP_TARGET_S
    report.add("sweep", f"expire_overdue: {moved:,} overdue cases (+{events:,} events)",
               f"{seconds:.1f} s ({moved / seconds:,.0f} cases/s, batch {batch_size})", "<= 20 s, events included",
               ok, f"expired {counts.get('expire', 0):,}, accepted {counts.get('accept', 0):,}; restored afterwards")
    report.details["sweep"] = {"overdue": prepared, "moved": moved, "events": events, "seconds": round(seconds, 2),
                               "batch_size": batch_size, "counts": counts}


def run_export(report: Report, server_env: dict, *, scale: int) -> None:
    """Export everything, and one program alone: peak RSS must not grow with the row count."""
    connection.close()
    out_all, out_one = env.DATA_DIR / "export-all.csv", env.DATA_DIR / "export-one.csv"
    seconds, rss, status, _ = _run_command(server_env, "export_cases", "--output", str(out_all))
    small_s, small_rss, _, _ = _run_command(server_env, "export_cases", "--program", "bench_01",
                                            "--output", str(out_one))
    rows = sum(1 for _ in out_all.open()) - 1
    small_rows = sum(1 for _ in out_one.open()) - 1
    bounded = rss - small_rss < 40
    report.add("export", f"export_cases {rows:,} rows", f"{seconds:.1f} s ({rows / seconds:,.0f} rows/s), peak RSS "
               f"{rss:.0f} MB vs {small_rss:.0f} MB for {small_rows:,} rows", "bounded memory (peak RSS flat)",
               status == 0 and bounded and rows >= scale)
    report.details["export"] = {"rows": rows, "seconds": round(seconds, 2), "peak_rss_mb": round(rss),
                                "small_rows": small_rows, "small_peak_rss_mb": round(small_rss),
                                "small_seconds": round(small_s, 2)}
    out_all.unlink()
    out_one.unlink()
