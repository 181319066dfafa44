"""The deadline sweep behind `manage.py expire_overdue` (SPEC section 3).

Set-based, in batches of one source status at a time, so that the (status, deadline) index hands
out the oldest overdue cases in order and a batch reads only the rows it moves. On PostgreSQL a
batch is one statement: it picks cases with FOR UPDATE SKIP LOCKED, moves them with an UPDATE that
re-checks the status, and writes one event per moved case from the UPDATE's RETURNING, so no row
travels to Python and back. Elsewhere (SQLite, which holds the database for one writer) the same
three steps run through the ORM. Safe to run twice and concurrently: a case moved or locked by
another run is not selected again.
"""

import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from cases import lifecycle
from cases.actors import Actor
from cases.choices import RESPONSE_STATUSES, CaseStatus, EventKind, WebhookEndpointStatus
from cases.models import Case, CaseEvent, WebhookEndpoint
from cases.services.events import events_recorded


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
CHANGES = {"response_due_date": None}
NOTE = "Deadline passed."

# `number = ANY(ARRAY(...))` makes the UPDATE fetch each picked row by primary key instead of
# joining the picked rows against every case in the source status.
_BATCH_SQL = """
WITH picked AS (
    SELECT number FROM {case} WHERE status = %(source)s AND {deadline} < %(today)s
    ORDER BY {deadline}, number LIMIT %(limit)s FOR UPDATE SKIP LOCKED
), moved AS (
    UPDATE {case} SET status = %(target)s, next_deadline = NULL, response_due_date = NULL,
        version = version + 1, updated = %(now)s
    WHERE number = ANY(ARRAY(SELECT number FROM picked)) AND status = %(source)s
    RETURNING number
)
INSERT INTO {event} (case_id, kind, transition, from_status, to_status, changes, note, actor,
                     actor_user_id, actor_api_key_id, request_id, created)
SELECT number, %(kind)s, %(transition)s, %(source)s, %(target)s, %(changes)s::jsonb, %(note)s, %(actor)s,
       NULL, NULL, %(request_id)s, %(now)s
FROM moved
RETURNING id, case_id
"""


def _batch_postgresql(rule: SweepRule, source: str, today, batch_size: int, actor: Actor) -> int:
    """One round trip per batch; the picked rows are locked, so each one is moved."""
    sql = _BATCH_SQL.format(case=Case._meta.db_table, event=CaseEvent._meta.db_table,
                            deadline=Case._meta.get_field(rule.deadline_field).column)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, {
            "source": source, "today": today, "limit": batch_size, "target": str(rule.target),
            "now": timezone.now(), "kind": str(EventKind.TRANSITION), "transition": rule.transition,
            "changes": json.dumps(CHANGES), "note": NOTE, "actor": actor.label, "request_id": actor.request_id,
        })
        written = cursor.fetchall()
        _webhooks_for(dict(written))
        return len(written)


def _batch_orm(rule: SweepRule, source: str, today, batch_size: int, actor: Actor) -> int:
    with transaction.atomic():
        qs = Case.objects.filter(status=source, **{f"{rule.deadline_field}__lt": today})
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        ids = list(qs.order_by(rule.deadline_field, "number").values_list("number", flat=True)[:batch_size])
        if not ids:
            return 0
        moved = Case.objects.filter(pk__in=ids, status=source).update(
            status=rule.target, next_deadline=None, response_due_date=None, version=F("version") + 1,
            updated=timezone.now(),
        )
        # Rows are locked (PostgreSQL) or the database is held by this writer (SQLite IMMEDIATE),
        # so every selected row moved.
        assert moved == len(ids), "sweep lost its lock"
        events = CaseEvent.objects.bulk_create([
            CaseEvent(case_id=number, kind=EventKind.TRANSITION, transition=rule.transition, from_status=source,
                      to_status=rule.target, actor=actor.label, request_id=actor.request_id,
                      changes=CHANGES, note=NOTE)
            for number in ids
        ], batch_size=batch_size)
        _webhooks_for({event.pk: event.case_id for event in events})
        return len(ids)


def _webhooks_for(event_cases: dict[int, int]) -> None:
    """The webhook outbox rows of a batch's events, in the batch's transaction. Skipped at once
    when no program has a webhook endpoint (the common case for a sweep run from cron)."""
    if not event_cases or not WebhookEndpoint.objects.filter(status=WebhookEndpointStatus.ENABLED).exists():
        return
    events = CaseEvent.objects.in_bulk(list(event_cases))
    cases = Case.objects.only("number", "case_id", "program_id", "status", "version").in_bulk(
        set(event_cases.values()))
    events_recorded([(event, cases[event.case_id]) for event in events.values()])


def cases_expire_overdue(*, today=None, batch_size: int = 2000, request_id: str = "") -> dict[str, int]:
    """Move overdue cases: created past the chargeback due date -> expired; awaiting the issuer's
    response past the response deadline -> accepted. Returns counts per transition."""
    today = today or lifecycle.today()
    actor = Actor.for_system(request_id=request_id)
    batch = _batch_postgresql if connection.vendor == "postgresql" else _batch_orm
    counts = {}
    for rule in SWEEP_RULES:
        total = 0
        for source in rule.sources:
            while True:
                moved = batch(rule, str(source), today, batch_size, actor)
                total += moved
                if moved < batch_size:
                    break
        counts[rule.transition] = total
    return counts
