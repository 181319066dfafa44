"""A live server for the contract tests: gunicorn on a random loopback port over a scratch SQLite
database, with one program and an API key, and Schemathesis run against it as a user runs it."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PROGRAM = "contract"
SUMMARY = re.compile(r"^=+ (.*) =+$")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(tmp: Path) -> dict:
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PYTEST_XDIST_WORKER")}
    env.update(DJANGO_SETTINGS_MODULE="disputes_site.settings", DJANGO_DEBUG="1", SQLITE_PATH=str(tmp / "db.sqlite3"),
               EVIDENCE_ROOT=str(tmp / "evidence"), CELERY_FILESYSTEM_DIR=str(tmp / "celery"), LOG_LEVEL="WARNING",
               API_THROTTLE_RATE="100000/min", WEBHOOK_ALLOW_PRIVATE_URLS="0", PYTHONPATH=str(ROOT))
    return env


@dataclass
class LiveServer:
    tmp: Path
    port: int = 0
    key: str = ""
    process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str) -> str:
        result = subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=server_env(self.tmp),
                                capture_output=True, text=True, timeout=300, check=False)
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def start(self) -> "LiveServer":
        self.manage("migrate", "--noinput", "-v0")
        self.key = self.manage("create_api_key", "--program", PROGRAM, "--scopes", "read,write,manage",
                               "--name", "contract").strip().splitlines()[-1]
        self.port = free_port()
        log = (self.tmp / "gunicorn.log").open("wb")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "disputes_site.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "1", "--worker-class", "gthread", "--threads", "4", "--timeout", "60"],
            cwd=ROOT, env=server_env(self.tmp), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError((self.tmp / "gunicorn.log").read_text()[-3000:])
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not answer /healthz in 90 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def schemathesis(self, schema_path: str, *args: str, config: str = "schemathesis.toml",
                     timeout: int = 600) -> tuple[int, str]:
        """`schemathesis run` with every check (settings in `config`); (exit code, output)."""
        command = [str(BIN / "schemathesis"), "--config-file", str(ROOT / config), "run",
                   self.base_url + schema_path, "--checks", "all",
                   "--header", f"Authorization: Bearer {self.key}", "--no-color", *args]
        result = subprocess.run(command, cwd=ROOT, env={**server_env(self.tmp), "SCHEMATHESIS_CONTRACT_PROGRAM": PROGRAM},
                                capture_output=True, text=True, timeout=timeout, check=False)
        return result.returncode, result.stdout + result.stderr


def summary_line(output: str) -> str:
    """Schemathesis' closing line, e.g. `25 failures, 1 warning in 109.65s`."""
    lines = [SUMMARY.match(line.strip()) for line in output.splitlines()]
    found = [match.group(1) for match in lines if match]
    return found[-1] if found else output.strip().splitlines()[-1] if output.strip() else ""
