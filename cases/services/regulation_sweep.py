"""The scheduled regulatory updates (SPEC section 13): statuses that change with the passing of
time, and the warnings before a regulatory due date.

Set-based, per program time zone (each zone has its own "today"), in batches. Each case stores the
days its status turns at risk and breached (`regulation_at_risk_on`, `regulation_breached_on`), so
the update never recomputes a clock: it compares those dates with today, and only the rows whose
status changes are read and written, each with its event in the same statement. On PostgreSQL a
batch is one statement (pick with FOR UPDATE SKIP LOCKED, UPDATE re-checking the status, INSERT the
events from its RETURNING), as the deadline sweep does; elsewhere the same steps run through the ORM.
Safe to run twice and concurrently.
"""


from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from cases.choices import EventKind, RegulationRule, RegulationStatus
from cases.models import Case, CaseEvent, Program
from cases.services.regulation import program_zone

BATCH = 5_000
SYSTEM = "system"


@dataclass(frozen=True)
class StatusWindow:
    name: str
    sources: tuple[str, ...]
    target: str
    day_field: str  # the stored day from which the status applies
    event_kind: str


WINDOWS = (
    # Breach first: a case past its due date is breached, not at risk, whatever it was.
    StatusWindow("breached", (RegulationStatus.ON_TRACK, RegulationStatus.AT_RISK), RegulationStatus.BREACHED,
                 "regulation_breached_on", EventKind.REGULATION),
    # At risk: within 2 business days of a due date, the webhook's `regulatory_deadline_approaching`.
    StatusWindow("at_risk", (RegulationStatus.ON_TRACK,), RegulationStatus.AT_RISK, "regulation_at_risk_on",
                 EventKind.REG_DUE_SOON),
)

_BATCH_SQL = """
WITH picked AS (
    SELECT number FROM {case}
    WHERE program_id = ANY(%(programs)s) AND regulation_status = ANY(%(sources)s) AND {day} <= %(today)s
    LIMIT %(limit)s FOR UPDATE SKIP LOCKED
), moved AS (
    UPDATE {case} SET regulation_status = %(target)s
    WHERE number = ANY(ARRAY(SELECT number FROM picked)) AND regulation_status = ANY(%(sources)s)
    RETURNING number, regulation_status, regulation_next_due
)
INSERT INTO {event} (case_id, kind, transition, from_status, to_status, changes, note, actor,
                     actor_user_id, actor_api_key_id, request_id, created)
SELECT number, %(kind)s, '', '', '', jsonb_build_object('regulation_status', regulation_status,
       'due', regulation_next_due), '', %(actor)s, NULL, NULL, '', %(now)s
FROM moved
RETURNING id, case_id
"""


def _zones(now: datetime) -> dict:
    """Program ids by their local today."""
    by_day: dict = {}
    for program in Program.objects.only("pk", "time_zone"):
        by_day.setdefault(now.astimezone(program_zone(program)).date(), []).append(program.pk)
    return by_day


def _batch_postgresql(window: StatusWindow, programs: list[int], today, now) -> int:
    sql = _BATCH_SQL.format(case=Case._meta.db_table, event=CaseEvent._meta.db_table,
                            day=Case._meta.get_field(window.day_field).column)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, {"programs": programs, "sources": [str(s) for s in window.sources], "today": today,
                             "limit": BATCH, "target": str(window.target), "kind": str(window.event_kind),
                             "actor": SYSTEM, "now": now})
        written = dict(cursor.fetchall())
        _events_written(written)
        return len(written)


def _batch_orm(window: StatusWindow, programs: list[int], today, now) -> int:
    with transaction.atomic():
        picked = Case.objects.filter(program_id__in=programs, regulation_status__in=window.sources,
                                     **{f"{window.day_field}__lte": today})
        if connection.features.has_select_for_update_skip_locked:
            picked = picked.select_for_update(skip_locked=True)
        rows = list(picked.values_list("number", "regulation_next_due")[:BATCH])
        if not rows:
            return 0
        Case.objects.filter(pk__in=[n for n, _ in rows], regulation_status__in=window.sources).update(
            regulation_status=window.target)
        events = CaseEvent.objects.bulk_create([
            CaseEvent(case_id=number, kind=window.event_kind, actor=SYSTEM, created=now,
                      changes={"regulation_status": str(window.target), "due": due.isoformat() if due else None})
            for number, due in rows])
        _events_written({event.pk: event.case_id for event in events})
        return len(rows)


def _events_written(event_cases: dict[int, int]) -> None:
    """The webhook side of events written in bulk (event id -> case number), in the batch's
    transaction; no query at all when no program has an enabled webhook endpoint."""
    from cases.choices import WebhookEndpointStatus
    from cases.models import WebhookEndpoint
    from cases.services.events import events_recorded_for

    if event_cases and WebhookEndpoint.objects.filter(status=WebhookEndpointStatus.ENABLED).exists():
        events_recorded_for(list(CaseEvent.objects.filter(pk__in=list(event_cases))))


def regulation_update_statuses(now: datetime | None = None) -> dict[str, int]:
    """Move statuses whose day has come; returns how many cases moved per window.

    Also, once a Reg E provisional credit due date has passed without credit, the investigation
    is due on that date (12 CFR 1005.11(c)(2)); that rewrites only the rows it concerns.
    """
    now = now or timezone.now()
    moved = {"investigation_due": 0, **{w.name: 0 for w in WINDOWS}}
    batch = _batch_postgresql if connection.vendor == "postgresql" else _batch_orm
    for today, programs in _zones(now).items():
        moved["investigation_due"] += Case.objects.filter(
            program_id__in=programs, regulation_rule=RegulationRule.REG_E,
            provisional_credit_granted_at__isnull=True, investigation_completed_at__isnull=True,
            provisional_credit_due__lt=today, investigation_due__gt=F("provisional_credit_due"),
        ).update(investigation_due=F("provisional_credit_due"))
        for window in WINDOWS:
            while True:
                count = batch(window, programs, today, now)
                moved[window.name] += count
                if count < BATCH:
                    break
    return moved


# Decisionly warns 12 hours before the Reg E / Reg Z resolution deadline (REFERENCE section 2). A
# due date lasts to the end of its day in the program's zone: the warning is due from noon.
FINAL_HOURS = 12
FINAL_HOURS_FROM = 24 - FINAL_HOURS


def regulation_warn_final_hours(now: datetime | None = None) -> int:
    """One `reg_due_12h` event per case whose investigation (Reg E) or resolution (Reg Z) is due
    today, from noon program time, while it is still open; never twice for the same due date."""
    now = now or timezone.now()
    warned = 0
    for program in Program.objects.only("pk", "time_zone"):
        local = now.astimezone(program_zone(program))
        if local.hour < FINAL_HOURS_FROM:
            continue
        today = local.date()
        due = Case.objects.filter(program=program, investigation_completed_at__isnull=True).filter(
            Q(regulation_rule=RegulationRule.REG_E, investigation_due=today)
            | Q(regulation_rule=RegulationRule.REG_Z, resolution_due=today))
        with transaction.atomic():
            ids = set(due.values_list("pk", flat=True))
            done = set(CaseEvent.objects.filter(case_id__in=ids, kind=EventKind.REG_DUE_12H,
                                                changes__due=today.isoformat()).values_list("case_id", flat=True))
            events = CaseEvent.objects.bulk_create([
                CaseEvent(case_id=pk, kind=EventKind.REG_DUE_12H, actor=SYSTEM,
                          changes={"due": today.isoformat(), "hours_before": FINAL_HOURS})
                for pk in sorted(ids - done)])
            _events_written({event.pk: event.case_id for event in events})
            warned += len(ids - done)
    return warned



