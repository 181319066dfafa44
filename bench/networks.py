"""Card networks (SPEC section 12): filings sent and answers applied by real workers against the
real simulator, on PostgreSQL with persistent connections and RabbitMQ.

Targets (docs/performance.md, section `networks`):
- 10,000 cases filed at once (cases set up set-based in `created`, then `file_chargeback` for each
  through the service, so each submission is written in its transition's transaction): every
  submission acknowledged by the simulator and every answer (a representment: amounts end in 02)
  applied by the queue poll, at >= 200 cases/s end to end, and no filing sent twice (the
  simulator's own database holds one chargeback per submission);
- a queue of 10,000 items, pre-loaded (the same filings with the poll held back until every one is
  acknowledged), applied by the poll at >= 500 items/s.

Processes: the simulator (`manage.py run_network_simulator --workers N`, NETWORK_SIMULATOR_DELAY=0,
its own SQLite database in WAL mode) and Celery worker(s) on a RabbitMQ queue of this run's own.
The orchestrator plays beat's part on the intervals below (the outbox relay every 5 s, the queue
poll every POLL_SECONDS) and watches the database.

`Inline` runs the same steps in this process instead of a worker (tests/bench: the phase's code at
a tiny scale, so it cannot rot).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from bench.env import DATA_DIR, DB_NAME, ROOT, connect, database_url, drop_database, ensure_database, log
from network_simulator.process import SimulatorProcess, stop_groups

BROKER_URL = os.environ.get("BENCH_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
PROGRAM = "bench_networks"
CASES_TARGET = 200  # cases/s end to end
POLL_TARGET = 500  # items/s
POLL_SECONDS = 1.0
RELAY_SECONDS = 5.0
ENDING = 2  # amounts ending in 02: a full representment with the merchant's PDF (network_simulator/rules.py)
FINAL_STATUS = "chargeback_represented"


def load() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int, *, exited_children: bool = False) -> float:
    """CPU seconds (user + system) of one process, or of the children it has waited for; 0 when
    it is gone."""
    first = 13 if exited_children else 11  # utime, stime; cutime, cstime (proc(5))
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[first]) + int(fields[first + 1])) / _TICK
    except (OSError, IndexError, ValueError):
        return 0.0


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [pid], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


class CpuMeter:
    """CPU seconds each part of the run used between two readings: this process (filing, the
    schedule, watching), the workers, the simulator, and PostgreSQL: the backends of the run's
    databases and the server's children that ended meanwhile (backends that disconnected, parallel
    query workers, autovacuum; of every database on the server). Wall-clock rates on a shared
    machine depend on its load; CPU per item does not."""

    def __init__(self, parts: dict[str, tuple[int, bool]], databases: list[str]):
        self.parts, self.databases = parts, databases  # name: (pid, with its descendants)

    def _backends(self) -> list[int]:
        if connection.vendor != "postgresql":
            return []
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = ANY(%s)", [self.databases])
            return [row[0] for row in cursor.fetchall()]

    def read(self) -> dict[str, dict[int, float]]:
        reading = {name: {p: _cpu(p) for p in (_tree(pid) if tree else [pid])}
                   for name, (pid, tree) in self.parts.items()}
        backends = self._backends()
        reading["postgres"] = {p: _cpu(p) for p in backends}
        server = _parent(backends[0]) if backends else None
        if server:
            reading["postgres"][-server] = _cpu(server, exited_children=True)
        return reading

    @staticmethod
    def used(before: dict, after: dict) -> dict[str, float]:
        return {name: round(sum(max(0.0, cpu - before.get(name, {}).get(pid, 0.0)) for pid, cpu in pids.items()), 1)
                for name, pids in after.items()}


# --- the simulator -------------------------------------------------------------------------------

class Simulator(SimulatorProcess):
    """`run_network_simulator` on a free loopback port (network_simulator/process.py), answering at
    once, its database and key in `folder` (or a PostgreSQL database of its own, `postgres`)."""

    def __init__(self, folder: Path, *, workers: int = 2, postgres: str = ""):
        super().__init__(folder, delay=0, window=0, workers=workers,
                         database_url=database_url(postgres) if postgres else "")
        self.postgres = postgres

    def start(self, base_env: dict[str, str] | None = None, timeout: float = 90) -> Simulator:
        if self.postgres:
            drop_database(self.postgres)
            ensure_database(self.postgres)
        return super().start({**(base_env or os.environ), "LOG_LEVEL": "WARNING"}, timeout)

    def filings(self, network: str, client_references: set[str]) -> dict[str, int]:
        """The simulator's own count of the issuer's chargebacks: in all, for these references, and
        claims holding more than one."""
        rows_sql = ("SELECT client_reference FROM network_simulator_simfiling WHERE network = {p} AND "
                    "kind = 'chargeback' AND filed_by = 'I'")
        doubled_sql = ("SELECT count(*) FROM (SELECT claim_id FROM network_simulator_simfiling WHERE network = {p} "
                       "AND kind = 'chargeback' AND filed_by = 'I' GROUP BY claim_id HAVING count(*) > 1) AS twice")
        if self.postgres:
            with connect(self.postgres) as db:
                rows = db.execute(rows_sql.format(p="%s"), [network]).fetchall()
                doubled = db.execute(doubled_sql.format(p="%s"), [network]).fetchone()[0]
        else:
            with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=30) as db:
                rows = db.execute(rows_sql.format(p="?"), [network]).fetchall()
                doubled = db.execute(doubled_sql.format(p="?"), [network]).fetchone()[0]
        if network == "mastercard":  # Mastercom carries the reference as the first word of messageText
            from cases.gateways.mastercom import reference_token

            client_references = {reference_token(r) for r in client_references}
        references = [r[0] for r in rows]
        return {"chargebacks": len(references), "ours": sum(1 for r in references if r in client_references),
                "distinct": len(set(references)), "claims_filed_twice": doubled}


# --- the cases -----------------------------------------------------------------------------------

def program():
    from cases.models import Program

    found, _ = Program.objects.get_or_create(program_id=PROGRAM, defaults={"name": "Bench networks"})
    if found.approval_actions:  # maker-checker would hold every filing for a second person
        found.approval_actions = []
        found.save(update_fields=["approval_actions"])
    return found


def _template(prog, network: str):
    """One case opened through the service: the shape every bench case is copied from."""
    from cases import services
    from cases.actors import Actor
    from cases.inputs import CardholderInput, CaseInput, MerchantInput, TransactionInput

    tag = uuid.uuid4().hex[:10]
    txn = TransactionInput(external_id=f"net_{tag}", arn=f"9{int(tag, 16) % 10**22:022d}", amount=10_002,
                           currency="USD", date=timezone.now() - timedelta(days=5), card_network=network,
                           card_last4="4242", status="success",
                           merchant=MerchantInput(external_id=f"netm_{tag}", name="Bench merchant", mcc="5734"),
                           cardholder=CardholderInput(external_id=f"netc_{tag}", name="Bench holder",
                                                      email="holder@example.com"))
    return services.case_create(program=prog, actor=Actor.for_system(),
                                data=CaseInput(source="api", reason="product_not_received", transaction=txn))


def setup_cases(count: int, network: str, ending: int = ENDING) -> list[int]:
    """`count` cases in `created` on `network`, written set-based (bulk INSERTs of the rows the
    service writes: transaction, case, its `created` event), amounts ending in `ending`. Returns
    their numbers."""
    from cases.models import Case, CaseEvent, Transaction

    prog = program()
    template = _template(prog, network)
    txn0 = template.transaction
    event0 = CaseEvent.objects.filter(case=template).order_by("id").first()
    tag = uuid.uuid4().hex[:8]
    base = int(time.time() * 1000) % 10**12
    with transaction.atomic():
        txns = [_clone(txn0, external_id=f"net_{tag}_{i}", financial_document_id=base * 100_000 + i,
                       arn=f"8{base:012d}{i:010d}", amount=(100 + i) * 100 + ending) for i in range(count)]
        Transaction.objects.bulk_create(txns, batch_size=2000)
        cases = [_clone(template, case_id=f"case_net_{tag}_{i}", transaction_id=txn.pk, disputed_amount=txn.amount)
                 for i, txn in enumerate(txns)]
        Case.objects.bulk_create(cases, batch_size=2000)
        CaseEvent.objects.bulk_create([_clone(event0, case_id=case.pk, changes={
            **event0.changes, "disputed_amount": case.disputed_amount}) for case in cases], batch_size=2000)
    analyze()
    return [case.pk for case in cases]


def analyze() -> None:
    """Statistics and index entries as autovacuum leaves them in production (VACUUM ANALYZE). This
    machine's PostgreSQL runs with autovacuum off: before this the tables the phase fills were never
    analyzed nor vacuumed, and the send task's lookups of its cases' network messages walked the
    dead index entries earlier runs left (every message is stored without a case and updated when
    applied) or a parallel scan of every message: 3-5 ms of PostgreSQL CPU a case."""
    from bench.dataset import vacuum_analyze

    if connection.vendor == "postgresql":
        vacuum_analyze()


def _clone(obj, **changes):
    """A new, unsaved row with `obj`'s stored values and `changes`."""
    model = type(obj)
    values = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields if not f.primary_key}
    return model(**{**values, **changes})


FILE_CHUNK = 500  # cases a cases_transition_many call files (one transaction)


def file_all(numbers: list[int], filers: int = 1, together: bool = True) -> float:
    """`file_chargeback` for every case through the service, each submission written in its
    transition's transaction: `cases_transition_many` on FILE_CHUNK cases a transaction (a bulk
    filing), or `case_transition` case by case (`together=False`); on `filers` threads as
    concurrent requests would. The send tasks go out 50 ids each as the filings commit. Seconds."""
    from concurrent.futures import ThreadPoolExecutor

    from cases.actors import Actor
    from cases.models import Case
    from cases.services import outbox
    from cases.services.transitions import case_transition, cases_transition_many

    actor = Actor.for_user(_filer())

    def file(part: list[int]) -> None:
        try:
            with outbox.batched_enqueue():
                if together:
                    for start in range(0, len(part), FILE_CHUNK):
                        cases_transition_many(cases=[Case(pk=n) for n in part[start:start + FILE_CHUNK]],
                                              transition="file_chargeback", actor=actor)
                else:
                    for number in part:
                        case_transition(case=Case(pk=number), transition="file_chargeback", actor=actor)
        finally:
            if filers > 1:
                connection.close()

    started = time.monotonic()
    if filers <= 1:
        file(numbers)
    else:
        with ThreadPoolExecutor(max_workers=filers) as pool:
            list(pool.map(file, [numbers[i::filers] for i in range(filers)]))
    return time.monotonic() - started


def _filer():
    from django.contrib.auth.models import User

    user = User.objects.filter(username="bench_network_filer").first()
    return user or User.objects.create_superuser("bench_network_filer", "filer@example.com", uuid.uuid4().hex)


# --- what is done ---------------------------------------------------------------------------------

def progress(numbers: list[int]) -> dict[str, int]:
    """Submissions acknowledged (and refused), messages applied and cases at the final status, for these cases."""
    from django.db.models import Count, Q

    from cases.models import Case, NetworkMessage, NetworkSubmission

    # The numbers of one set-based insert are one range: a range scan, not 10,000 parameters.
    lo, hi = min(numbers), max(numbers)
    subs = NetworkSubmission.objects.filter(case_id__gte=lo, case_id__lte=hi).aggregate(
        acknowledged=Count("pk", filter=Q(state="acknowledged")),
        refused=Count("pk", filter=Q(state__in=["rejected", "failed"])))
    return {**subs, "applied": NetworkMessage.objects.filter(case_id__gte=lo, case_id__lte=hi, state="applied").count(),
            "final": Case.objects.filter(number__gte=lo, number__lte=hi, status=FINAL_STATUS).count()}


def references(numbers: list[int]) -> tuple[set[str], int]:
    from cases.models import NetworkSubmission

    refs = list(NetworkSubmission.objects.filter(case_id__in=numbers, kind="chargeback")
                .values_list("client_reference", flat=True))
    return set(refs), len(refs)


# --- who does the work ---------------------------------------------------------------------------

class Celery:
    """Real worker process(es) on a RabbitMQ queue of this run's own; this process plays beat."""

    def __init__(self, env: dict[str, str], folder: Path, *, concurrency: int, workers: int = 1):
        self.queue = f"bench-networks-{uuid.uuid4().hex[:8]}"
        self.env = {**env, "CELERY_BROKER_URL": BROKER_URL, "CELERY_QUEUE": self.queue,
                    "CELERY_WORKER_ENABLE_REMOTE_CONTROL": "0", "LOG_LEVEL": "WARNING"}
        self.folder, self.concurrency, self.workers = folder, concurrency, workers
        self.processes: list[subprocess.Popen] = []
        self._next = {}

    def start(self) -> None:
        from django.conf import settings

        from disputes_site.celery import app

        # This process enqueues (the filings' send tasks, the schedule) to the run's own queue:
        # the app reads its configuration from these settings the first time it is used.
        from disputes_site.settings import celery_queues

        settings.CELERY_BROKER_URL = BROKER_URL
        settings.CELERY_BROKER_TRANSPORT = None  # the URL's (the filesystem broker's otherwise)
        for name, value in celery_queues(self.queue).items():
            setattr(settings, name, value)
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
        if app.conf.broker_url != BROKER_URL:
            raise SystemExit(f"the Celery app was configured before the networks phase ({app.conf.broker_url})")
        for index in range(self.workers):
            log_file = open(self.folder / f"worker-{index}.log", "ab")  # noqa: SIM115 - closed with the process
            self.processes.append(subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "disputes_site", "worker", "-Q", f"{self.queue},{self.queue}.inbound",
                 "--concurrency", str(self.concurrency), "--hostname", f"netbench{index}-{self.queue}@%h",
                 "--without-mingle", "--without-gossip", "--loglevel", "WARNING"],
                cwd=ROOT, env=self.env, stdout=log_file, stderr=log_file, start_new_session=True))

    def tick(self, *, poll: bool) -> None:
        """Beat's part: the outbox relay and (when `poll`) the queue poll, each on its interval."""
        from cases.tasks.networks import poll_networks
        from cases.tasks.outbox import relay_outbox

        now = time.monotonic()
        if now >= self._next.get("relay", 0):
            relay_outbox.delay()
            self._next["relay"] = now + RELAY_SECONDS
        if poll and now >= self._next.get("poll", 0):
            poll_networks.delay()
            self._next["poll"] = now + POLL_SECONDS

    def stop(self) -> None:
        stop_groups(self.processes, timeout=30)


class Inline:
    """The same steps in this process: the send tasks run eagerly where Celery is eager (the test
    settings), the relay and the poll on each tick."""

    def start(self) -> None:
        pass

    def tick(self, *, poll: bool) -> None:
        from cases.services import network_inbound, network_submissions

        for ids_token in _due(network_submissions.unsettled_submissions()):
            network_submissions.submissions_send(*ids_token)
        if poll:
            network_inbound.networks_poll()

    def stop(self) -> None:
        pass


def _due(queryset):
    from cases.services import outbox

    ids, token = outbox.claim_due(queryset, limit=10_000)
    return [(ids[i:i + 50], token) for i in range(0, len(ids), 50)]


def _wait(engine, numbers: list[int], *, done, poll: bool, timeout: float, label: str) -> dict[str, int]:
    started = last = time.monotonic()
    state = progress(numbers)
    while not done(state) and time.monotonic() - started < timeout:
        engine.tick(poll=poll)
        time.sleep(0.5 if isinstance(engine, Celery) else 0)
        state = progress(numbers)
        if time.monotonic() - last > 10:
            log(f"networks: {label}: {state} after {time.monotonic() - started:.0f} s ({load()})")
            last = time.monotonic()
    return state


# --- the measurements ----------------------------------------------------------------------------

def _per_item_ms(cpu: dict[str, float], count: int) -> dict[str, float]:
    return {name: round(1000 * seconds / count, 2) for name, seconds in cpu.items()}


def _per_item(cpu: dict[str, float], count: int) -> str:
    per = _per_item_ms(cpu, count)
    return f"CPU ms each: {sum(per.values()):.1f} (" + ", ".join(f"{k} {v:.1f}" for k, v in per.items()) + ")"


def end_to_end(report, engine, sim: Simulator, meter: CpuMeter, network: str, count: int, timeout: float,
               filers: int) -> dict:
    """(a) filed at once -> every submission acknowledged and every answer applied."""
    numbers = setup_cases(count, network)
    connection.close()
    log(f"networks: {network}: {count:,} cases in created; filing them ({load()})")
    load_before = os.getloadavg()[0]
    cpu_before = meter.read()
    started = time.monotonic()
    filing_s = file_all(numbers, filers)
    state = _wait(engine, numbers, poll=True, timeout=timeout, label=f"{network} end to end",
                  done=lambda s: s["applied"] + s["refused"] >= count and s["final"] >= count - s["refused"])
    seconds = time.monotonic() - started
    load_after = os.getloadavg()[0]
    cpu = meter.used(cpu_before, meter.read())
    refs, submissions = references(numbers)
    filed = sim.filings(network, refs)
    once = filed["ours"] == submissions == len(refs) and filed["claims_filed_twice"] == 0
    done = state["applied"] == count and state["final"] == count
    rate = state["final"] / seconds
    report.add("networks", f"{network}: {count:,} cases filed at once, end to end",
               f"{rate:.0f} cases/s ({state['final']:,} in {seconds:.1f} s)", f">= {CASES_TARGET}/s",
               ok=done and once and rate >= CASES_TARGET,
               note=f"filing {count / filing_s:.0f}/s; load {load_before:.1f} -> {load_after:.1f}; {_per_item(cpu, count)}")
    report.add("networks", f"{network}: no filing sent twice",
               f"{filed['ours']:,} chargebacks at the simulator for {submissions:,} submissions",
               "equal, no claim twice", ok=once, note=f"{filed['claims_filed_twice']} claims filed twice")
    return {"cases": count, "seconds": round(seconds, 1), "filing_seconds": round(filing_s, 1), "rate": round(rate, 1),
            "state": state, "simulator": filed, "load": [round(load_before, 2), round(load_after, 2)],
            "cpu_seconds": cpu, "cpu_ms_per_case": _per_item_ms(cpu, count)}


def poll_rate(report, engine, meter: CpuMeter, network: str, count: int, timeout: float, filers: int) -> dict:
    """(b) a queue of `count` items waiting (filed, acknowledged, not polled) -> applied by the poll."""
    numbers = setup_cases(count, network)
    connection.close()
    log(f"networks: {network}: filing {count:,} cases to fill the queue ({load()})")
    file_all(numbers, filers)
    state = _wait(engine, numbers, poll=False, timeout=timeout, label=f"{network} queue fill",
                  done=lambda s: s["acknowledged"] + s["refused"] >= count)
    if state["acknowledged"] < count:
        report.add("networks", f"{network}: poll a queue of {count:,} items", "not measured",
                   f">= {POLL_TARGET}/s", ok=False, note=f"only {state['acknowledged']:,} filings acknowledged")
        return {"state": state}
    time.sleep(1)  # the answers are due at the filing (delay 0); let the clock pass them
    # A poll the schedule queued during the end-to-end run may have run meanwhile: count from here.
    early = progress(numbers)["applied"]
    load_before = os.getloadavg()[0]
    cpu_before = meter.read()
    started = time.monotonic()
    state = _wait(engine, numbers, poll=True, timeout=timeout, label=f"{network} poll",
                  done=lambda s: s["applied"] >= count)
    seconds = time.monotonic() - started
    load_after = os.getloadavg()[0]
    cpu = meter.used(cpu_before, meter.read())
    polled = state["applied"] - early
    rate = polled / seconds
    report.add("networks", f"{network}: poll a queue of {count:,} items", f"{rate:.0f} items/s "
               f"({polled:,} in {seconds:.1f} s)", f">= {POLL_TARGET}/s",
               ok=state["applied"] == count and rate >= POLL_TARGET,
               note=f"{early:,} applied before the clock; load {load_before:.1f} -> {load_after:.1f}; "
                    f"{_per_item(cpu, max(1, polled))}")
    return {"items": count, "seconds": round(seconds, 1), "rate": round(rate, 1), "state": state,
            "applied_before_the_clock": early, "load": [round(load_before, 2), round(load_after, 2)],
            "cpu_seconds": cpu, "cpu_ms_per_item": _per_item_ms(cpu, max(1, polled))}


def run(report, server_env: dict[str, str], *, cases: int = 10_000, items: int = 10_000,
        networks: tuple[str, ...] = ("mastercard", "visa"), simulator_workers: int = 2, concurrency: int = 2,
        simulator_db: str = "sqlite", filers: int = 1, inline: bool = False, folder: Path | None = None,
        timeout: float | None = None) -> None:
    folder = folder or DATA_DIR / "networks"
    sim = Simulator(folder, workers=simulator_workers,
                    postgres=f"{DB_NAME}_simulator" if simulator_db == "postgres" else "")
    engine = Inline() if inline else Celery({**server_env, **sim.env()}, folder, concurrency=concurrency)
    details = report.details.setdefault("networks", {})
    # Stopped from outside (SIGTERM): stop the simulator and the workers on the way out.
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        sim.start(server_env)
        log(f"networks: simulator on {sim.url} ({simulator_workers} processes); {load()}")
        with sim.settings():
            engine.start()
            parts = {"bench": (os.getpid(), False), "simulator": (sim.process.pid, True)}
            parts.update({f"worker{i}": (p.pid, True) for i, p in enumerate(getattr(engine, "processes", []))})
            meter = CpuMeter(parts, [DB_NAME, sim.postgres] if sim.postgres else [DB_NAME])
            for network in networks:
                if cases:
                    details[f"{network}_end_to_end"] = end_to_end(report, engine, sim, meter, network, cases,
                                                                  timeout or max(300, cases / 5), filers)
                if items:
                    details[f"{network}_poll"] = poll_rate(report, engine, meter, network, items,
                                                           timeout or max(300, items / 5), filers)
    finally:
        engine.stop()
        sim.stop()
        signal.signal(signal.SIGTERM, previous)
    details["settings"] = {"simulator_workers": simulator_workers, "worker_concurrency": concurrency,
                           "simulator_db": simulator_db, "filers": filers,
                           "poll_seconds": POLL_SECONDS, "inline": inline}
