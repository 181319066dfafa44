"""gunicorn serving the real app for the benchmark, and the resident memory of its workers."""

import http.client
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.env import DATA_DIR, ROOT, log

HOST = "127.0.0.1"


@dataclass(frozen=True)
class ServerConfig:
    workers: int = 2
    threads: int = 4  # > 1 selects the gthread worker (keep-alive connections)
    port: int = 8765

    @property
    def label(self) -> str:
        kind = f"gthread x{self.threads}" if self.threads > 1 else "sync"
        return f"{self.workers} {kind} workers"


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(p) for p in task.read_text().split()]
    return found


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Server:
    """`with Server(config, env) as server:` starts gunicorn, waits for /healthz, stops it on exit."""

    def __init__(self, config: ServerConfig, env: dict[str, str]):
        self.config = config
        self.env = env
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        command = [sys.executable, "-m", "gunicorn", "disputes_site.wsgi:application",
                   "--bind", f"{HOST}:{self.config.port}", "--workers", str(self.config.workers),
                   "--backlog", "256", "--timeout", "60", "--keep-alive", "30"]
        if self.config.threads > 1:
            command += ["--worker-class", "gthread", "--threads", str(self.config.threads)]
        DATA_DIR.mkdir(exist_ok=True)
        self._log = open(DATA_DIR / "gunicorn.log", "ab")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=self._log, stderr=self._log)
        self._wait_ready()
        log(f"gunicorn up: {self.config.label} on {HOST}:{self.config.port}")
        return self

    def _wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}; see {DATA_DIR / 'gunicorn.log'}")
            try:
                conn = http.client.HTTPConnection(HOST, self.config.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200 and len(self.worker_pids()) >= self.config.workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit("gunicorn did not become ready")

    def worker_pids(self) -> list[int]:
        return _children(self.process.pid) if self.process else []

    def worker_rss_mb(self) -> list[float]:
        return [_rss_mb(pid) for pid in self.worker_pids()]

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
