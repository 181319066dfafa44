"""The bench's environment: PostgreSQL running, the bench database, production-style settings."""

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(__file__).resolve().parent / "data"
PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("BENCH_PG_PORT", "5432"))
PG_USER = os.environ.get("BENCH_PG_USER", "postgres")
PG_PASSWORD = os.environ.get("BENCH_PG_PASSWORD", "")
DB_NAME = os.environ.get("BENCH_DB", "disputes_bench")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def database_url(name: str = DB_NAME) -> str:
    auth = f"{PG_USER}:{PG_PASSWORD}" if PG_PASSWORD else PG_USER
    return f"postgres://{auth}@{PG_HOST}:{PG_PORT}/{name}"


def connect(dbname: str = DB_NAME, **kwargs) -> psycopg.Connection:
    return psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, password=PG_PASSWORD or None,
                           dbname=dbname, **kwargs)


def _answers() -> bool:
    try:
        connect("postgres", connect_timeout=3).close()
        return True
    except psycopg.OperationalError:
        return False


def _wait_for_postgres(seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _answers():
            return True
        time.sleep(0.5)
    return False


def _run_quietly(command: list[str]) -> bool:
    try:
        return subprocess.run(command, capture_output=True, check=False).returncode == 0
    except FileNotFoundError:
        return False


def _start_clusters() -> None:
    clusters = Path("/etc/postgresql")
    for version in sorted(p.name for p in clusters.iterdir()) if clusters.is_dir() else []:
        _run_quietly(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"])


def ensure_postgres() -> None:
    """Start PostgreSQL when 127.0.0.1:5432 does not answer; install it (Debian) when it is absent."""
    if _answers():
        return
    log("PostgreSQL does not answer: starting the local cluster")
    _start_clusters()
    if _wait_for_postgres(15):
        return
    log("installing PostgreSQL with apt-get")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    _run_quietly([*sudo, "apt-get", "update", "-q"])
    if not _run_quietly([*sudo, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", "postgresql"]):
        raise SystemExit("Could not install PostgreSQL (apt-get install postgresql failed).")
    _start_clusters()
    # A fresh Debian cluster asks for a password over TCP: give postgres one and use it.
    global PG_PASSWORD
    PG_PASSWORD = PG_PASSWORD or "postgres"
    _run_quietly([*sudo, "su", "postgres", "-c", f"psql -c \"ALTER USER postgres PASSWORD '{PG_PASSWORD}'\""])
    if not _wait_for_postgres(30):
        raise SystemExit(f"PostgreSQL does not answer on {PG_HOST}:{PG_PORT}.")


def ensure_database(name: str = DB_NAME) -> None:
    with connect("postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str = DB_NAME) -> None:
    with connect("postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_environment(**overrides: str) -> dict[str, str]:
    """Production settings (DEBUG off, a generated secret key) on the bench database, persistent connections."""
    DATA_DIR.mkdir(exist_ok=True)
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "bench.floor_settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "600",
        "DJANGO_STATIC_ROOT": str(DATA_DIR / "static"),
        "EVIDENCE_ROOT": str(DATA_DIR / "evidence"),
        # The per-key throttle (6000/min by default) would turn a benchmark into a 429 test: the
        # throttle still runs on every request, at a rate the load cannot reach.
        "API_THROTTLE_RATE": "100000000/min",
        "PYTHONPATH": str(ROOT),
    })
    env.update(overrides)
    return env
