"""Who works a case (SPEC section 14): the case's `assignee` column and the indexes that serve
"Take next" and the queue's mine / unassigned / by-assignee filters."""

from django.conf import settings
from django.db import models

from cases.choices import ACTIVE_STATUSES

_ACTIVE = [s.value for s in ACTIVE_STATUSES]


class CaseAssignmentFields(models.Model):
    """The assignment column of `Case` (abstract: Case inherits it). Null means unassigned."""

    # Indexed by ASSIGNMENT_INDEXES below (partial indexes that lead with what the queries filter on).
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="assigned_cases", db_index=False)

    class Meta:
        abstract = True


ASSIGNMENT_INDEXES = [
    # "Take next": the open, unassigned cases in deadline order. The partial index holds exactly the
    # candidates, so the first unlocked row is read from its head whatever the size of the book.
    models.Index(fields=["next_deadline", "number"], condition=models.Q(status__in=_ACTIVE, assignee__isnull=True),
                 name="case_take_next_idx"),
    # A person's cases (the queue's "mine" and "by assignee", the manager view's rows).
    models.Index(fields=["assignee", "next_deadline", "number"], condition=models.Q(assignee__isnull=False),
                 name="case_assignee_queue_idx"),
]
