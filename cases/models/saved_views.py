"""Saved queue views (SPEC section 14): a person's named queue state (filters, sort, page size, as
the queue's query string), optionally shared with the team."""

from django.conf import settings
from django.db import models


class SavedView(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=2000, blank=True, default="",
                             help_text="The queue's query string (filters, ordering, page_size), without the page.")
    shared = models.BooleanField(default=False, help_text="Shown to the whole team in the navigation.")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_view_name_unique_per_owner")]
        indexes = [models.Index(fields=["name"], condition=models.Q(shared=True), name="saved_view_shared_idx")]

    def __str__(self):
        return self.name
