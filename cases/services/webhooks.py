"""Webhook endpoints (SPEC section 11): create, edit, delete, rotate the secret, replay deliveries.

Every door (the native API for scope `manage`, the back office for supervisors) calls these. The
plain secret is returned by create and rotate only; it is stored encrypted and never logged.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cases.actors import Actor
from cases.choices import WebhookDeliveryStatus, WebhookDisabledReason, WebhookEndpointStatus, WebhookFormat
from cases.exceptions import FieldError, ValidationFailed, WebhookEndpointDisabled
from cases.limits import has_control
from cases.models import Program, WebhookDelivery, WebhookEndpoint
from cases.services import outbox
from cases.services.events import require_perm
from cases.services.webhook_delivery import endpoints_disable
from cases.webhooks import catalog, secrets, urlguard

ROTATION_OVERLAP = timedelta(hours=24)
MAX_DESCRIPTION = 500
PERM = "cases.manage_webhooks"
UNSET = object()


def _clean(*, url=UNSET, events=UNSET, fmt=UNSET, description=UNSET, status=UNSET) -> dict:
    """The given fields, checked; every problem is collected into one ValidationFailed."""
    errors, fields = [], {}
    if url is not UNSET:
        problem = "Must be a string." if not isinstance(url, str) else urlguard.url_problem(url.strip())
        if problem:
            errors.append(FieldError("url", "invalid_url", problem))
        else:
            fields["url"] = url.strip()
    if events is not UNSET:
        if events is None:
            events = []
        if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
            errors.append(FieldError("events", "invalid_type", "Must be a list of event type names."))
        elif len(events) > len(catalog.EVENT_TYPES):
            errors.append(FieldError("events", "too_many", f"At most {len(catalog.EVENT_TYPES)} event types."))
        else:
            unknown = [e for e in events if e not in catalog.EVENT_TYPES]
            if unknown:
                errors.append(FieldError("events", "unknown_event_type",
                                         f"Unknown event type {unknown[0][:64]!r}; known: {', '.join(catalog.EVENT_TYPES)}."))
            else:
                fields["events"] = list(dict.fromkeys(events))
    if fmt is not UNSET:
        if fmt not in WebhookFormat.values:
            errors.append(FieldError("format", "invalid_choice", f"Must be one of: {', '.join(WebhookFormat.values)}."))
        else:
            fields["format"] = fmt
    if description is not UNSET:
        if description is None:
            description = ""
        if not isinstance(description, str):
            errors.append(FieldError("description", "invalid_type", "Must be a string."))
        elif len(description) > MAX_DESCRIPTION:
            errors.append(FieldError("description", "too_long", f"At most {MAX_DESCRIPTION} characters."))
        elif has_control(description, multiline=True):
            errors.append(FieldError("description", "invalid_characters", "Control characters are not allowed."))
        else:
            fields["description"] = description.strip()
    if status is not UNSET:
        if status not in WebhookEndpointStatus.values:
            errors.append(FieldError("status", "invalid_choice",
                                     f"Must be one of: {', '.join(WebhookEndpointStatus.values)}."))
        else:
            fields["status"] = status
    if errors:
        raise ValidationFailed(errors)
    return fields


@transaction.atomic
def endpoint_create(*, program: Program, actor: Actor, url, events=None, format=WebhookFormat.STANDARD,
                    description="") -> tuple[WebhookEndpoint, str]:
    """A new enabled endpoint and its secret (returned this once)."""
    require_perm(actor, PERM, "You may not manage webhook endpoints.")
    fields = _clean(url=url, events=events, fmt=WebhookFormat.STANDARD if format in (None, "") else format,
                    description=description)
    secret = secrets.generate_secret()
    endpoint = WebhookEndpoint.objects.create(program=program, secret_encrypted=secrets.encrypt(secret), **fields)
    return endpoint, secret


@transaction.atomic
def endpoint_update(*, endpoint: WebhookEndpoint, actor: Actor, **changes) -> WebhookEndpoint:
    """Change url, events, format, description or status (re-enabling clears the failure record)."""
    require_perm(actor, PERM, "You may not manage webhook endpoints.")
    if "format" in changes:
        changes["fmt"] = changes.pop("format")
    fields = _clean(**changes)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    status = fields.pop("status", None)
    for name, value in fields.items():
        setattr(endpoint, name, value)
    endpoint.save()
    if status == WebhookEndpointStatus.DISABLED and endpoint.enabled:
        endpoints_disable([endpoint.pk], WebhookDisabledReason.MANUAL)
    elif status == WebhookEndpointStatus.ENABLED and not endpoint.enabled:
        endpoint.status, endpoint.disabled_reason, endpoint.disabled_at = status, "", None
        endpoint.failing_since = None
        endpoint.save(update_fields=["status", "disabled_reason", "disabled_at", "failing_since", "updated"])
    endpoint.refresh_from_db()
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, actor: Actor) -> None:
    require_perm(actor, PERM, "You may not manage webhook endpoints.")
    endpoint.delete()


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: WebhookEndpoint, actor: Actor) -> tuple[WebhookEndpoint, str]:
    """A new secret; the old one keeps signing beside it for 24 hours (two signatures per message)."""
    require_perm(actor, PERM, "You may not manage webhook endpoints.")
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    secret = secrets.generate_secret()
    endpoint.previous_secret_encrypted = endpoint.secret_encrypted
    endpoint.previous_secret_expires = timezone.now() + ROTATION_OVERLAP
    endpoint.secret_encrypted = secrets.encrypt(secret)
    endpoint.save()
    return endpoint, secret


def _requeue(queryset) -> list[int]:
    ids = list(queryset.values_list("pk", flat=True))
    if ids:
        WebhookDelivery.objects.filter(pk__in=ids).update(
            status=WebhookDeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error="")
        from cases.tasks.webhooks import deliver_webhooks

        for start in range(0, len(ids), 50):
            outbox.enqueue_on_commit(deliver_webhooks, ids[start:start + 50], None)
    return ids


@transaction.atomic
def delivery_replay(*, delivery: WebhookDelivery, actor: Actor) -> WebhookDelivery:
    """Send a delivery again (same webhook-id), with a fresh retry schedule."""
    require_perm(actor, PERM, "You may not replay webhook deliveries.")
    if not delivery.endpoint.enabled:
        raise WebhookEndpointDisabled("Enable the endpoint before replaying its deliveries.")
    _requeue(WebhookDelivery.objects.filter(pk=delivery.pk).exclude(status=WebhookDeliveryStatus.PENDING))
    delivery.refresh_from_db()
    return delivery


@transaction.atomic
def deliveries_replay_failed(*, endpoint: WebhookEndpoint, actor: Actor, since) -> int:
    """Send again every failed delivery of the endpoint created since `since`; returns how many."""
    require_perm(actor, PERM, "You may not replay webhook deliveries.")
    if not endpoint.enabled:
        raise WebhookEndpointDisabled("Enable the endpoint before replaying its deliveries.")
    return len(_requeue(WebhookDelivery.objects.filter(endpoint=endpoint, status=WebhookDeliveryStatus.FAILED,
                                                       created__gte=since)))
