"""A real server for the reliability tests: gunicorn on loopback against the PostgreSQL test database
(or a SQLite file: tests/reliability/test_sqlite_concurrency.py).

The tests drive it over HTTP from many threads, and reach into PostgreSQL from a second connection
to hold locks or terminate the server's backends. Every loop is bounded in count and time.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
APP_NAME = "disputes-live"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The test database (what pytest-django created) as a DATABASE_URL, tagged with our application name."""
    cfg = connection.settings_dict
    auth = cfg["USER"] + (f":{cfg['PASSWORD']}" if cfg["PASSWORD"] else "")
    return f"postgres://{auth}@{cfg['HOST'] or '127.0.0.1'}:{cfg['PORT'] or 5432}/{cfg['NAME']}?application_name={APP_NAME}"


def pg_connect(autocommit: bool = True) -> psycopg.Connection:
    """A second connection to the test database, outside Django, for locks and pg_terminate_backend."""
    cfg = connection.settings_dict
    return psycopg.connect(host=cfg["HOST"] or "127.0.0.1", port=cfg["PORT"] or 5432, user=cfg["USER"],
                           password=cfg["PASSWORD"] or None, dbname=cfg["NAME"], autocommit=autocommit)


def server_backends(pg: psycopg.Connection, waiting_on_lock: bool = False) -> list[int]:
    sql = "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND datname = current_database()"
    if waiting_on_lock:
        sql += " AND wait_event_type = 'Lock'"
    return [row[0] for row in pg.execute(sql, [APP_NAME]).fetchall()]


def wait_for(predicate, timeout: float = 15.0, interval: float = 0.02, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class LiveServer:
    """gunicorn (gthread workers) serving the project on 127.0.0.1 against the test database."""

    workers: int = 2
    threads: int = 8
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, tmp_dir: Path, database_env: dict | None = None, env: dict | None = None) -> "LiveServer":
        """`database_env` replaces DATABASE_URL (the PostgreSQL test database) with other variables;
        a None value removes one (no DATABASE_URL: the default SQLite file, SQLITE_PATH). `env` adds
        other settings (a broker, the network gateways)."""
        self.log_path = tmp_dir / f"gunicorn-{self.port}.log"
        database_env = {"DATABASE_URL": database_url()} if database_env is None else database_env
        env = {**os.environ, **(env or {}), **database_env, "DJANGO_SETTINGS_MODULE": "disputes_site.test_settings",
               "DJANGO_DEBUG": "0", "DJANGO_HTTPS": "0", "EVIDENCE_ROOT": str(tmp_dir / "evidence"),
               "LOG_LEVEL": "WARNING"}
        env = {name: value for name, value in env.items() if value is not None}
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "disputes_site.wsgi:application",
             "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--worker-class", "gthread",
             "--threads", str(self.threads), "--timeout", "60", "--graceful-timeout", "5"],
            cwd=ROOT, env=env, stdout=self.log_path.open("wb"), stderr=subprocess.STDOUT,
        )
        wait_for(lambda: self._healthy(), timeout=90, what=f"gunicorn on port {self.port} (log {self.log_path})")
        return self

    def _healthy(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"gunicorn exited: {self.log_path.read_text()[-2000:]}")
        try:
            return self.request("GET", "/healthz", timeout=2).status == 200
        except OSError:
            return False

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def request(self, method: str, path: str, *, json_body=None, body: bytes | None = None, headers=None,
                timeout: float = 30) -> Response:
        headers = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers.setdefault("Content-Type", "application/json")
        req = urllib.request.Request(self.base_url + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - loopback only
                return Response(resp.status, dict(resp.headers), resp.read())
        except urllib.error.HTTPError as exc:
            return Response(exc.code, dict(exc.headers), exc.read())
