#!/usr/bin/env bash
# Runs the tests marked `postgres` (locks, concurrency) against TEST_POSTGRES_URL.
# Without a reachable PostgreSQL they are not run: loudly, and as a failure when REQUIRE_POSTGRES=1.
set -u
cd "$(dirname "$0")/.."
PY=.venv/bin/python

missing() {
  echo
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
  echo "!!! PostgreSQL tests NOT RUN: $1"
  echo "!!! Set TEST_POSTGRES_URL=postgres://user@host:5432/dbname to run them."
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
  if [ "${REQUIRE_POSTGRES:-0}" = "1" ]; then
    echo "REQUIRE_POSTGRES=1: failing."
    exit 1
  fi
  exit 0
}

[ -n "${TEST_POSTGRES_URL:-}" ] || missing "TEST_POSTGRES_URL is not set"
$PY - <<'PY' || missing "cannot connect to TEST_POSTGRES_URL"
import os, sys
import dj_database_url, psycopg
cfg = dj_database_url.parse(os.environ["TEST_POSTGRES_URL"])
try:
    psycopg.connect(host=cfg["HOST"] or None, port=cfg["PORT"] or None, user=cfg["USER"] or None,
                    password=cfg["PASSWORD"] or None, dbname="postgres", connect_timeout=5).close()
except Exception as exc:
    print(f"connection failed: {exc.__class__.__name__}", file=sys.stderr)
    sys.exit(1)
PY
echo "== PostgreSQL tests against ${TEST_POSTGRES_URL%%\?*}"
DATABASE_URL="$TEST_POSTGRES_URL" exec $PY -m pytest -m postgres "$@"
