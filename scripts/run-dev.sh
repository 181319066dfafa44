#!/usr/bin/env bash
# `make run`'s processes: the web server, a Celery worker, the beat scheduler and the network simulator,
# each logging to var/log/. Ctrl-C (or any one of them exiting) stops them all. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT="${PORT:-8000}"
LOG_DIR=var/log
mkdir -p "$LOG_DIR"
export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
# Webhooks to a receiver on this machine (the demo receiver page) are allowed in development.
export WEBHOOK_ALLOW_PRIVATE_URLS="${WEBHOOK_ALLOW_PRIVATE_URLS:-1}"
# The simulated card networks answer after 20 seconds, so a demo case visibly moves on its own.
export NETWORK_SIMULATOR_PORT="${NETWORK_SIMULATOR_PORT:-8001}"
export NETWORK_SIMULATOR_DELAY="${NETWORK_SIMULATOR_DELAY:-20}"

pids=()
start() {  # start NAME COMMAND...: runs COMMAND in the background, logging to var/log/NAME.log
  local name="$1"; shift
  "$@" >"$LOG_DIR/$name.log" 2>&1 &
  pids+=("$!")
  printf '  %-10s pid %-7s log %s\n' "$name" "$!" "$LOG_DIR/$name.log"
}
stopping=0
stop() {
  trap - INT TERM EXIT
  stopping=1
  echo "Stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # A worker finishes the task it runs first; whatever still runs after 10 s is killed, with its
  # children (the worker's pool processes), so Ctrl-C always returns the prompt.
  for _ in $(seq 100); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      echo "  pid $pid did not stop within 10 s: killed"
      pkill -KILL -P "$pid" 2>/dev/null || true
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

echo "Broker: ${CELERY_BROKER_URL:-filesystem (var/celery/)}"
echo "Starting:"
start web "$BIN/python" manage.py runserver "127.0.0.1:$PORT" --noreload
start worker "$BIN/python" -m celery -A disputes_site worker --loglevel INFO \
  --concurrency "${CELERY_CONCURRENCY:-2}" --hostname "worker-dev@%h"
start beat "$BIN/python" -m celery -A disputes_site beat --loglevel INFO \
  --pidfile ""
# The network simulator (SPEC section 12; docs/networks.md): both card-network wires on loopback,
# answering NETWORK_SIMULATOR_DELAY seconds after a filing. The gateways of web and worker point
# at it (NETWORK_SIMULATOR is on with DJANGO_DEBUG=1).
start simulator "$BIN/python" manage.py run_network_simulator --port "$NETWORK_SIMULATOR_PORT"
echo "Open http://127.0.0.1:$PORT/ ; Ctrl-C stops everything. Follow the logs with: tail -f $LOG_DIR/*.log"
# Stop everything as soon as any one process ends (Ctrl-C runs `stop` through the trap).
wait -n "${pids[@]}" || true
[ "$stopping" = 1 ] || echo "A process exited; see its log in $LOG_DIR/. Stopping the others."
