from django.db import models

from cases.choices import ApprovalStatus


class ApprovalRequest(models.Model):
    """Maker-checker (SPEC section 14): one person's request to run an action that needs a second
    person, pending until a different supervisor approves (the action runs) or declines it."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="approval_requests")
    action = models.CharField(max_length=32, help_text="A transition or credit action (cases/approval_rules.py).")
    reason = models.TextField(help_text="Why the requester asks for it.")
    status = models.CharField(max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING)
    requested_by = models.CharField(max_length=150, help_text="user:<username> or api_key:<prefix>")
    requested_by_user = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True,
                                          related_name="+")
    requested_by_api_key = models.ForeignKey("cases.ApiKey", on_delete=models.SET_NULL, null=True, blank=True,
                                             related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.CharField(max_length=150, blank=True, default="")
    decided_by_user = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, default="")
    # The audit event of the action an approval ran.
    result_event = models.ForeignKey("cases.CaseEvent", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")

    class Meta:
        ordering = ["requested_at", "id"]
        permissions = [("decide_approval", "Can approve or decline another person's request")]
        constraints = [
            # One pending request per action on a case: a second would only race the first.
            models.UniqueConstraint(fields=["case", "action"], condition=models.Q(status=ApprovalStatus.PENDING),
                                    name="approval_one_pending_per_action"),
        ]
        indexes = [
            models.Index(fields=["requested_at"], condition=models.Q(status=ApprovalStatus.PENDING),
                         name="approval_pending_idx"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.action} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == ApprovalStatus.PENDING
