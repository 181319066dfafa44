"""Real engine processes for the PostgreSQL + RabbitMQ tests: Celery workers and beat on loopback,
against the test database, on a queue of their own (so a run never takes another run's messages).

RabbitMQ is the service at TEST_BROKER_URL (default amqp://guest:guest@127.0.0.1:5672//);
scripts/test-postgres.sh makes sure it answers before these tests run. The SQLite suite's network
tests (tests/network_e2e/) run the same processes on a SQLite file and kombu's filesystem broker
(`database` and `broker_url`, `extra` for their other settings).
"""

import os
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from kombu import Connection

from network_simulator.process import stop_groups
from tests.pg.live import ROOT, database_url, wait_for

BROKER_URL = os.environ.get("TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
UNREACHABLE_BROKER = "amqp://guest:guest@127.0.0.1:1//"


@dataclass
class Engine:
    """The environment every process of one test shares: database, broker, queue, short leases."""

    tmp_dir: Path
    broker_url: str = BROKER_URL
    queue: str = field(default_factory=lambda: f"disputes-test-{uuid.uuid4().hex[:12]}")
    processes: list = field(default_factory=list)
    # The variables naming the database (a None value removes one); None: the PostgreSQL test database.
    database: dict | None = None
    extra: dict = field(default_factory=dict)  # more settings for every process

    def env(self, **extra) -> dict:
        database = {"DATABASE_URL": database_url()} if self.database is None else self.database
        env = {**os.environ, **database, "DJANGO_SETTINGS_MODULE": "disputes_site.test_settings",
               "DJANGO_DEBUG": "0", "DJANGO_HTTPS": "0", "CELERY_BROKER_URL": self.broker_url,
               "CELERY_QUEUE": self.queue, "CELERY_WORKER_ENABLE_REMOTE_CONTROL": "0",
               "WEBHOOK_ALLOW_PRIVATE_URLS": "1", "OUTBOX_LEASE_SECONDS": "20", "LOG_LEVEL": "INFO",
               "EVIDENCE_ROOT": str(self.tmp_dir / "evidence"), **self.extra, **extra}
        return {name: value for name, value in env.items() if value is not None}

    def _start(self, name: str, args: list[str], ready: str, **env) -> subprocess.Popen:
        log = self.tmp_dir / f"{name}-{uuid.uuid4().hex[:6]}.log"
        process = subprocess.Popen([sys.executable, "-m", "celery", "-A", "disputes_site", *args], cwd=ROOT,
                                   env=self.env(**env), stdout=log.open("wb"), stderr=subprocess.STDOUT,
                                   start_new_session=True)
        process.log = log
        self.processes.append(process)

        def started():
            if process.poll() is not None:
                raise AssertionError(f"{name} exited: {log.read_text()[-3000:]}")
            return ready in log.read_text(errors="replace")

        wait_for(started, timeout=60, interval=0.2, what=f"{name} ({log})")
        return process

    def worker(self, concurrency: int = 2, name: str = "worker") -> subprocess.Popen:
        queues = f"{self.queue},{self.queue}.letters,{self.queue}.inbound"  # the run's queues (settings)
        return self._start(name, ["worker", "--pool", "prefork", "--concurrency", str(concurrency), "-Q", queues,
                                  "--without-mingle", "--without-gossip", "--hostname", f"{name}-{uuid.uuid4().hex[:6]}@%h",
                                  "--loglevel", "INFO"], "ready.")

    def beat(self) -> subprocess.Popen:
        return self._start("beat", ["beat", "--loglevel", "INFO", "--pidfile", "",
                                    "--schedule", str(self.tmp_dir / "beat-schedule")], "beat: Starting")

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        """SIGKILL the process and its children (a worker's pool), as a crash would."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        stop_groups(self.processes)
        if not self.broker_url.startswith("amqp"):
            return  # the filesystem broker's folders go with the test's temporary folder
        with Connection(self.broker_url, connect_timeout=5) as conn:
            channel = conn.default_channel
            for queue in (self.queue,):
                try:
                    channel.queue_delete(queue)
                except Exception:  # noqa: BLE001 - never created (no worker ran)
                    pass

    def logs(self) -> str:
        return "\n".join(f"== {p.log}\n{p.log.read_text(errors='replace')[-3000:]}" for p in self.processes)
