"""The shape every outbox table shares (SPEC section 10): a row written in the transaction of its
cause, due while `next_attempt_at` is set and past, settled (sent, or given up) when it is null.

Webhook deliveries, network submissions and letters each keep their own table built on this
abstract model, and their own relay task in the pattern of `cases/services/outbox.py`.
"""

from django.db import models
from django.utils import timezone


class OutboxRow(models.Model):
    # Null once the row is settled; the relay's partial index holds only the rows still due.
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=models.Q(next_attempt_at__isnull=False),
                         name="%(app_label)s_%(class)s_due"),
        ]
