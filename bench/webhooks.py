"""Webhooks: the outbox drained by real workers over RabbitMQ to a local receiver (SPEC 10, 11).

Targets (docs/performance.md):
- a backlog of 100,000 due deliveries drains at >= 500 deliveries/s with the default worker
  settings (`celery worker`: prefork, one process per CPU; each task sends its batch of 50 on
  WEBHOOK_SEND_THREADS=32 threads);
- worker RSS flat over the drain, every process < 200 MB;
- under the `intake` load (native API creates), p95 from commit to delivery <= 2 s;
- intake throughput with an endpoint subscribed >= 90% of intake without one, same run.

Processes: gunicorn, one Celery worker, beat and the receiver (bench/receiver.py), all on
loopback, on a RabbitMQ queue of this run's own, stopped at the end.
"""

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import replace

from django.db import connection

from bench import dataset, intake
from bench.env import DATA_DIR, ROOT, log
from bench.load import run_load
from bench.report import Report, median
from bench.server import HOST, Server, ServerConfig, _children, _rss_mb
from network_simulator.process import stop_groups

BROKER_URL = os.environ.get("BENCH_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
PROGRAM = "bench_webhooks"
RATE_TARGET = 500
RSS_LIMIT_MB = 200
P95_TARGET_S = 2.0
INTAKE_RATIO_TARGET = 0.9

_INSERT = """
INSERT INTO cases_webhookdelivery (endpoint_id, event_id, event_type, case_id, payload, status, next_attempt_at,
                                   attempts, created, updated, last_status_code, last_error, delivered_at)
SELECT %(endpoint)s, 'evt_bench_' || %(tag)s || '_' || n, 'case.updated', NULL,
       jsonb_build_object('id', 'evt_bench_' || %(tag)s || '_' || n, 'type', 'case.updated',
                          'created', now(), 'data', jsonb_build_object('case_id', 'case_bench_' || n,
                          'program_id', %(program)s, 'status', 'created', 'version', 1)),
       'pending', now(), 0, now(), now(), NULL, '', NULL
FROM generate_series(1, %(count)s) AS n
"""


class Processes:
    def __init__(self, env: dict[str, str]):
        self.env = env
        self.started: list[subprocess.Popen] = []

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        DATA_DIR.mkdir(exist_ok=True)
        log_file = open(DATA_DIR / f"webhooks-{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=log_file, stderr=log_file,
                                   start_new_session=True)
        self.started.append(process)
        return process

    def stop(self) -> None:
        stop_groups(self.started, timeout=30)


def _get(port: int, path: str, method: str = "GET") -> dict:
    request = urllib.request.Request(f"http://{HOST}:{port}{path}", method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        return json.loads(response.read())


def _wait_receiver(port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            _get(port, "/count")
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the bench receiver did not start")


def _delivered(endpoint_pk: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_webhookdelivery WHERE endpoint_id = %s AND status = 'delivered'",
                       [endpoint_pk])
        return cursor.fetchone()[0]


class RssSampler(threading.Thread):
    """Resident memory of the worker's processes (main + pool), once a second."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.samples, self.done = pid, [], threading.Event()

    def run(self):
        while not self.done.wait(1.0):
            try:
                self.samples.append(max(_rss_mb(p) for p in [self.pid, *_children(self.pid)]))
            except (OSError, ValueError):
                pass


def _endpoint(program_id: str, url: str, enabled: bool = True):
    from cases.actors import Actor
    from cases.models import Program, WebhookEndpoint
    from cases.services import webhooks

    program, _ = Program.objects.get_or_create(program_id=program_id, defaults={"name": program_id})
    WebhookEndpoint.objects.filter(program=program).delete()
    endpoint, _ = webhooks.endpoint_create(program=program, actor=Actor.for_system(), url=url)
    if not enabled:
        webhooks.endpoint_update(endpoint=endpoint, actor=Actor.for_system(), status="disabled")
    return endpoint


def run(report: Report, server_env: dict[str, str], *, deliveries: int, runs: int, duration: float, clients: int,
        port: int, receiver_port: int = 8790) -> None:
    from django.conf import settings
    from django.core.management import call_command

    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True  # the receiver is on loopback, as for every process below
    queue = f"bench-webhooks-{uuid.uuid4().hex[:8]}"
    env = {**server_env, "CELERY_BROKER_URL": BROKER_URL, "CELERY_QUEUE": queue, "WEBHOOK_ALLOW_PRIVATE_URLS": "1",
           "CELERY_WORKER_ENABLE_REMOTE_CONTROL": "0", "LOG_LEVEL": "WARNING"}
    procs = Processes(env)
    try:
        procs.start("receiver", [sys.executable, "-m", "bench.receiver", "--port", str(receiver_port)])
        _wait_receiver(receiver_port)
        url = f"http://{HOST}:{receiver_port}/hooks"
        call_command("setup_schedules", verbosity=0)
        # 1. The backlog: rows due now, then the worker (default settings) and beat start.
        endpoint = _endpoint(PROGRAM, url)
        with connection.cursor() as cursor:
            cursor.execute(_INSERT, {"endpoint": endpoint.pk, "tag": uuid.uuid4().hex[:8], "count": deliveries,
                                     "program": PROGRAM})
        connection.close()
        log(f"webhooks: {deliveries:,} due deliveries written; starting worker and beat")
        started = time.monotonic()
        # The worker consumes the default queue and the networks' answers, as in production
        # (docs/operations.md); letters have their own.
        worker = procs.start("worker", [sys.executable, "-m", "celery", "-A", "disputes_site", "worker",
                                        "-Q", f"{queue},{queue}.inbound", "--without-mingle", "--without-gossip",
                                        "--loglevel", "WARNING"])
        procs.start("beat", [sys.executable, "-m", "celery", "-A", "disputes_site", "beat", "--loglevel", "WARNING",
                             "--pidfile", "", "--schedule", str(DATA_DIR / "beat-schedule")])
        sampler = RssSampler(worker.pid)
        sampler.start()
        done, last_log = 0, 0.0
        deadline = started + max(600, deliveries / 100)
        while done < deliveries and time.monotonic() < deadline:
            time.sleep(1)
            done = _delivered(endpoint.pk)
            if time.monotonic() - last_log > 15:
                log(f"webhooks: {done:,} delivered after {time.monotonic() - started:.0f} s")
                last_log = time.monotonic()
        seconds = time.monotonic() - started
        sampler.done.set()
        rate = done / seconds
        rss = sampler.samples or [0.0]
        received = _get(receiver_port, "/count")
        report.add("webhooks", f"drain {deliveries:,} due deliveries", f"{rate:.0f}/s ({done:,} in {seconds:.0f} s)",
                   f">= {RATE_TARGET}/s", ok=done == deliveries and rate >= RATE_TARGET,
                   note=f"prefork x{os.cpu_count()}, 32 send threads each; receiver got {received['count']:,} "
                        f"({received['unique']:,} ids)")
        report.add("webhooks", "worker RSS over the drain", f"max {max(rss):.0f} MB (first {rss[0]:.0f}, "
                   f"last {rss[-1]:.0f})", f"< {RSS_LIMIT_MB} MB, flat", ok=max(rss) < RSS_LIMIT_MB)
        report.details["webhooks_drain"] = {"deliveries": deliveries, "delivered": done, "seconds": round(seconds, 1),
                                            "rate": round(rate, 1), "rss_mb": [round(r, 1) for r in rss]}
        _endpoint(PROGRAM, url).delete()
        # 2. Intake with and without a subscribed endpoint, alternating, same server and worker.
        _intake(report, env, runs=runs, duration=duration, clients=clients, port=port,
                receiver_port=receiver_port, url=url, procs=procs)
    finally:
        procs.stop()


def _cpu_per_case(meter, before: dict, result) -> dict[str, float]:
    """CPU ms each part used per case created, from `before` until now (delivery work included)."""
    used = meter.used(before, meter.read())
    return {part: round(1000 * seconds / max(result.requests, 1), 2) for part, seconds in used.items()}


def _intake(report: Report, env: dict[str, str], *, runs: int, duration: float, clients: int, port: int,
            receiver_port: int, url: str, procs: Processes) -> None:
    from bench.networks import CpuMeter
    from cases.actors import Actor
    from cases.models import WebhookDelivery
    from cases.services import webhooks

    key = dataset.api_key(dataset.INTAKE_PROGRAM)
    door = intake.scenarios(key, [])[0]  # native API POST /api/v1/cases
    without, with_hooks = [], []
    endpoint = _endpoint(dataset.INTAKE_PROGRAM, url, enabled=False)
    connection.close()
    def settle(seconds: float = 60) -> None:
        """Wait until the endpoint has no pending delivery: disabling it fails what is still pending."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and WebhookDelivery.objects.filter(endpoint=endpoint, status="pending").exists():
            time.sleep(0.5)

    cpu = {"without": [], "with": []}
    with Server(ServerConfig(port=port), env) as server:
        receiver, worker, beat = procs.started
        meter = CpuMeter({"server": (server.process.pid, True), "worker": (worker.pid, True),
                          "beat": (beat.pid, True), "receiver": (receiver.pid, False)},
                         [connection.settings_dict["NAME"]])
        for index in range(runs):
            settle()
            webhooks.endpoint_update(endpoint=endpoint, actor=Actor.for_system(), status="disabled")
            before = meter.read()
            without.append(run_load(replace(door), host=HOST, port=port, clients=clients, duration=duration))
            cpu["without"].append(_cpu_per_case(meter, before, without[-1]))
            webhooks.endpoint_update(endpoint=endpoint, actor=Actor.for_system(), status="enabled")
            connection.close()
            before = meter.read()
            with_hooks.append(run_load(replace(door), host=HOST, port=port, clients=clients, duration=duration))
            settle()  # the deliveries of this run are part of its cost
            cpu["with"].append(_cpu_per_case(meter, before, with_hooks[-1]))
            log(f"webhooks: intake run {index + 1}: {without[-1].throughput:.0f} req/s without, "
                f"{with_hooks[-1].throughput:.0f} with; CPU ms a case without {cpu['without'][-1]}, "
                f"with {cpu['with'][-1]}")
        settle()
    arrivals = _get(receiver_port, "/arrivals")
    rows = list(WebhookDelivery.objects.filter(endpoint=endpoint).values_list("event_id", "created", "status"))
    latencies = sorted(arrivals[eid] - created.timestamp() for eid, created, _ in rows if eid in arrivals)
    lost = sum(1 for eid, _, status in rows if eid not in arrivals)
    if lost:
        log(f"webhooks: not received by status: {Counter(status for eid, _, status in rows if eid not in arrivals)}")
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("inf")
    ratio = median([w.throughput / o.throughput for w, o in zip(with_hooks, without, strict=True) if o.throughput])
    report.add("webhooks", "commit to delivery under intake", f"p95 {p95:.2f} s, p50 "
               f"{latencies[len(latencies) // 2] if latencies else 0:.2f} s ({len(latencies):,} events)",
               f"p95 <= {P95_TARGET_S:.0f} s", ok=p95 <= P95_TARGET_S and lost == 0,
               note=f"{lost} not received")
    report.add("webhooks", f"intake with webhooks / without ({clients} clients)", f"{ratio:.0%} "
               f"({median([w.throughput for w in with_hooks]):.0f} vs {median([o.throughput for o in without]):.0f} req/s)",
               f">= {INTAKE_RATIO_TARGET:.0%}", ok=ratio >= INTAKE_RATIO_TARGET, note=f"median of {runs} runs")
    totals = {name: median([sum(parts.values()) for parts in rows]) for name, rows in cpu.items()}
    report.add("webhooks", "machine CPU a case created, without / with webhooks",
               f"{totals['without']:.1f} / {totals['with']:.1f} ms "
               f"({totals['without'] / totals['with']:.0%} of the throughput on the same cores)",
               "-", ok=None, note="server, worker, beat, receiver and PostgreSQL; median of the runs")
    report.details["webhooks_intake"] = {"cpu_ms_per_case": cpu, "without": [r.summary() for r in without],
                                         "with": [r.summary() for r in with_hooks],
                                         "latency_p95_s": round(p95, 3), "lost": lost}
    endpoint.delete()
