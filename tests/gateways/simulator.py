"""A real network simulator process for tests: `manage.py run_network_simulator` on a random
loopback port, with its own database and signing key in a temporary folder, stopped (its whole
process group) when the test is done. Other suites reuse it:

    with running_simulator(tmp_path, delay=0) as sim:
        with sim.settings():          # the gateways of this process point at it
            ...
        sim.env()                     # the variables a worker process needs to point at it
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
from dataclasses import dataclass
from pathlib import Path

from django.test import override_settings

from cases.gateways.keys import ensure_sandbox_key

ROOT = Path(__file__).resolve().parents[2]
CONSUMER_KEY = "test-consumer-key"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Simulator:
    url: str
    key_file: Path
    database: Path
    log: Path
    process: subprocess.Popen
    delay: float
    window: float

    def env(self) -> dict:
        return {"NETWORK_SIMULATOR": "1", "NETWORK_SIMULATOR_URL": self.url,
                "NETWORK_SIMULATOR_DELAY": str(self.delay), "NETWORK_SIMULATOR_WINDOW": str(self.window),
                "MASTERCOM_BASE_URL": f"{self.url}/mastercom", "VROL_BASE_URL": f"{self.url}/vrol",
                "MASTERCOM_CONSUMER_KEY": CONSUMER_KEY, "MASTERCOM_SIGNING_KEY_FILE": str(self.key_file),
                "MASTERCOM_SIGNING_KEY_PASSWORD": "", "MASTERCOM_PROGRAM_KEYS": "{}",
                "VROL_USER_ID": "disputes-sandbox", "VROL_PASSWORD": "sandbox-password"}

    def settings(self):
        return override_settings(
            NETWORK_SIMULATOR=True, NETWORK_SIMULATOR_URL=self.url, MASTERCOM_BASE_URL=f"{self.url}/mastercom",
            VROL_BASE_URL=f"{self.url}/vrol", MASTERCOM_CONSUMER_KEY=CONSUMER_KEY,
            MASTERCOM_SIGNING_KEY_FILE=str(self.key_file), MASTERCOM_SIGNING_KEY_PASSWORD="",
            MASTERCOM_PROGRAM_KEYS={}, VROL_USER_ID="disputes-sandbox", VROL_PASSWORD="sandbox-password",
            NETWORK_HTTP_TIMEOUT=20)

    def logs(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 - loopback
            return response.status == 200
    except OSError:
        return False


def start(tmp_dir: Path, *, delay: float = 0, window: float | None = None, timeout: float = 90,
          workers: int = 1) -> Simulator:
    tmp_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    key_file = ensure_sandbox_key(tmp_dir / "mastercom-key.pem")
    window = delay * 3 if window is None else window
    sim = Simulator(url=url, key_file=key_file, database=tmp_dir / "simulator.sqlite3", log=tmp_dir / "simulator.log",
                    process=None, delay=delay, window=window)  # type: ignore[arg-type]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "disputes_site.test_settings", "DJANGO_HTTPS": "0",
           "NETWORK_SIMULATOR_DATABASE": str(sim.database), "NETWORK_SIMULATOR_PORT": str(port), **sim.env()}
    sim.process = subprocess.Popen([sys.executable, "manage.py", "run_network_simulator", "--port", str(port),
                                    "--workers", str(workers)],
                                   cwd=ROOT, env=env, stdout=sim.log.open("wb"), stderr=subprocess.STDOUT,
                                   start_new_session=True)
    deadline = time.monotonic() + timeout
    while not _healthy(url):
        if sim.process.poll() is not None:
            raise AssertionError(f"the simulator exited: {sim.logs()}")
        if time.monotonic() > deadline:
            stop(sim)
            raise AssertionError(f"the simulator did not start in {timeout}s: {sim.logs()}")
        time.sleep(0.2)
    return sim


def stop(sim: Simulator) -> None:
    if sim.process.poll() is None:
        os.killpg(sim.process.pid, signal.SIGTERM)
        try:
            sim.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(sim.process.pid, signal.SIGKILL)
            sim.process.wait(timeout=5)


@contextlib.contextmanager
def running_simulator(tmp_dir: Path, **options):
    sim = start(tmp_dir, **options)
    try:
        yield sim
    finally:
        stop(sim)
