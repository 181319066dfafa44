"""Housekeeping writes run on a schedule (SPEC section 10) or from cron through the commands."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from cases.models import IdempotencyKey

# SPEC section 9: idempotency keys are kept at least 24 hours.
IDEMPOTENCY_MIN_HOURS = 24


def idempotency_keys_purge(*, hours: int | None = None) -> dict[str, int]:
    """Delete stored idempotency keys older than `hours` (IDEMPOTENCY_KEY_TTL_HOURS, never < 24)."""
    hours = max(IDEMPOTENCY_MIN_HOURS, hours or settings.IDEMPOTENCY_KEY_TTL_HOURS)
    cutoff = timezone.now() - timedelta(hours=hours)
    deleted, _ = IdempotencyKey.objects.filter(created__lt=cutoff).delete()
    return {"deleted": deleted, "older_than_hours": hours}
