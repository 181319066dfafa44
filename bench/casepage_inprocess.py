"""The back-office case page timed in-process: no server, no load generator, only the page's own work.

    BENCH_DB=disputes_mine .venv/bin/python -m bench.casepage_inprocess --requests 300
    BENCH_DB=disputes_mine .venv/bin/python -m bench.casepage_inprocess --profile 100
    BENCH_DB=disputes_mine .venv/bin/python -m bench.casepage_inprocess --path "/cases/?status=open"

The bench's case (bench.casepage.ensure_case: 50 events, 10 files) is requested through
django.test.Client with a supervisor's session, in the bench's production settings (DEBUG off,
PostgreSQL, persistent connection). Prints the mean and p95 wall time, the process CPU time per
request and the query count; `--profile N` adds the functions that took the most time over N more
requests. `--path` times another back-office page the same way (the queue, the dashboard). The
database is migrated and the case made when missing (as the bench's phase does).
"""

import argparse
import cProfile
import pstats
import statistics
import sys
import time

from bench import env


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.casepage_inprocess", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300, help="timed requests (after 20 to warm up)")
    parser.add_argument("--profile", type=int, default=0, help="then profile this many more requests")
    parser.add_argument("--path", default="", help="the page to time (default: the bench's case page)")
    args = parser.parse_args(argv)
    env.ensure_postgres()
    env.ensure_database()
    from bench.__main__ import setup_django

    setup_django(env.server_environment())

    from django.db import connection
    from django.test import Client

    from bench import casepage, dataset
    from cases.models import Program

    dataset.prepare_schema()
    Program.objects.get_or_create(program_id="bench_01", defaults={"name": "bench_01"})
    case = casepage.ensure_case()
    client = Client(HTTP_COOKIE=dataset.session_cookie())
    path = args.path or f"/cases/{case.number}/"
    for _ in range(20):
        assert client.get(path).status_code == 200
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *rest: (queries.append(sql), execute(sql, *rest))[1]):
        client.get(path)
    wall = []
    cpu_started = time.process_time()
    for _ in range(args.requests):
        started = time.perf_counter()
        client.get(path)
        wall.append((time.perf_counter() - started) * 1000)
    cpu_ms = (time.process_time() - cpu_started) * 1000 / args.requests
    wall.sort()
    p95 = wall[min(len(wall) - 1, round(0.95 * (len(wall) - 1)))]
    print(f"{path} in-process, {args.requests} requests: mean {statistics.fmean(wall):.1f} ms, p95 {p95:.1f} ms, "
          f"CPU {cpu_ms:.1f} ms a request, {len(queries)} queries")
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.profile):
            client.get(path)
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
