"""The simulator as a child process, for the test suites and the bench: `manage.py
run_network_simulator` on a free loopback port, its database, sandbox signing key and log in a
folder of its own, and what a process of the case system needs to reach it (environment variables
for a worker, settings for this process). Stopped with its whole process group (gunicorn's master
and workers) by `stop_groups`, which stops the suites' and the bench's Celery workers the same way.
`make run` starts the simulator from scripts/run-dev.sh instead.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.test.utils import override_settings

from cases.gateways.keys import ensure_sandbox_key

ROOT = Path(__file__).resolve().parents[1]
CONSUMER_KEY = "sandbox-consumer-key"
VROL_USER_ID = "disputes-sandbox"
VROL_PASSWORD = "sandbox-password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_groups(processes: list[subprocess.Popen], timeout: float = 20) -> None:
    """Processes started in a session of their own stopped with their children (a gunicorn's or a
    Celery worker's): SIGTERM to every group at once, SIGKILL to any still running after `timeout`."""
    running = [process for process in processes if process.poll() is None]
    for process in running:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@dataclass
class SimulatorProcess:
    folder: Path
    delay: float = 0  # NETWORK_SIMULATOR_DELAY: seconds before a filing's answer is due
    window: float = 0  # NETWORK_SIMULATOR_WINDOW: the acquirer's window before the claim closes
    workers: int = 1  # gunicorn processes
    database_url: str = ""  # a PostgreSQL database of its own instead of SQLite in `folder`
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database(self) -> Path:
        return self.folder / "simulator.sqlite3"

    @property
    def key_file(self) -> Path:
        return self.folder / "mastercom.pem"

    @property
    def log(self) -> Path:
        return self.folder / "simulator.log"

    def env(self) -> dict[str, str]:
        """The variables of the simulator and of a case-system process that talks to it."""
        return {"NETWORK_SIMULATOR": "1", "NETWORK_SIMULATOR_URL": self.url, "NETWORK_SIMULATOR_PORT": str(self.port),
                "NETWORK_SIMULATOR_DELAY": str(self.delay), "NETWORK_SIMULATOR_WINDOW": str(self.window),
                "NETWORK_SIMULATOR_DATABASE": str(self.database),
                "MASTERCOM_BASE_URL": f"{self.url}/mastercom", "VROL_BASE_URL": f"{self.url}/vrol",
                "MASTERCOM_CONSUMER_KEY": CONSUMER_KEY, "MASTERCOM_SIGNING_KEY_FILE": str(self.key_file),
                "MASTERCOM_SIGNING_KEY_PASSWORD": "", "MASTERCOM_PROGRAM_KEYS": "{}",
                "VROL_USER_ID": VROL_USER_ID, "VROL_PASSWORD": VROL_PASSWORD,
                **({"NETWORK_SIMULATOR_DATABASE_URL": self.database_url} if self.database_url else {})}

    def settings(self, **extra) -> override_settings:
        """The gateways of this process pointed at it (`with sim.settings(): ...`)."""
        return override_settings(
            NETWORK_SIMULATOR=True, NETWORK_SIMULATOR_URL=self.url, MASTERCOM_BASE_URL=f"{self.url}/mastercom",
            VROL_BASE_URL=f"{self.url}/vrol", MASTERCOM_CONSUMER_KEY=CONSUMER_KEY,
            MASTERCOM_SIGNING_KEY_FILE=str(self.key_file), MASTERCOM_SIGNING_KEY_PASSWORD="",
            MASTERCOM_PROGRAM_KEYS={}, VROL_USER_ID=VROL_USER_ID, VROL_PASSWORD=VROL_PASSWORD, **extra)

    def start(self, base_env: dict[str, str] | None = None, timeout: float = 90) -> SimulatorProcess:
        """Started and answering its health check; RuntimeError, with the end of its log, otherwise."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.database}{suffix}").unlink(missing_ok=True)
        ensure_sandbox_key(self.key_file)
        env = {**(os.environ if base_env is None else base_env), **self.env(), "DJANGO_HTTPS": "0"}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - this interpreter and manage.py
                [sys.executable, "manage.py", "run_network_simulator", "--port", str(self.port),
                 "--workers", str(self.workers)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        deadline = time.monotonic() + timeout
        while not self.healthy():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the network simulator did not start in {timeout:.0f} s ({self.log}):\n{self.logs()}")
            time.sleep(0.2)
        return self

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:  # noqa: S310 - loopback
                return response.status == 200
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            stop_groups([self.process])

    def logs(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""
