"""Writing webhook deliveries into the outbox (SPEC sections 10 and 11).

`deliveries_for_events` runs inside the transaction of the change (the audit writer calls it,
cases/services/events.py): one `WebhookDelivery` per event and subscribed, enabled endpoint of the
case's program, inserted with one statement, then one task message after commit. A program with
no endpoint costs one indexed query. `deadline_reminders_write` adds the 72 h / 24 h reminders.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from cases.choices import ACTIVE_STATUSES, WebhookEndpointStatus
from cases.models import Case, WebhookDelivery, WebhookEndpoint
from cases.services import outbox
from cases.webhooks import catalog, payloads

# Reminders before a case's next deadline; a deadline day lasts until the end of that day (UTC).
REMINDER_HOURS = (72, 24)


@dataclass(frozen=True)
class CaseChange:
    """What a webhook says about one change: the case's ids and state after it."""

    key: str  # what caused it, unique: "case_event:<id>", "deadline:<case>:<date>:<hours>"
    event_type: str
    created: datetime
    case_number: int
    case_id: str
    program_pk: int
    status: str
    version: int
    previous_status: str = ""
    changes: dict | None = None
    extra: dict | None = None


def _endpoints_by_program(program_pks) -> dict[int, list[dict]]:
    found = defaultdict(list)
    for row in (WebhookEndpoint.objects.filter(program_id__in=set(program_pks), status=WebhookEndpointStatus.ENABLED)
                .values("pk", "program_id", "events", "format", "program__program_id")):
        found[row["program_id"]].append(row)
    return found


def _rows(changes: list[CaseChange], endpoints: dict[int, list[dict]]) -> list[WebhookDelivery]:
    rows = []
    now = timezone.now()
    for change in changes:
        for endpoint in endpoints.get(change.program_pk, ()):
            if not catalog.subscribed(endpoint["events"], change.event_type):
                continue
            data = {"case_id": change.case_id, "program_id": endpoint["program__program_id"],
                    "status": change.status, "version": change.version}
            if change.event_type == catalog.CASE_STATUS_CHANGED:
                data["previous_status"] = change.previous_status
            data.update(change.extra or {})
            built = payloads.build(endpoint["format"], key=change.key, event_type=change.event_type,
                                   created=change.created, data=data, changes=change.changes)
            if built is None:
                continue
            event_id, wire_type, body = built
            rows.append(WebhookDelivery(endpoint_id=endpoint["pk"], event_id=event_id, event_type=wire_type,
                                        case_id=change.case_number, payload=body, next_attempt_at=now, created=now))
    return rows


def deliveries_write(changes: list[CaseChange], *, ignore_conflicts: bool = False) -> list[int]:
    """Insert the deliveries of `changes`; returns their ids (none when conflicts are ignored)."""
    if not changes:
        return []
    endpoints = _endpoints_by_program(change.program_pk for change in changes)
    if not endpoints:
        return []
    rows = _rows(changes, endpoints)
    if not rows:
        return []
    created = WebhookDelivery.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=ignore_conflicts)
    return [row.pk for row in created if row.pk is not None]


def deliveries_for_events(pairs) -> list[int]:
    """The webhook outbox rows of audit events: `pairs` of (CaseEvent, Case after the change).

    Call inside the change's transaction; the send is enqueued after commit."""
    changes = []
    for event, case in pairs:
        event_type = catalog.TYPE_FOR_KIND.get(event.kind)
        if event_type is None:
            continue  # team notes (and kinds no webhook tells) are never sent
        changes.append(CaseChange(
            key=f"case_event:{event.pk}", event_type=event_type, created=event.created, case_number=case.pk,
            case_id=case.case_id, program_pk=case.program_id, status=event.to_status or case.status,
            version=case.version, previous_status=event.from_status, changes=event.changes))
    ids = deliveries_write(changes)
    if ids:
        from cases.tasks.webhooks import deliver_webhooks

        for start in range(0, len(ids), 50):
            outbox.enqueue_on_commit(deliver_webhooks, ids[start:start + 50], None)
    return ids


def reminder_threshold(deadline, now: datetime) -> int | None:
    """72 or 24 when `now` is within that many hours of the end of the deadline day, else None."""
    ends = datetime.combine(deadline + timedelta(days=1), time.min, tzinfo=UTC)
    left = ends - now
    if left <= timedelta(0):
        return None
    for hours in sorted(REMINDER_HOURS):
        if left <= timedelta(hours=hours):
            return hours
    return None


def deadline_reminders_write(*, now: datetime | None = None) -> int:
    """`case.deadline_approaching` for every open case whose next deadline ends within 72 h (then
    24 h), once per case, deadline, threshold and endpoint (the unique event id decides).
    Returns the number of reminders due (already written ones included)."""
    now = now or timezone.now()
    today = now.astimezone(UTC).date()
    subscribed_program = Exists(WebhookEndpoint.objects.filter(program_id=OuterRef("program_id"),
                                                               status=WebhookEndpointStatus.ENABLED))
    cases = (Case.objects.filter(subscribed_program, status__in=ACTIVE_STATUSES, next_deadline__gte=today,
                                 next_deadline__lte=today + timedelta(days=3))
             .values_list("number", "case_id", "program_id", "status", "version", "next_deadline"))
    changes = []
    for number, case_id, program_pk, status, version, deadline in cases.iterator(chunk_size=2000):
        hours = reminder_threshold(deadline, now)
        if hours is None:
            continue
        changes.append(CaseChange(
            key=f"deadline:{number}:{deadline.isoformat()}:{hours}", event_type=catalog.CASE_DEADLINE_APPROACHING,
            created=now, case_number=number, case_id=case_id, program_pk=program_pk, status=status,
            version=version, extra={"deadline": deadline.isoformat(), "hours_before": hours}))
    # A reminder already written has the same event id: the unique constraint skips it. The
    # relay sends the new rows within seconds.
    for start in range(0, len(changes), 2000):
        deliveries_write(changes[start:start + 2000], ignore_conflicts=True)
    return len(changes)
