"""Card networks (SPEC section 12): what the issuer submits to a network, what the network sends back.

`NetworkSubmission` is an outbox row (cases/models/outbox.py): written in the transaction of the
transition that owes it, sent by a worker through the network's gateway (cases/gateways/).
`NetworkMessage` is one item read from a network's queue, stored once by its message id.
"""

import secrets

from django.db import models

from cases.choices import NetworkMessageKind, NetworkMessageState, NetworkSubmissionKind, NetworkSubmissionState
from cases.models.outbox import OutboxRow


def new_client_reference() -> str:
    """The issuer's id of one submission, stable across retries: how a retry asks the network
    whether the submission already arrived (exactly once towards the network)."""
    return "sub_" + secrets.token_hex(10)


class NetworkSubmission(OutboxRow):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="network_submissions")
    kind = models.CharField(max_length=16, choices=NetworkSubmissionKind.choices)
    network = models.CharField(max_length=16)
    state = models.CharField(max_length=16, choices=NetworkSubmissionState.choices,
                             default=NetworkSubmissionState.QUEUED)
    client_reference = models.CharField(max_length=40, unique=True, default=new_client_reference, editable=False)
    network_reference = models.CharField(max_length=64, blank=True, default="")
    amount = models.BigIntegerField(help_text="The filed amount, minor units.")
    currency = models.CharField(max_length=3)
    note = models.CharField(max_length=500, blank=True, default="")
    last_error = models.CharField(max_length=1000, blank=True, default="")
    # Files breaking the network's rules, found when the submission was written (named on the case
    # page before anything is sent); the worker checks again before sending.
    packaging_problems = models.JSONField(default=list, blank=True)
    # The evidence as sent: [{"evidence_id", "name" (as sent), "original_name", "content_type", "size"}].
    files = models.JSONField(default=list, blank=True)
    # Evidence a person chose to leave out when retrying after a packaging refusal.
    excluded_evidence = models.JSONField(default=list, blank=True)
    manual_retries = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.CharField(max_length=150, blank=True, default="")

    class Meta(OutboxRow.Meta):
        ordering = ["created", "id"]
        # Supervisors (cases/roles.py): the page of failed submissions and unmatched messages.
        permissions = [("view_network_exceptions", "Can see failed network submissions and unmatched messages")]
        indexes = [
            *OutboxRow.Meta.indexes,
            models.Index(fields=["state", "-created"], name="netsubmission_state_idx",
                         condition=models.Q(state__in=["failed", "rejected"])),
        ]

    def __str__(self):
        return f"{self.client_reference} {self.kind} {self.state}"

    @property
    def settled(self) -> bool:
        return self.state in (NetworkSubmissionState.ACKNOWLEDGED, NetworkSubmissionState.REJECTED,
                              NetworkSubmissionState.FAILED)


class NetworkMessage(models.Model):
    """One item of a network's queue, stored once (network, message_id) before it is acknowledged."""

    network = models.CharField(max_length=16)
    message_id = models.CharField(max_length=128)
    queue = models.CharField(max_length=64, blank=True, default="")
    kind = models.CharField(max_length=32, choices=NetworkMessageKind.choices)
    state = models.CharField(max_length=16, choices=NetworkMessageState.choices, default=NetworkMessageState.RECEIVED)
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="network_messages")
    claim_id = models.CharField(max_length=64, blank=True, default="")
    client_reference = models.CharField(max_length=40, blank=True, default="")
    network_case_id = models.CharField(max_length=64, blank=True, default="")
    amount = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, default="")
    reason = models.CharField(max_length=1000, blank=True, default="")
    # [{"name", "content_type", "size", "evidence_id"} or {"name", ..., "refused": why}]
    documents = models.JSONField(default=list, blank=True)
    # Why the item is unmatched or failed, or which documents were refused; empty when all went well.
    error = models.CharField(max_length=1000, blank=True, default="")
    raw = models.JSONField(default=dict, blank=True)
    received = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    # Which of the network's apply lanes drains it (cases/services/network_inbound.py, `lane_for`):
    # taken from the claim id, so the items of one case share a lane and are applied in order.
    lane = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["received", "id"]
        constraints = [models.UniqueConstraint(fields=["network", "message_id"], name="networkmessage_once")]
        indexes = [
            models.Index(fields=["state", "received"], name="netmessage_state_idx",
                         condition=~models.Q(state="applied")),
            # A lane's drain: its waiting items, oldest first.
            models.Index(fields=["network", "lane", "id"], name="netmessage_lane_waiting_idx",
                         condition=models.Q(state="received")),
            # The items kept for a claim no case knew yet, looked up by every send task that
            # records new claim ids (network_inbound.messages_for_new_claims): a few rows, never a
            # scan of the items whose case is not set yet.
            models.Index(fields=["network", "claim_id"], name="netmessage_unmatched_claim_idx",
                         condition=models.Q(state="unmatched", case__isnull=True)),
        ]

    def __str__(self):
        return f"{self.network} {self.message_id} {self.kind} {self.state}"
