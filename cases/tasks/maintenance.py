"""Scheduled housekeeping: the deadline sweep and the idempotency-key purge (SPEC section 10).

The same services back `manage.py expire_overdue` and `manage.py purge_idempotency_keys` for those
who prefer cron. Both are safe to run twice and concurrently.
"""

from celery import shared_task

from cases.services.maintenance import idempotency_keys_purge
from cases.services.sweep import cases_expire_overdue


@shared_task(name="cases.expire_overdue")
def expire_overdue(batch_size: int = 10_000) -> dict[str, int]:
    return cases_expire_overdue(batch_size=batch_size)


@shared_task(name="cases.purge_idempotency_keys")
def purge_idempotency_keys() -> dict[str, int]:
    return idempotency_keys_purge()
