"""Sandbox controls: what a tester (or a demo) asks of the simulated network that a real one would
not do on request. Under `/control/v1/` on the simulator's port (loopback only, like the wires):

- `GET /control/v1/state`: `{"requests": {"POST /mastercom/v6/claims/1/chargebacks": 1, ...},
  "holds": {"pending": 0, "holding": 0}}`, every wire request received by method and path, and the
  filing answers waiting to be held or held now.
- `POST /control/v1/hold-filings` `{"count": 1, "seconds": 20}`: the answers to the next `count`
  filings (a chargeback, dispute, case or escalation, stored as usual) are held `seconds` before
  they leave: a slow network, or one whose answer is lost when the caller gives up.
- `POST /control/v1/queue-items`: places an acquirer's representment in the issuer's queue now,
  on a claim or on a new one, with the documents given (control_views.py).

The counts and holds live in the server process (one process with the default server; each
gunicorn process keeps its own with `--workers`). Queue items are stored like any answer.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

MAX_HOLD_SECONDS = 120
MAX_HOLD_COUNT = 100

_lock = threading.Lock()
_requests: Counter = Counter()
_holds: list[float] = []  # seconds to hold each of the next filing answers
_holding = 0  # filing answers held right now


def count(request) -> None:
    if request.path.startswith("/control/"):
        return
    with _lock:
        _requests[f"{request.method} {request.path}"] += 1


def snapshot() -> dict:
    with _lock:
        return {"requests": dict(_requests), "holds": {"pending": len(_holds), "holding": _holding}}


def hold_filings(count: int, seconds: float) -> None:
    with _lock:
        _holds[:] = [seconds] * count


def hold_filing_answer() -> None:
    """Called once a filing is stored and answered: hold the answer if a hold is pending."""
    global _holding
    with _lock:
        seconds = _holds.pop(0) if _holds else 0.0
        if seconds:
            _holding += 1
    if not seconds:
        return
    try:
        time.sleep(seconds)
    finally:
        with _lock:
            _holding -= 1
