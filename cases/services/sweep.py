"""The deadline sweep behind `manage.py expire_overdue` (SPEC section 3).

Set-based in batches: each batch locks its rows with FOR UPDATE SKIP LOCKED (PostgreSQL), moves
them with one UPDATE that re-checks the status, and writes one event per case in one INSERT.
Safe to run twice and concurrently: a case moved or locked by another run is not selected again.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from cases import lifecycle
from cases.actors import Actor
from cases.choices import RESPONSE_STATUSES, CaseStatus, EventKind
from cases.models import Case, CaseEvent


@dataclass(frozen=True)
class SweepRule:
    transition: str
    sources: tuple
    target: str
    deadline_field: str


SWEEP_RULES = (
    SweepRule("expire", (CaseStatus.CREATED,), CaseStatus.EXPIRED, "chargeback_due_date"),
    SweepRule("accept", RESPONSE_STATUSES, CaseStatus.ACCEPTED, "response_due_date"),
)


def _batch(rule: SweepRule, today, batch_size: int, actor: Actor) -> int:
    with transaction.atomic():
        qs = Case.objects.filter(status__in=rule.sources, **{f"{rule.deadline_field}__lt": today})
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        rows = list(qs.order_by(rule.deadline_field, "number").values_list("number", "status")[:batch_size])
        if not rows:
            return 0
        ids = [number for number, _ in rows]
        moved = Case.objects.filter(pk__in=ids, status__in=rule.sources).update(
            status=rule.target, next_deadline=None, response_due_date=None, version=F("version") + 1,
            updated=timezone.now(),
        )
        # Rows are locked (PostgreSQL) or the database is held by this writer (SQLite IMMEDIATE),
        # so every selected row moved.
        assert moved == len(rows), "sweep lost its lock"
        CaseEvent.objects.bulk_create([
            CaseEvent(case_id=number, kind=EventKind.TRANSITION, transition=rule.transition, from_status=status,
                      to_status=rule.target, actor=actor.label, request_id=actor.request_id,
                      changes={"response_due_date": None}, note="Deadline passed.")
            for number, status in rows
        ], batch_size=batch_size)
        return len(rows)


def cases_expire_overdue(*, today=None, batch_size: int = 2000, request_id: str = "") -> dict[str, int]:
    """Move overdue cases: created past the chargeback due date -> expired; awaiting the issuer's
    response past the response deadline -> accepted. Returns counts per transition."""
    today = today or lifecycle.today()
    actor = Actor.for_system(request_id=request_id)
    counts = {}
    for rule in SWEEP_RULES:
        total = 0
        while True:
            moved = _batch(rule, today, batch_size, actor)
            total += moved
            if moved < batch_size:
                break
        counts[rule.transition] = total
    return counts
