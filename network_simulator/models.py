"""The simulated network's own state: claims, what the issuer filed, and the answers it queues.

Nothing here is shared with the case system; the simulator's tables live in its own database
(router.py) and the gateways reach them only over HTTP.
"""

from django.db import models


class SimClaim(models.Model):
    """A disputed transaction as the network knows it: a Mastercom claim or a VROL case."""

    network = models.CharField(max_length=16)
    claim_id = models.CharField(max_length=19, unique=True)
    transaction_ref = models.CharField(max_length=64)  # Mastercom clearingTransactionId / the ARN
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    acquirer_id = models.CharField(max_length=11, default="5678")
    closed_by = models.CharField(max_length=40, blank=True)  # set when the issuer closes it
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["network", "transaction_ref"], name="sim_claim_per_transaction")]

    def __str__(self):
        return f"{self.network} claim {self.claim_id}"


class SimFiling(models.Model):
    """One filing on a claim: the issuer's (chargeback, pre-arbitration, arbitration, accept,
    withdraw) or the acquirer's (a second presentment, a pre-arbitration of its own)."""

    claim = models.ForeignKey(SimClaim, on_delete=models.CASCADE, related_name="filings")
    network = models.CharField(max_length=16)
    kind = models.CharField(max_length=32)
    filed_by = models.CharField(max_length=1, default="I")  # I issuer, A acquirer
    client_reference = models.CharField(max_length=100, blank=True)
    reference = models.CharField(max_length=19, unique=True)  # chargebackId, caseId, disputeId ...
    ref_num = models.CharField(max_length=10, blank=True)  # Mastercom chargebackRefNum
    customer_number = models.CharField(max_length=15, blank=True)  # Mastercom customerFilingNumber
    amount_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, blank=True)
    reason_code = models.CharField(max_length=8, blank=True)
    accepted = models.BooleanField(default=True)
    reject_reason = models.TextField(blank=True)
    status = models.CharField(max_length=32, default="OPEN")  # OPEN, ACCEPTED, REJECTED, WITHDRAWN, REVERSED, ...
    ruling = models.CharField(max_length=32, blank=True)  # Mastercom rulingStatus
    message_text = models.CharField(max_length=100, blank=True)
    documents = models.JSONField(default=list)  # [{name, content_type, size}] as received
    response = models.JSONField(default=dict)  # the answer given, repeated for the same client reference
    status_code = models.IntegerField(default=200)
    visible_at = models.DateTimeField(null=True)  # an acquirer's filing shows once its answer is due
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "client_reference"], condition=~models.Q(client_reference=""),
                                    name="sim_filing_once_per_client_reference"),
            # A claim takes one first chargeback of the issuer (a rejected one does not count): the
            # INSERT finds a second one, so a filing needs no lookup first (state.file_chargeback).
            models.UniqueConstraint(fields=["claim"], condition=models.Q(kind="chargeback", filed_by="I", accepted=True),
                                    name="sim_one_issuer_chargeback_per_claim"),
        ]

    def __str__(self):
        return f"{self.kind} {self.reference}"


class SimAnswer(models.Model):
    """What the network places in one of the issuer's queues once `available_at` has passed."""

    claim = models.ForeignKey(SimClaim, on_delete=models.CASCADE, related_name="answers")
    filing = models.ForeignKey(SimFiling, on_delete=models.CASCADE, related_name="answers", null=True)
    network = models.CharField(max_length=16)
    queue = models.CharField(max_length=40)
    item_id = models.CharField(max_length=19, unique=True)
    kind = models.CharField(max_length=32)  # an InboundKind of cases/gateways/base.py
    progress_state = models.CharField(max_length=40, blank=True)  # Mastercom ClaimSummary.progressState
    ack_reference = models.CharField(max_length=19, blank=True)  # the chargebackId that acknowledges it
    case_reference = models.CharField(max_length=19, blank=True)  # the case filing it concerns
    amount_minor = models.BigIntegerField(null=True)
    currency = models.CharField(max_length=3, blank=True)
    reason = models.TextField(blank=True)
    documents = models.JSONField(default=list)  # [{name, content_type, content (base64)}]
    closes_claim = models.BooleanField(default=False)
    available_at = models.DateTimeField(db_index=True)
    acknowledged_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # The issuer's queue read (state.waiting) names these columns and the condition: it
            # touches only the answers still waiting, not every answer ever queued (40,000 answers
            # made each read of an empty queue a 35 ms scan, and a poll reads five of them).
            models.Index(fields=["network", "queue", "available_at", "id"], name="simanswer_waiting",
                         condition=models.Q(acknowledged_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.queue} {self.kind} {self.item_id}"
