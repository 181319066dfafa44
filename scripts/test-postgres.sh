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
# The webhook and outbox tests run real Celery workers against RabbitMQ (TEST_BROKER_URL); each
# run uses a queue of its own. Start the local broker when it does not answer (bounded wait).
export TEST_BROKER_URL="${TEST_BROKER_URL:-amqp://guest:guest@127.0.0.1:5672//}"
broker_answers() {
  $PY - <<'PY'
import os, sys
from kombu import Connection
try:
    with Connection(os.environ["TEST_BROKER_URL"], connect_timeout=3) as conn:
        conn.ensure_connection(max_retries=1)
except Exception as exc:
    print(f"broker: {exc.__class__.__name__}", file=sys.stderr)
    sys.exit(1)
PY
}
if ! broker_answers; then
  echo "RabbitMQ does not answer at ${TEST_BROKER_URL%%@*}@...: starting the local rabbitmq-server"
  SUDO=""; [ "$(id -u)" = "0" ] || SUDO="sudo"
  if ! command -v rabbitmq-server >/dev/null 2>&1; then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q rabbitmq-server >/dev/null 2>&1 || true
  fi
  $SUDO service rabbitmq-server start >/dev/null 2>&1 || $SUDO rabbitmq-server -detached >/dev/null 2>&1 || true
  for _ in $(seq 30); do broker_answers 2>/dev/null && break; sleep 2; done
  broker_answers || missing "RabbitMQ does not answer at TEST_BROKER_URL (needed by the webhook tests)"
fi
echo "== PostgreSQL tests against ${TEST_POSTGRES_URL%%\?*}"
DATABASE_URL="$TEST_POSTGRES_URL" exec $PY -m pytest -m postgres "$@"
