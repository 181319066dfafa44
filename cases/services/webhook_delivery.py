"""Sending webhook deliveries and recording each attempt (SPEC section 11).

`deliveries_send(ids, token)` is the outbox handler (cases/services/outbox.py): it takes the rows
still its own, sends them concurrently on a thread pool (sends wait on the network, not the CPU),
then records every outcome and attempt in one transaction. Retries follow Svix's schedule
(REFERENCE section 7): at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; a 429/503 answer's
`Retry-After` pushes the next try later. `410 Gone` disables the endpoint; so does an unbroken
run of failures lasting 5 days.
"""

import functools
import json
import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases.choices import WebhookDeliveryStatus, WebhookDisabledReason, WebhookEndpointStatus
from cases.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from cases.services import outbox
from cases.webhooks import secrets, sender

logger = logging.getLogger(__name__)

RETRY_DELAYS = (timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
                timedelta(hours=5), timedelta(hours=10), timedelta(hours=10))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
FAILING_DISABLES_AFTER = timedelta(days=5)
MAX_RETRY_AFTER = timedelta(hours=24)

def signing_secrets(endpoint: WebhookEndpoint, now) -> list[str]:
    """The endpoint's secret, and its previous one while a rotation's 24 h overlap lasts."""
    found = [secrets.decrypt(endpoint.secret_encrypted)]
    if endpoint.previous_secret_encrypted and endpoint.previous_secret_expires and endpoint.previous_secret_expires > now:
        found.append(secrets.decrypt(endpoint.previous_secret_encrypted))
    return found


def _send(delivery: WebhookDelivery, endpoint: WebhookEndpoint, keys: list[str]) -> sender.Outcome:
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False)
    stamp = timezone.now()
    headers = {
        "webhook-id": delivery.event_id,
        "webhook-timestamp": str(int(stamp.timestamp())),
        "webhook-signature": secrets.sign(keys, delivery.event_id, stamp, body),
    }
    return sender.post(endpoint.url, headers, body.encode())


def _next_try(delivery: WebhookDelivery, outcome: sender.Outcome, now):
    """When to try again after a failed attempt, or None when the schedule is spent."""
    if delivery.attempts >= MAX_ATTEMPTS:
        return None
    wait = RETRY_DELAYS[delivery.attempts - 1]
    if outcome.retry_after is not None:
        wait = max(wait, min(timedelta(seconds=outcome.retry_after), MAX_RETRY_AFTER))
    return now + wait


def deliveries_send(ids, token: str | None = None) -> dict[str, int]:
    """Send the deliveries of `ids` that are still this task's; returns counts by outcome."""
    # The endpoint is read with its rows (only the deliveries are locked, never the endpoint).
    rows = outbox.take(WebhookDelivery.objects.filter(status=WebhookDeliveryStatus.PENDING)
                       .select_related("endpoint"), ids, token)
    if not rows:
        return {}
    now = timezone.now()
    endpoints = {row.endpoint_id: row.endpoint for row in rows}
    keys = {pk: signing_secrets(e, now) for pk, e in endpoints.items() if e.enabled}
    sendable = [row for row in rows if row.endpoint_id in keys]
    sent = outbox.send_concurrently("webhook", settings.WEBHOOK_SEND_THREADS, [
        functools.partial(_send, row, endpoints[row.endpoint_id], keys[row.endpoint_id]) for row in sendable])
    return _record(rows, endpoints, {row.pk: outcome for row, outcome in zip(sendable, sent, strict=True)})


@transaction.atomic
def _record(rows, endpoints, outcomes) -> dict[str, int]:
    now = timezone.now()
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    attempts, gone, failing, succeeded = [], set(), set(), set()
    for row in rows:
        outcome = outcomes.get(row.pk)
        if outcome is None:  # its endpoint was disabled meanwhile
            row.status, row.next_attempt_at, row.last_error = WebhookDeliveryStatus.FAILED, None, "endpoint disabled"
            counts["failed"] += 1
            continue
        row.attempts += 1
        row.last_status_code, row.last_error = outcome.status_code, outcome.error
        attempts.append(WebhookAttempt(delivery_id=row.pk, created=now - timedelta(milliseconds=outcome.latency_ms),
                                       status_code=outcome.status_code, latency_ms=outcome.latency_ms,
                                       response_excerpt=outcome.excerpt, error=outcome.error))
        if outcome.delivered:
            row.status, row.next_attempt_at, row.delivered_at = WebhookDeliveryStatus.DELIVERED, None, now
            succeeded.add(row.endpoint_id)
            counts["delivered"] += 1
            continue
        if outcome.status_code == 410:
            gone.add(row.endpoint_id)
        failing.add(row.endpoint_id)
        row.next_attempt_at = None if outcome.status_code == 410 else _next_try(row, outcome, now)
        if row.next_attempt_at is None:
            row.status = WebhookDeliveryStatus.FAILED
            counts["failed"] += 1
        else:
            counts["retrying"] += 1
    _save_outcomes(rows, outcomes, now)
    WebhookAttempt.objects.bulk_create(attempts)
    recovered = {pk for pk in succeeded if endpoints[pk].failing_since is not None}
    _endpoint_health(recovered, failing - succeeded, gone, now)
    return counts


def _save_outcomes(rows, outcomes, now) -> None:
    """One UPDATE per distinct outcome (a batch is mostly "delivered, 200"), not one per row."""
    groups = defaultdict(list)
    for row in rows:
        key = (row.status, row.next_attempt_at, row.last_status_code, row.last_error, row.delivered_at,
               row.pk in outcomes)
        groups[key].append(row.pk)
    for (status, next_attempt_at, code, error, delivered_at, attempted), pks in groups.items():
        WebhookDelivery.objects.filter(pk__in=pks).update(
            status=status, next_attempt_at=next_attempt_at, last_status_code=code, last_error=error,
            delivered_at=delivered_at, updated=now, **({"attempts": F("attempts") + 1} if attempted else {}))


def _endpoint_health(recovered: set, failing: set, gone: set, now) -> None:
    """`recovered`: endpoints that were failing and just took a delivery; `failing`: endpoints whose
    every attempt in this batch failed; `gone`: endpoints that answered 410."""
    if recovered:
        WebhookEndpoint.objects.filter(pk__in=recovered, failing_since__isnull=False).update(failing_since=None)
    if failing:
        WebhookEndpoint.objects.filter(pk__in=failing, failing_since__isnull=True).update(failing_since=now)
    worn_out = set(WebhookEndpoint.objects.filter(pk__in=failing, status=WebhookEndpointStatus.ENABLED,
                                                  failing_since__lte=now - FAILING_DISABLES_AFTER)
                   .values_list("pk", flat=True))
    for pks, reason in ((gone, WebhookDisabledReason.GONE), (worn_out - gone, WebhookDisabledReason.FAILING)):
        if pks:
            endpoints_disable(pks, reason, now)


def endpoints_disable(pks, reason: str, now=None) -> None:
    """Disable endpoints; their pending deliveries fail (visible, and replayable once re-enabled)."""
    now = now or timezone.now()
    changed = WebhookEndpoint.objects.filter(pk__in=pks, status=WebhookEndpointStatus.ENABLED).update(
        status=WebhookEndpointStatus.DISABLED, disabled_reason=reason, disabled_at=now, updated=now)
    WebhookDelivery.objects.filter(endpoint_id__in=pks, status=WebhookDeliveryStatus.PENDING).update(
        status=WebhookDeliveryStatus.FAILED, next_attempt_at=None, last_error="endpoint disabled", updated=now)
    if changed:
        logger.warning("webhook endpoints disabled: %s (%s)", sorted(pks), reason)
