"""The regulation phase: the scheduled clock update over the whole book, and the queue filtered by
regulation status (SPEC section 13).

Setup (not timed): the generated book gets clocks the way the services would have left them
yesterday: half of the open cases (a quarter of the book is open) come under Reg E or Reg Z, with
at-risk and breach days spread over two months around today, and statuses as of yesterday. The
update then runs for today: it must move exactly the cases whose day has come, in <= 30 s, and
write no other row (PostgreSQL's own count of updated tuples on the case table is compared with
the number of cases that moved).
"""

import time
from datetime import timedelta

from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import env
from bench.report import Report
from cases.actors import Actor
from cases.choices import ACTIVE_STATUSES
from cases.filtersets import CaseFilterSet
from cases.models import Case
from cases.selectors import case_queryset
from cases.services.regulation_sweep import regulation_update_statuses

UPDATE_TARGET_S = 30.0
QUEUE_TARGET_MS = 25.0
SPREAD_DAYS = 61  # at-risk days fall within a month either side of today

_SETUP_SQL = """
UPDATE {case} SET
    regulation_rule = CASE WHEN number %% 4 = 0 THEN 'reg_e' ELSE 'reg_z' END,
    notice_received_at = created,
    regulation_at_risk_on = %(today)s + ((number / 2) %% {spread} - {half}) * INTERVAL '1 day',
    regulation_breached_on = %(today)s + ((number / 2) %% {spread} - {half} + 3) * INTERVAL '1 day',
    regulation_next_due = %(today)s + ((number / 2) %% {spread} - {half} + 2) * INTERVAL '1 day',
    regulation_status = CASE
        WHEN %(today)s + ((number / 2) %% {spread} - {half} + 3) * INTERVAL '1 day' <= %(yesterday)s THEN 'breached'
        WHEN %(today)s + ((number / 2) %% {spread} - {half}) * INTERVAL '1 day' <= %(yesterday)s THEN 'at_risk'
        ELSE 'on_track' END
WHERE status = ANY(%(open)s) AND number %% 2 = 0
"""


def _updated_tuples() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = %s", [Case._meta.db_table])
        return cursor.fetchone()[0]


def _setup(today) -> dict:
    table = Case._meta.db_table
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET regulation_status = 'not_applicable', regulation_rule = '' "  # noqa: S608
                       "WHERE regulation_rule <> ''")
        cursor.execute(_SETUP_SQL.format(case=table, spread=SPREAD_DAYS, half=SPREAD_DAYS // 2), {
            "today": today, "yesterday": today - timedelta(days=1), "open": [s.value for s in ACTIVE_STATUSES]})
        cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute(f"SELECT regulation_status, count(*) FROM {table} GROUP BY 1")  # noqa: S608
        counts = dict(cursor.fetchall())
    return {"seconds": round(time.monotonic() - started, 1), "by_status": counts}


def _queue_p95(actor: Actor, query: str, repeat: int = 60) -> tuple[float, int, int]:
    timings, queries, rows = [], set(), 0
    for _ in range(repeat):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            rows = len(list(CaseFilterSet(QueryDict(query), queryset=case_queryset(actor)).qs[:26]))
        timings.append((time.perf_counter() - started) * 1000)
        queries.add(len(captured))
    timings.sort()
    return timings[int(0.95 * (len(timings) - 1))], max(queries), rows


def run(report: Report) -> None:
    now = timezone.now()
    today = now.astimezone(timezone.get_default_timezone()).date()
    details = report.details.setdefault("regulation", {})
    connection.ensure_connection()
    connection.connection.autocommit = True
    setup = _setup(today)
    details["setup"] = setup
    regulated = sum(n for s, n in setup["by_status"].items() if s != "not_applicable")
    total = sum(setup["by_status"].values())
    env.log(f"regulation: {regulated:,} regulated cases of {total:,}; statuses {setup['by_status']}")
    before = _updated_tuples()
    started = time.monotonic()
    moved = regulation_update_statuses(now)
    seconds = time.monotonic() - started
    touched = _updated_tuples() - before
    changed = sum(moved.values())
    details["update"] = {"seconds": round(seconds, 2), "moved": moved, "tuples_updated": touched}
    report.add("regulation", f"scheduled clock update over {total:,} cases ({regulated:,} under a rule)",
               f"{seconds:.1f} s, moved {moved}, rows written {touched:,}",
               f"<= {UPDATE_TARGET_S:.0f} s, writes only the {changed:,} that change",
               seconds <= UPDATE_TARGET_S and touched == changed)
    again = time.monotonic()
    second = regulation_update_statuses(now)
    report.add("regulation", "the same update run again", f"{time.monotonic() - again:.2f} s, moved {second}",
               "moves nothing", not any(second.values()))
    supervisor = Actor.for_system()
    # The queue's usual view, timed in the same run: the machine's own pace for comparison.
    p95, queries, _ = _queue_p95(supervisor, "status=open")
    details["queue status=open (baseline)"] = {"p95_ms": round(p95, 2), "queries": queries}
    report.add("regulation queue ORM", "status=open (baseline, same run)", f"p95 {p95:.1f} ms, {queries} queries",
               note="in-process; the queue view already measured by phase queue")
    for label, query in (("regulation_status=at_risk", "regulation_status=at_risk"),
                         ("status=open&regulation_status=at_risk", "status=open&regulation_status=at_risk"),
                         ("regulation_status=breached&regulation_rule=reg_e",
                          "regulation_status=breached&regulation_rule=reg_e")):
        p95, queries, rows = _queue_p95(supervisor, query)
        details[f"queue {label}"] = {"p95_ms": round(p95, 2), "queries": queries, "rows": rows}
        report.add("regulation queue ORM", f"{label} (all programs, first page)", f"p95 {p95:.1f} ms, {queries} queries",
                   f"p95 <= {QUEUE_TARGET_MS:.0f} ms", p95 <= QUEUE_TARGET_MS and rows > 0, "in-process")
