"""The regulatory clocks' schedules (SPEC section 13): the status update, the deadline warnings and
auto-final, each a thin door over cases.services, safe to run twice and concurrently."""

from celery import shared_task

from cases.services.provisional_credit import provisional_credit_auto_final
from cases.services.regulation_sweep import regulation_update_statuses, regulation_warn_final_hours


@shared_task(name="cases.regulation_update_statuses")
def update_statuses() -> dict[str, int]:
    return regulation_update_statuses()


@shared_task(name="cases.regulation_final_hours")
def warn_final_hours() -> int:
    return regulation_warn_final_hours()


@shared_task(name="cases.provisional_credit_auto_final")
def auto_final() -> int:
    return provisional_credit_auto_final()
