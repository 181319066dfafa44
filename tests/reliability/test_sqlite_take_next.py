"""SPEC section 14 on SQLite: twenty analysts press "Take next" at once against a real server
process (gunicorn, two processes with threads) serving a migrated SQLite file. No answer is a 500
("database is locked"), and every case goes to at most one analyst: SQLite's IMMEDIATE transactions
queue the takers, and the conditional UPDATE never hands a case out twice.

The PostgreSQL version (FOR UPDATE SKIP LOCKED) is tests/pg/test_take_next_live.py.
"""

import http.client
import json
import secrets
import sqlite3
import subprocess
import sys

from tests.conftest import concurrently
from tests.pg.live import ROOT, LiveServer
from tests.reliability.test_sqlite_concurrency import manage, sqlite_env

ANALYSTS = 20
CASES = ANALYSTS + 5

# Run in a child process against the SQLite file: a program, 25 open cases with different
# deadlines, 20 analysts each signed in (a session row in the file). Prints what the test needs.
SEED = f"""
import json
from datetime import timedelta

import django

django.setup()

from django.test import Client

from cases.lifecycle import today
from cases.models import Case
from tests.factories import ProgramFactory, make_case, make_user

program = ProgramFactory(program_id="prog_sqlite_team")
start = today()
for i in range({CASES}):
    case = make_case(program)
    Case.objects.filter(pk=case.pk).update(next_deadline=start + timedelta(days=(i * 7) % 31))
people = {{}}
for i in range({ANALYSTS}):
    user = make_user(f"analyst{{i:02d}}", "analyst")
    client = Client()
    client.force_login(user)
    people[user.username] = {{"id": user.pk, "session": client.cookies["sessionid"].value}}
print(json.dumps(people))
"""


def seed(env: dict) -> dict:
    result = subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def press_take_next(port: int, session: str) -> tuple[int, str]:
    """One POST from a signed-in browser (session cookie, CSRF cookie and header), the redirect not
    followed: (status, Location)."""
    token = secrets.token_hex(16)  # a 32-character secret: Django accepts it unmasked in the header
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", "/cases/take-next/", body=b"", headers={
            "Cookie": f"sessionid={session}; csrftoken={token}", "X-CSRFToken": token,
            "Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location") or ""
    finally:
        connection.close()


def test_twenty_analysts_pressing_take_next_on_sqlite_never_get_a_500_nor_the_same_case(tmp_path):
    path = tmp_path / "db.sqlite3"
    env = sqlite_env(path)
    manage("migrate", "--noinput", env=env)
    people = seed(env)
    with sqlite3.connect(path) as db:
        expected = [row[0] for row in db.execute(
            "SELECT number FROM cases_case WHERE assignee_id IS NULL ORDER BY next_deadline, number LIMIT ?",
            [ANALYSTS])]
    live = LiveServer(workers=2, threads=8).start(tmp_path, database_env={"DATABASE_URL": None,
                                                                          "SQLITE_PATH": str(path)})
    try:
        names = sorted(people)
        answers = concurrently([lambda s=people[name]["session"]: press_take_next(live.port, s) for name in names])
    finally:
        live.stop()

    assert not [a for a in answers if isinstance(a, Exception)], answers
    statuses = [status for status, _ in answers]
    assert 500 not in statuses, (statuses, live.log_path.read_text()[-3000:])
    assert statuses == [303] * ANALYSTS, answers
    assert all(location.startswith("/cases/") and location != "/cases/" for _, location in answers), answers
    taken = [int(location.rstrip("/").rsplit("/", 1)[1]) for _, location in answers]
    assert len(set(taken)) == ANALYSTS  # nobody was handed a case someone else got
    assert sorted(taken) == sorted(expected)  # queued one after another: the twenty earliest deadlines

    with sqlite3.connect(path) as db:
        holders = dict(db.execute("SELECT number, assignee_id FROM cases_case WHERE assignee_id IS NOT NULL"))
        events = db.execute("SELECT case_id FROM cases_caseevent WHERE kind = 'assignment'").fetchall()
    assert sorted(holders) == sorted(taken)
    for name, number in zip(names, taken, strict=True):
        assert holders[number] == people[name]["id"], (name, number)
    assert sorted(case for (case,) in events) == sorted(taken)  # one assignment event each
