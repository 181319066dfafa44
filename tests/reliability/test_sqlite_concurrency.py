"""SQLite under concurrent writers, whichever way it is configured (SPEC section 15): the default
file (SQLITE_PATH, no DATABASE_URL) and a `sqlite:///path` DATABASE_URL both queue their writers.

A real gunicorn (two processes, threads each) serves a migrated SQLite file; ten requests at once
must answer 201/409 or 200/409, never a 500 ("database is locked").
"""

import os
import shutil
import subprocess
import sys
from collections import Counter

import pytest

from disputes_site.database import SQLITE_OPTIONS, database_settings
from tests.api.conftest import case_payload
from tests.conftest import authorization, concurrently
from tests.pg.live import ROOT, LiveServer

N = 10


def manage(*args: str, env: dict) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def sqlite_env(path) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "disputes_site.test_settings", "SQLITE_PATH": str(path)}
    env.pop("DATABASE_URL", None)
    return env


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A migrated SQLite file with a program and a manage key; each configuration runs on a copy."""
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    env = sqlite_env(path)
    manage("migrate", "--noinput", env=env)
    key = manage("create_api_key", "--program", "prog_sqlite", "--scopes", "read,write,manage", env=env)
    return path, key.strip().splitlines()[-1]


@pytest.fixture(params=["default", "database_url"])
def server(request, migrated, tmp_path):
    template, key = migrated
    path = tmp_path / "db.sqlite3"
    shutil.copyfile(template, path)
    if request.param == "default":
        database_env = {"DATABASE_URL": None, "SQLITE_PATH": str(path)}
    else:
        database_env = {"DATABASE_URL": f"sqlite:///{path}", "SQLITE_PATH": str(tmp_path / "unused.sqlite3")}
    live = LiveServer(workers=2, threads=8).start(tmp_path, database_env=database_env)
    yield live, key
    live.stop()


def test_every_sqlite_configuration_queues_its_writers():
    default = database_settings({}, "/srv/db.sqlite3")
    from_url = database_settings({"DATABASE_URL": "sqlite:////srv/other.sqlite3"}, "/srv/db.sqlite3")
    assert default["OPTIONS"] == from_url["OPTIONS"] == SQLITE_OPTIONS
    assert (default["NAME"], from_url["NAME"]) == ("/srv/db.sqlite3", "/srv/other.sqlite3")
    spelled_out = database_settings({"DATABASE_URL": "sqlite:////srv/x.sqlite3?timeout=60"}, "")
    assert spelled_out["OPTIONS"] == {**SQLITE_OPTIONS, "timeout": 60}
    postgres = database_settings({"DATABASE_URL": "postgres://u@127.0.0.1:5432/d", "DATABASE_POOL": "1"}, "")
    assert "transaction_mode" not in postgres["OPTIONS"] and postgres["OPTIONS"]["pool"]["max_size"] == 8


def test_concurrent_creates_and_transitions_never_answer_500(server):
    live, key = server
    headers = {"Authorization": authorization(key)}
    body = case_payload()

    def create():
        return live.request("POST", "/api/v1/cases", json_body=body, headers=headers)

    created = concurrently([create] * N)
    answered = [r for r in created if not isinstance(r, Exception)]
    assert len(answered) == N, [r for r in created if isinstance(r, Exception)]
    assert Counter(r.status for r in answered) == {201: 1, 409: N - 1}, [r.body[:200] for r in answered]
    case_id = next(r for r in answered if r.status == 201).json()["case_id"]
    assert {r.json()["case_id"] for r in answered if r.status == 409} == {case_id}

    url = f"/api/v1/cases/{case_id}/transitions"

    def transition():
        return live.request("POST", url, json_body={"transition": "file_chargeback"}, headers=headers)

    moved = concurrently([transition] * N)
    answered = [r for r in moved if not isinstance(r, Exception)]
    assert len(answered) == N, [r for r in moved if isinstance(r, Exception)]
    assert Counter(r.status for r in answered) == {200: 1, 409: N - 1}, [r.body[:200] for r in answered]
    assert {r.json()["code"] for r in answered if r.status == 409} == {"transition_not_allowed"}
    events = live.request("GET", f"/api/v1/cases/{case_id}/events", headers=headers).json()
    events = events.get("results", events.get("data", events)) if isinstance(events, dict) else events
    assert sum(e["kind"] == "transition" for e in events) == 1
