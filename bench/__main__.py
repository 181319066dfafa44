"""`python -m bench`: the load and scale benchmark (`make bench`). See docs/performance.md.

    python -m bench                                   # everything at 1,000,000 cases
    python -m bench --only intake,queue --scale 100000 --runs 3 --duration 10
"""

import argparse
import os
import sys

from bench import env

PHASES = ("generate", "intake", "queue", "casepage", "memory", "import", "sweep", "export", "webhooks", "regulation",
          "team", "demo", "networks")
HTTP_PHASES = ("intake", "queue", "casepage", "memory")
NEEDS_DATA = ("generate", "queue", "casepage", "memory", "sweep", "export", "regulation", "team")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(PHASES), help=f"comma-separated phases of: {', '.join(PHASES)}")
    parser.add_argument("--scale", type=int, default=1_000_000, help="cases in the data set (default 1,000,000)")
    parser.add_argument("--regenerate", action="store_true", help="regenerate the data set even at the same scale")
    parser.add_argument("--runs", type=int, default=3, help="runs per intake measurement; the median is reported")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per load run (each bounded in time)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients for intake")
    parser.add_argument("--read-clients", type=int, default=2, help="concurrent clients for the read phases")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (> 1: the gthread worker)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--import-rows", type=int, default=200_000, help="rows in the import_transactions file")
    parser.add_argument("--overdue", type=int, default=0, help="overdue cases for the sweep (default: scale / 10)")
    parser.add_argument("--sweep-batch", type=int, default=10_000, help="expire_overdue batch size")
    parser.add_argument("--take-rounds", type=int, default=25,
                        help="rounds of twenty analysts pressing Take next at once (team phase)")
    parser.add_argument("--webhook-deliveries", type=int, default=100_000, help="due deliveries the webhooks phase drains")
    parser.add_argument("--network-cases", type=int, default=10_000,
                        help="cases filed at once in the networks phase (0: skip that measurement)")
    parser.add_argument("--network-items", type=int, default=10_000,
                        help="queue items the networks phase polls (0: skip that measurement)")
    parser.add_argument("--networks", default="mastercard,visa", help="networks the networks phase measures")
    parser.add_argument("--simulator-workers", type=int, default=2, help="network simulator processes")
    parser.add_argument("--simulator-db", choices=("sqlite", "postgres"), default="sqlite",
                        help="the simulator's database: SQLite in WAL mode, or a PostgreSQL database of its own")
    parser.add_argument("--filers", type=int, default=1,
                        help="threads filing the networks phase's cases (concurrent requests would)")
    parser.add_argument("--network-concurrency", type=int, default=2,
                        help="Celery worker processes (prefork) in the networks phase")
    args = parser.parse_args(argv)
    args.phases = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = [p for p in args.phases if p not in PHASES]
    if unknown:
        parser.error(f"unknown phases {unknown}; choose from {', '.join(PHASES)}")
    return args


def setup_django(server_env: dict[str, str]) -> None:
    # The orchestrator's own requests (test client probes) need no request log; gunicorn keeps its.
    os.environ.update(server_env, LOG_LEVEL="WARNING")
    import django

    django.setup()


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    env.ensure_postgres()
    env.ensure_database()
    server_env = env.server_environment()
    setup_django(server_env)

    from bench import casepage, commands, dataset, intake, memory, queue
    from bench.report import Report, cpu_reference
    from bench.server import Server, ServerConfig

    report = Report()
    report.cpu_reference_s = cpu_reference()
    dataset.prepare_schema()
    if any(p in NEEDS_DATA for p in args.phases):
        report.details["dataset"] = dataset.ensure_dataset(args.scale, regenerate=args.regenerate)
        if report.details["dataset"].get("generated"):
            d = report.details["dataset"]
            report.add("generate", f"{args.scale:,} cases", f"{d['seconds']:.0f} s ({d['counts']['events']:,} events)",
                       note="COPY, then VACUUM ANALYZE")
    config = ServerConfig(workers=args.workers, threads=args.threads, port=args.port)
    if any(p in HTTP_PHASES for p in args.phases):
        from django.db import connection

        connection.close()
        with Server(config, server_env) as server:
            if "intake" in args.phases:
                env.log("phase intake")
                intake.run(report, port=config.port, runs=args.runs, duration=args.duration, clients=args.clients)
            if "queue" in args.phases:
                env.log("phase queue")
                queue.run(report, port=config.port, duration=args.duration, clients=args.read_clients)
            if "casepage" in args.phases:
                env.log("phase casepage")
                casepage.run(report, port=config.port, duration=args.duration, clients=args.read_clients)
            if "memory" in args.phases:
                env.log("phase memory")
                memory.run(report, server, clients=args.read_clients)
    if "import" in args.phases:
        env.log("phase import")
        commands.run_import(report, server_env, rows=args.import_rows)
    if "sweep" in args.phases:
        env.log("phase sweep")
        commands.run_sweep(report, overdue=args.overdue or max(1, args.scale // 10), batch_size=args.sweep_batch)
    if "export" in args.phases:
        env.log("phase export")
        commands.run_export(report, server_env, scale=args.scale)
    if "webhooks" in args.phases:
        env.log("phase webhooks")
        from bench import webhooks

        webhooks.run(report, server_env, deliveries=args.webhook_deliveries, runs=args.runs, duration=args.duration,
                     clients=args.clients, port=args.port)
    if "regulation" in args.phases:
        from bench import regulation

        env.log("phase regulation")
        regulation.run(report)
    if "team" in args.phases:
        from bench import team

        env.log("phase team")
        team.run(report, rounds=args.take_rounds)
    if "demo" in args.phases:
        from bench import demo

        env.log("phase demo")
        demo.run(report)
    if "networks" in args.phases:
        from bench import networks

        env.log("phase networks")
        networks.run(report, server_env, cases=args.network_cases, items=args.network_items,
                     networks=tuple(n.strip() for n in args.networks.split(",") if n.strip()),
                     simulator_workers=args.simulator_workers, concurrency=args.network_concurrency,
                     simulator_db=args.simulator_db, filers=args.filers)
    print()
    print(f"Disputes bench: scale {args.scale:,} cases; gunicorn {config.label}; {os.cpu_count()} CPUs; "
          f"median of {args.runs} runs for intake; CPU reference {report.cpu_reference_s} s "
          "(ten million Python additions, taken at the start)")
    report.print_table()
    report.write({k: v for k, v in vars(args).items() if k != "only"} | {"server": config.label})
    env.log("results written to bench/results.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
