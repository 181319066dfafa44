"""The transactional outbox (SPEC section 10): how a message that must leave the system is sent.

1. **Write.** A service writes the message as a row of an outbox table (built on `OutboxRow`,
   cases/models/outbox.py: due while `next_attempt_at` is set and past) in the same transaction as
   the change that causes it, then calls `enqueue_on_commit(task, ids)`. After commit the ids go to
   this process's publisher, whose background thread sends them to the broker within
   `OUTBOX_PUBLISH_WINDOW` (merged with other transactions' ids), and the task handles the rows at
   once. A broker that is down fails nothing: the request succeeds, the failure is logged, and the
   row stays due. Code that commits many small
   transactions in a row (a bulk action) wraps them in `batched_enqueue()`: one task message per
   chunk of ids instead of one per transaction.
2. **Relay.** `register_relay(Relay(...))` beside the task; the scheduled `cases.relay_outbox` task
   (every few seconds) runs `claim_due` for each registered table: due rows, oldest first, locked
   with `SELECT ... FOR UPDATE SKIP LOCKED`, leased (`next_attempt_at` moved ahead) and handed to the
   task in chunks as `task.delay(ids, token)`. Two relays never hand out the same row, and a row
   whose task is lost (a broker message dropped, a worker killed mid-task) is due again when its
   lease ends: a message is delayed, never lost.
3. **Handle.** The task calls `take(queryset, ids, token)`: in one short transaction it locks the
   rows still its to handle (due now, or still holding the relay's lease `token`), skipping rows
   another worker holds or that are settled, and leases them for itself. It sends outside any
   transaction, then records each outcome in one transaction with the attempt: `next_attempt_at`
   None when settled, or the time of the next try. A second copy of the message finds nothing to take.

Delivery is at least once (a worker killed after sending, before recording, sends again); the
receiver de-duplicates on the message id. Webhook deliveries (cases/services/webhooks.py,
cases/tasks/webhooks.py) are the worked example; network submissions and letters follow it.
"""

import atexit
import collections
import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from kombu.exceptions import KombuError

logger = logging.getLogger(__name__)

# After a failed publish, enqueueing is skipped for this long: each request would otherwise wait
# out the broker's connect timeout, and the relay sends the rows anyway.
BROKER_BACKOFF_SECONDS = 10.0
_broker_down_until = 0.0


def enqueue(task, *args) -> bool:
    """Send `task(*args)` to the broker now; False (logged, never raised) when the broker is down."""
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        return False
    try:
        task.apply_async(args=args)
    except (OSError, KombuError) as exc:  # broker or network down: the relay picks the rows up later
        _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
        logger.warning("broker unavailable, %s left to the outbox relay (%s)", task.name, exc.__class__.__name__)
        return False
    return True


def _ids_only(args) -> bool:
    """True for the plain `task(ids)` / `task(ids, None)` call that may be merged with others."""
    return 1 <= len(args) <= 2 and isinstance(args[0], list) and (len(args) == 1 or args[1] is None)


def enqueue_on_commit(task, *args) -> None:
    """After the current transaction commits, send `task(*args)`; nothing is sent if it rolls back.

    Inside `batched_enqueue()`, a task called with a list of ids joins the batch instead: many
    small transactions (a bulk action, a bench filing thousands of cases) then send one task
    message per chunk of ids rather than one per transaction. Outside it, ids go to this process's
    publisher (`Publisher`), which sends them from a background thread, merged with the other
    requests' ids, so a request never waits on the broker."""
    if not _ids_only(args):
        transaction.on_commit(lambda: enqueue(task, *args))
        return
    batch = getattr(_batches, "current", None)
    if batch is not None:
        transaction.on_commit(lambda: batch.add(task, args[0]))
    elif publisher.enabled():
        transaction.on_commit(lambda: publisher.add(task, args[0]))
    else:
        transaction.on_commit(lambda: enqueue(task, *args))


class Publisher:
    """Sends the after-commit task messages of this process from one background thread.

    A committed transaction hands its ids over (no broker round trip in the request); the thread
    wakes and sends one message per task and chunk of ids, at once after a quiet spell, else once
    `OUTBOX_PUBLISH_WINDOW` seconds have passed since its last send: under load, many requests'
    deliveries travel in one message and one task handles them together (a send task's own cost
    is most of a delivery's when it carries one or two). Ids never sent (the process dies first, the broker is down) stay due
    in their outbox table and the relay hands them out on its next run: delayed, never lost. At a
    clean exit the buffer is sent. The thread is made on first use in each process (after a fork
    the parent's thread does not exist in the child)."""

    chunk = 50

    def __init__(self):
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        """A fresh buffer: at start, and in a forked child (the parent's ids and thread are the parent's)."""
        self._lock = threading.Lock()
        self._pending: dict[str, tuple[object, list]] = {}
        self._wake = threading.Event()
        self._pid = None
        self._last = float("-inf")  # when the thread last sent

    @staticmethod
    def enabled() -> bool:
        return settings.OUTBOX_PUBLISH_WINDOW > 0 and not settings.CELERY_TASK_ALWAYS_EAGER

    def add(self, task, ids: list) -> None:
        with self._lock:
            self._pending.setdefault(task.name, (task, []))[1].extend(ids)
            if self._pid != os.getpid():
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="outbox-publisher", daemon=True).start()
        self._wake.set()

    def flush(self) -> int:
        """Send everything waiting now; returns the messages sent."""
        with self._lock:
            pending, self._pending = self._pending, {}
        sent = 0
        for task, ids in pending.values():
            for start in range(0, len(ids), self.chunk):
                sent += enqueue(task, ids[start:start + self.chunk], None)
        return sent

    def _run(self) -> None:
        while True:
            self._wake.wait()
            # After a quiet spell the ids go at once; while they keep coming, one send a window.
            time.sleep(max(0.0, self._last + settings.OUTBOX_PUBLISH_WINDOW - time.monotonic()))
            self._wake.clear()
            self._last = time.monotonic()
            try:
                self.flush()
            except Exception:  # never let the thread die: the relay covers what was not sent
                logger.exception("outbox publisher failed; the relay sends what it held")


publisher = Publisher()
atexit.register(publisher.flush)


_batches = threading.local()


class _Batch:
    def __init__(self, chunk: int):
        self.chunk = chunk
        self.pending: dict[str, tuple[object, list]] = {}

    def add(self, task, ids: list) -> None:
        _, waiting = self.pending.setdefault(task.name, (task, []))
        waiting.extend(ids)
        while len(waiting) >= self.chunk:
            enqueue(task, waiting[:self.chunk])
            del waiting[:self.chunk]

    def flush(self) -> None:
        for task, waiting in self.pending.values():
            if waiting:
                enqueue(task, list(waiting))
                waiting.clear()


@contextlib.contextmanager
def batched_enqueue(chunk: int = 50):
    """Gather the ids that committed transactions in this block enqueue for each task, and send
    them `chunk` ids a message as they fill up, the rest when the block ends. A batch that is
    never sent (the process dies in the block) costs a delay, not a message: the relay hands the
    rows out when it next runs."""
    outer = getattr(_batches, "current", None)
    if outer is not None:  # nested: the outer block sends
        yield outer
        return
    batch = _batches.current = _Batch(chunk)
    try:
        yield batch
    finally:
        _batches.current = None
        if connection.in_atomic_block:
            # The block ran inside an outer transaction: its ids join the batch when that one
            # commits, and this callback, registered after theirs, sends what is left.
            transaction.on_commit(batch.flush)
        else:
            batch.flush()


def lock_rows(queryset: QuerySet, *, skip_locked: bool = True) -> QuerySet:
    """`queryset` locked for this transaction, skipping rows another transaction holds (or, with
    `skip_locked=False`, waiting for them).

    Only the outbox table's own rows are locked (`of=("self",)`), never a joined case or endpoint.
    SQLite has no row locks; its IMMEDIATE transactions hold the whole database instead.
    """
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=skip_locked, of=("self",))
    return queryset


def _lease_until(now: datetime, lease_seconds: int | None) -> datetime:
    seconds = settings.OUTBOX_LEASE_SECONDS if lease_seconds is None else lease_seconds
    return now + timedelta(seconds=seconds)


def claim_due(queryset: QuerySet, *, limit: int = 1000, lease_seconds: int | None = None) -> tuple[list, str]:
    """The relay's side: lease up to `limit` due rows of `queryset`; returns (ids, token)."""
    now = timezone.now()
    until = _lease_until(now, lease_seconds)
    with transaction.atomic():
        due = queryset.filter(next_attempt_at__lte=now).order_by("next_attempt_at", "pk")
        ids = list(lock_rows(due).values_list("pk", flat=True)[:limit])
        if ids:
            queryset.model._default_manager.filter(pk__in=ids).update(next_attempt_at=until)
    return ids, until.isoformat()


def take(queryset: QuerySet, ids, token: str | None = None, *, lease_seconds: int | None = None) -> list:
    """The task's side: the rows of `ids` still this task's to handle, leased to it.

    A row is taken when it is due now, or still holds the relay's lease `token` (the relay moved
    it ahead when it handed it out). Settled rows and rows leased to someone else are skipped.
    A row another transaction holds is waited for, then looked at again: skipping it would leave a
    row handed to this task to its lease. A relay run that scanned the due rows while another run
    claimed them holds them until it ends, although it did not take them (PostgreSQL keeps the lock
    on a row whose recheck failed); the webhooks bench lost 800-1,500 of 100,000 deliveries to their
    two-minute lease that way. The rows are locked in id order, as every taker locks them.
    Returns model instances; handle them outside any transaction.
    """
    now = timezone.now()
    mine = Q(next_attempt_at__lte=now)
    if token:
        mine |= Q(next_attempt_at=datetime.fromisoformat(token))
    with transaction.atomic():
        rows = list(lock_rows(queryset.filter(mine, pk__in=list(ids)).order_by("pk"), skip_locked=False))
        if rows:
            until = _lease_until(now, lease_seconds)
            queryset.model._default_manager.filter(pk__in=[row.pk for row in rows]).update(next_attempt_at=until)
            for row in rows:
                row.next_attempt_at = until
    return rows


@dataclass(frozen=True)
class Relay:
    """One outbox table the scheduled relay serves."""

    name: str
    queryset: Callable[[], QuerySet]  # the table's unsettled rows (the relay adds "due now")
    task: object  # a Celery task called as task.delay(ids, token)
    chunk: int = 50  # ids per task message
    limit: int = 2000  # rows claimed per relay run


RELAYS: dict[str, Relay] = {}


def register_relay(relay: Relay) -> None:
    RELAYS[relay.name] = relay


def relay_due() -> dict[str, int]:
    """Hand every due row of every registered outbox to its task; returns rows handed out per table."""
    handed = {}
    for relay in RELAYS.values():
        try:
            ids, token = claim_due(relay.queryset(), limit=relay.limit)
        except Exception:
            logger.exception("outbox relay %s failed", relay.name)
            continue
        for start in range(0, len(ids), relay.chunk):
            if not enqueue(relay.task, ids[start:start + relay.chunk], token):
                break  # broker down: the leases run out and the next relay run tries again
        handed[relay.name] = len(ids)
    return handed


_send_pools: dict[str, ThreadPoolExecutor] = {}
_send_pools_lock = threading.Lock()


def send_pool(name: str, threads: int) -> ThreadPoolExecutor:
    """This process's thread pool for the network waits of one kind of outbox row (webhook sends,
    network filings), made on first use: a worker process sends a batch concurrently, not a row at a time."""
    with _send_pools_lock:
        if name not in _send_pools:
            _send_pools[name] = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=name)
        return _send_pools[name]


# Sends start on this many threads and gain as many again every RAMP_SECONDS while some wait.
SEND_START_THREADS = 8
SEND_RAMP_SECONDS = 0.25


def send_concurrently(pool_name: str, max_threads: int, calls: list[Callable[[], object]]) -> list:
    """Run `calls` (each one send, waiting on the network) on this process's pool `pool_name`;
    returns their results in order.

    The calls are taken from one shared list by a few runner threads, SEND_START_THREADS at first;
    while calls still wait after each SEND_RAMP_SECONDS, more runners join, up to `max_threads`.
    Quick receivers are served by a few threads: dozens of threads all woken at once by quick
    answers spend more CPU passing the interpreter lock around than sending (measured: 1.3-1.6 ms a
    send with 32 threads, 0.5-0.7 ms with 4-8, on loopback). A slow or hanging receiver still gets
    `max_threads` sends in flight within a second."""
    if not calls:
        return []
    results: list = [None] * len(calls)
    waiting = collections.deque(enumerate(calls))

    def runner() -> None:
        while True:
            try:
                index, call = waiting.popleft()
            except IndexError:
                return
            results[index] = call()

    pool = send_pool(pool_name, max_threads)
    runners = [pool.submit(runner) for _ in range(min(SEND_START_THREADS, max_threads, len(calls)))]
    while True:
        _, running = futures.wait(runners, timeout=SEND_RAMP_SECONDS)
        if not running:
            break
        more = min(SEND_START_THREADS, max_threads - len(runners), len(waiting))
        runners += [pool.submit(runner) for _ in range(max(more, 0))]
    for runner_done in runners:
        runner_done.result()  # a call that raised raises here
    return results
