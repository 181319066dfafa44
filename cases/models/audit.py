from django.db import models

from cases.choices import EventKind


class CaseEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Case events are append-only.")

    def delete(self):
        raise TypeError("Case events are append-only.")


class CaseEvent(models.Model):
    """The append-only audit trail, written by cases.services in the same transaction as the change."""

    # Indexed by caseevent_case_idx, which leads with the case.
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="events", db_index=False)
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    transition = models.CharField(max_length=32, blank=True, default="")
    from_status = models.CharField(max_length=32, blank=True, default="")
    to_status = models.CharField(max_length=32, blank=True, default="")
    changes = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True, default="")
    actor = models.CharField(max_length=150, help_text="user:<username>, api_key:<prefix> or system")
    # Partial indexes below: most events name one actor or none (the sweep), and no event is ever
    # searched by a pattern on the key's id.
    actor_user = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   db_index=False)
    actor_api_key = models.ForeignKey("cases.ApiKey", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", db_index=False)
    request_id = models.CharField(max_length=64, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["created", "id"]
        indexes = [
            models.Index(fields=["case", "created", "id"], name="caseevent_case_idx"),
            models.Index(fields=["actor_user"], condition=models.Q(actor_user__isnull=False),
                         name="caseevent_actor_user_idx"),
            models.Index(fields=["actor_api_key"], condition=models.Q(actor_api_key__isnull=False),
                         name="caseevent_actor_api_key_idx"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.transition}".strip()

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("Case events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Case events are append-only.")
