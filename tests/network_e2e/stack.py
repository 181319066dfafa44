"""The whole system as processes, for the card-network tests that need real ones: the network
simulator (tests/gateways/simulator.py), gunicorn serving the API (tests/pg/live.py), a Celery
worker and beat (tests/webhooks/processes.py), all on loopback and stopped when the test is done.

Two shapes, the same processes:
- **SQLite** (`sqlite_stack`): a migrated SQLite file the test process reads too (through its own
  connection alias, `stack.db`), and kombu's filesystem broker, which needs no server, as
  `make run` uses them.
- **PostgreSQL** (`postgres_stack`): the PostgreSQL test database (a transactional test commits
  what the processes must see) and RabbitMQ at TEST_BROKER_URL, as CI runs them.

Beat polls the networks' queues every second and runs the outbox relay every 5 s; the simulator
answers at once (NETWORK_SIMULATOR_DELAY=0); a lease is 3 s, so a killed worker's submission is
handed out again within seconds.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connections

from disputes_site.database import database_settings
from tests.conftest import authorization
from tests.gateways import simulator
from tests.pg.live import ROOT, LiveServer, wait_for
from tests.webhooks.processes import BROKER_URL, Engine

PROGRAM = "network_e2e"
POLL_SECONDS = 1
LEASE_SECONDS = 3
READ_ALIAS = "network_e2e"

# Migrate a SQLite file, make the program and its API key, write the beat schedules: one process.
_PREPARE = """
import io, django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
out = io.StringIO()
call_command("create_api_key", program="{program}", scopes="read,write,manage", name="network e2e", stdout=out,
             stderr=io.StringIO())
call_command("setup_schedules", stdout=io.StringIO())
print(out.getvalue().strip().splitlines()[-1])
"""


@dataclass
class Stack:
    tmp: Path
    sim: simulator.Simulator
    engine: Engine
    web: LiveServer | None = None
    key: str = ""
    db: str = "default"  # the connection alias the test reads the processes' database through
    startup_seconds: float = 0.0
    workers: list = field(default_factory=list)

    # --- the API, as an integrator calls it

    def api(self, method: str, path: str, body: dict | None = None, expect: int | tuple = (200, 201)):
        response = self.web.request(method, f"/api/v1{path}", json_body=body,
                                    headers={"Authorization": authorization(self.key)})
        expected = expect if isinstance(expect, tuple) else (expect,)
        assert response.status in expected, (method, path, response.status, response.body[:800])
        return response.json() if response.body else None

    # --- the simulator's sandbox controls (network_simulator/control.py)

    def control(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.sim.url}/control/v1/{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return json.loads(response.read())

    def worker(self, name: str = "worker"):
        """A Celery worker (two pool processes) on the stack's database and broker."""
        process = self.engine.worker(concurrency=2, name=name)
        self.workers.append(process)
        return process

    def logs(self) -> str:
        web = self.web.log_path.read_text(errors="replace")[-3000:] if self.web else ""
        return f"{self.engine.logs()}\n== web\n{web}\n== simulator\n{self.sim.logs()}"

    def stop(self) -> None:
        """Every process told to stop at once (a worker's main process, which stops its pool), then
        waited for; what still runs after 10 s is killed with its children."""
        processes = [*self.engine.processes, self.sim.process] + ([self.web.process] if self.web else [])
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                if self.web is not None and process is self.web.process:
                    process.kill()  # gunicorn shares this process group: its master only
                else:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)  # started in a session of its own
                process.wait(timeout=10)
        with contextlib.suppress(Exception):
            self.engine.stop()  # the broker's queue (RabbitMQ)


def _network_env(sim: simulator.Simulator, tmp: Path) -> dict:
    return {**sim.env(), "NETWORK_POLL_SECONDS": str(POLL_SECONDS), "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
            "CELERY_FILESYSTEM_DIR": str(tmp / "celery"),
            "WEBHOOK_ALLOW_PRIVATE_URLS": "1"}


def _web_env(engine: Engine) -> dict:
    return {name: value for name, value in engine.env().items()
            if name.startswith(("CELERY_", "NETWORK_", "MASTERCOM_", "VROL_", "OUTBOX_", "WEBHOOK_"))}


def _start(stack: Stack, database_env: dict) -> Stack:
    try:
        stack.web = LiveServer(workers=1, threads=8)
        stack.web.start(stack.tmp, database_env=database_env, env=_web_env(stack.engine))
        stack.worker()
        stack.engine.beat()
    except BaseException:
        stack.stop()
        raise
    return stack


def _add_alias(alias: str, path: Path) -> None:
    """A connection of this process to the processes' SQLite file, as `alias`."""
    config = connections.configure_settings({"default": database_settings({"SQLITE_PATH": str(path)}, str(path))})
    connections.settings[alias] = config["default"]


def _drop_alias(alias: str) -> None:
    if alias in connections.settings:
        with contextlib.suppress(Exception):
            connections[alias].close()
        with contextlib.suppress(Exception):
            del connections[alias]
        del connections.settings[alias]


@contextlib.contextmanager
def sqlite_stack(tmp: Path):
    """Every process on one SQLite file and the filesystem broker; `stack.db` reads the file."""
    sim = simulator.start(tmp / "simulator", delay=0, window=0)
    database = tmp / "disputes.sqlite3"
    database_env = {"DATABASE_URL": None, "SQLITE_PATH": str(database)}
    engine = Engine(tmp, broker_url="filesystem://", database=database_env, extra=_network_env(sim, tmp))
    stack = Stack(tmp=tmp, sim=sim, engine=engine, db=READ_ALIAS)
    try:
        started = time.monotonic()
        prepared = subprocess.run([sys.executable, "-c", _PREPARE.format(program=PROGRAM)], cwd=ROOT,
                                  env=engine.env(), capture_output=True, text=True, timeout=180, check=False)
        assert prepared.returncode == 0, prepared.stderr[-3000:]
        stack.key = prepared.stdout.strip().splitlines()[-1]
        _start(stack, database_env)
        stack.startup_seconds = time.monotonic() - started
    except BaseException:
        stack.stop()
        raise
    _add_alias(READ_ALIAS, database)
    try:
        yield stack
    finally:
        _drop_alias(READ_ALIAS)
        stack.stop()


@contextlib.contextmanager
def postgres_stack(tmp: Path, raw_key: str):
    """Every process on the PostgreSQL test database and RabbitMQ; the caller's test is
    transactional and made the program, `raw_key` and the schedules (`setup_schedules`)."""
    sim = simulator.start(tmp / "simulator", delay=0, window=0)
    engine = Engine(tmp, broker_url=BROKER_URL, extra=_network_env(sim, tmp))
    stack = Stack(tmp=tmp, sim=sim, engine=engine, key=raw_key)
    started = time.monotonic()
    _start(stack, {"DATABASE_URL": engine.env()["DATABASE_URL"]})
    stack.startup_seconds = time.monotonic() - started
    try:
        yield stack
    finally:
        stack.stop()


def wait_until(predicate, timeout: float, what: str, stack: Stack | None = None, interval: float = 0.3):
    """`wait_for`, with the processes' logs in the failure."""
    try:
        return wait_for(predicate, timeout=timeout, interval=interval, what=what)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{stack.logs() if stack else ''}") from None

