from django.db import models


class IdempotencyKey(models.Model):
    """A stored POST result, replayed when the same client repeats the same request (SPEC section 9)."""

    owner = models.CharField(max_length=80, help_text="api_key:<id> or user:<id>")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    in_flight = models.BooleanField(default=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.BinaryField(null=True, blank=True)
    response_headers = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="idempotency_key_unique_per_owner")]
        indexes = [models.Index(fields=["created"], name="idempotency_created_idx")]

    def __str__(self):
        return f"{self.owner} {self.key}"
