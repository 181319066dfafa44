"""Webhooks (SPEC section 11): a program's endpoints, the outbox of deliveries and each attempt.

Secrets are stored encrypted (cases/webhooks/secrets.py): the signer needs the secret itself to
compute an HMAC, so it cannot be hashed like a password; it is never shown again after create or
rotate, and never logged.
"""

import secrets

from django.db import models

from cases.choices import WebhookDeliveryStatus, WebhookDisabledReason, WebhookEndpointStatus, WebhookFormat
from cases.models.outbox import OutboxRow


def new_endpoint_id() -> str:
    return "we_" + secrets.token_hex(12)


class WebhookEndpoint(models.Model):
    endpoint_id = models.CharField(max_length=40, unique=True, default=new_endpoint_id, editable=False)
    program = models.ForeignKey("cases.Program", on_delete=models.CASCADE, related_name="webhook_endpoints",
                                db_index=False)
    url = models.URLField(max_length=2048)
    description = models.CharField(max_length=500, blank=True, default="")
    events = models.JSONField(default=list, blank=True, help_text="Event types sent; empty means all.")
    format = models.CharField(max_length=16, choices=WebhookFormat.choices, default=WebhookFormat.STANDARD)
    status = models.CharField(max_length=16, choices=WebhookEndpointStatus.choices,
                              default=WebhookEndpointStatus.ENABLED)
    disabled_reason = models.CharField(max_length=16, choices=WebhookDisabledReason.choices, blank=True, default="")
    disabled_at = models.DateTimeField(null=True, blank=True)
    # The first failure of the current unbroken run of failures; cleared by any delivered attempt.
    failing_since = models.DateTimeField(null=True, blank=True)
    secret_encrypted = models.TextField(editable=False)
    # During a rotation the old secret keeps signing beside the new one until it expires.
    previous_secret_encrypted = models.TextField(blank=True, default="", editable=False)
    previous_secret_expires = models.DateTimeField(null=True, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["program", "status"], name="webhookendpoint_program_idx")]
        permissions = [("manage_webhooks", "Can manage webhook endpoints and replay deliveries")]

    def __str__(self):
        return f"{self.endpoint_id} {self.url}"

    @property
    def enabled(self) -> bool:
        return self.status == WebhookEndpointStatus.ENABLED


class WebhookDelivery(OutboxRow):
    """One event to one endpoint: an outbox row written in the transaction of the change."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries",
                                 db_index=False)
    # The webhook-id header: the event's id, the same on every attempt.
    event_id = models.CharField(max_length=64)
    event_type = models.CharField(max_length=64)
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             db_index=False)
    payload = models.JSONField(help_text="The body sent, the same on every attempt.")
    status = models.CharField(max_length=16, choices=WebhookDeliveryStatus.choices,
                              default=WebhookDeliveryStatus.PENDING)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True, default="")
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta(OutboxRow.Meta):
        ordering = ["-created", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhookdelivery_event_once")]
        indexes = [
            *OutboxRow.Meta.indexes,
            models.Index(fields=["endpoint", "-created", "-id"], name="webhookdelivery_log_idx"),
        ]

    def __str__(self):
        return f"{self.event_id} {self.event_type} -> {self.endpoint_id}"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a delivery: when, the answer's status code, latency and first 1 KiB."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    created = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    response_excerpt = models.TextField(blank=True, default="")
    error = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["created", "id"]

    def __str__(self):
        return f"{self.delivery_id} {self.status_code or self.error}"
