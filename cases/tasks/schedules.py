"""The beat schedules (SPEC section 10), as data: `manage.py setup_schedules` writes them as
django-celery-beat `PeriodicTask` rows, which people then edit in the admin (Periodic tasks).

Add a schedule here beside its task; `setup_schedules` creates the rows that are missing and
leaves existing ones (and the admin's edits to them) alone unless run with `--reset`.
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Schedule:
    name: str  # the PeriodicTask's unique name, shown in the admin
    task: str  # a registered task name (`@shared_task(name=...)`)
    every_seconds: int | None = None
    crontab: str | None = None  # "minute hour day_of_month month_of_year day_of_week", UTC
    description: str = ""


SCHEDULES: tuple[Schedule, ...] = (
    Schedule("Outbox relay", "cases.relay_outbox", every_seconds=5,
             description="Hands every due outbox row (webhooks, submissions, letters) to a worker."),
    Schedule("Deadline sweep", "cases.expire_overdue", crontab="5 * * * *",
             description="Expires created cases past the chargeback deadline; accepts cases past the response deadline."),
    Schedule("Idempotency-key purge", "cases.purge_idempotency_keys", crontab="30 3 * * *",
             description="Deletes stored idempotency keys older than IDEMPOTENCY_KEY_TTL_HOURS."),
    Schedule("Deadline reminders", "cases.send_deadline_reminders", crontab="*/10 * * * *",
             description="Writes case.deadline_approaching webhooks 72 h and 24 h before a case's next deadline."),
    Schedule("Network queue poll", "cases.poll_networks", every_seconds=settings.NETWORK_POLL_SECONDS,
             description="Reads each card network's queues, stores each item once, applies it to its case, "
                         "acknowledges it (NETWORK_POLL_SECONDS)."),
    Schedule("Regulatory clock status", "cases.regulation_update_statuses", every_seconds=900,
             description="Moves Reg E / Reg Z cases to at risk or breached as their due dates come (set-based)."),
    Schedule("Regulatory final hours", "cases.regulation_final_hours", crontab="7 * * * *",
             description="Warns 12 hours before a Reg E investigation or Reg Z resolution is due (Decisionly)."),
    Schedule("Provisional credit auto-final", "cases.provisional_credit_auto_final", crontab="15 * * * *",
             description="Makes granted Reg E provisional credit final at the investigation due date."),
)
