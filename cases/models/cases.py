from django.core.validators import RegexValidator
from django.db import models
from django_fsm import FSMField, FSMModelMixin, transition

from cases import lifecycle
from cases.choices import (
    ACTIVE_STATUSES,
    CaseStatus,
    ClaimStatus,
    DisputeType,
    RaisedBy,
    Reason,
    ReviewStatus,
    Source,
)
from cases.models.assignment import ASSIGNMENT_INDEXES, CaseAssignmentFields
from cases.models.regulation import REGULATION_CONSTRAINTS, REGULATION_INDEXES, CaseRegulationFields

CASE_ID_VALIDATOR = RegexValidator(r"^[A-Za-z0-9_-]{1,126}$", "Letters, digits, '_' and '-' only (at most 126).")
_ACTIVE = [s.value for s in ACTIVE_STATUSES]


class Claim(models.Model):
    """Groups cases (Decisionly claims)."""

    program = models.ForeignKey("cases.Program", on_delete=models.CASCADE, related_name="claims")
    claim_id = models.CharField(max_length=126, validators=[CASE_ID_VALIDATOR])
    status = models.CharField(max_length=8, choices=ClaimStatus.choices, default=ClaimStatus.OPEN)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["program", "claim_id"], name="claim_id_unique_per_program")]

    def __str__(self):
        return self.claim_id


class Case(FSMModelMixin, CaseRegulationFields, CaseAssignmentFields, models.Model):
    """A dispute case. `status` changes only through the transitions below, run by cases.services."""

    number = models.BigAutoField(primary_key=True)
    case_id = models.CharField(max_length=126, validators=[CASE_ID_VALIDATOR])
    # Indexed by the constraint and indexes below that lead with the program.
    program = models.ForeignKey("cases.Program", on_delete=models.CASCADE, related_name="cases", db_index=False)
    claim = models.ForeignKey(Claim, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases",
                              db_index=False)
    transaction = models.ForeignKey("cases.Transaction", on_delete=models.PROTECT, related_name="cases")
    reason = models.CharField(max_length=32, choices=Reason.choices)
    network = models.CharField(max_length=16, blank=True, default="")
    network_reason_code = models.CharField(max_length=10, blank=True, default="")
    # The network's claim (Mastercom) or case (VROL) id, set when the network acknowledges the
    # chargeback filing (SPEC 12); inbound queue items name it.
    network_claim_id = models.CharField(max_length=64, blank=True, default="")
    dispute_type = models.CharField(max_length=16, choices=DisputeType.choices, default=DisputeType.DISPUTE)
    level = models.CharField(max_length=32, default="level_1")
    status = FSMField(max_length=32, choices=CaseStatus.choices, default=CaseStatus.CREATED, protected=True)
    review_status = models.CharField(max_length=32, choices=ReviewStatus.choices, null=True, blank=True)
    raised_by = models.CharField(max_length=16, choices=RaisedBy.choices, default=RaisedBy.CARDHOLDER)
    dispute_date = models.DateTimeField()
    disputed_amount = models.BigIntegerField(help_text="Minor units of the currency.")
    currency = models.CharField(max_length=3)
    tdr_details = models.JSONField(null=True, blank=True)
    tax_details = models.JSONField(null=True, blank=True)
    chargeback_due_date = models.DateField(null=True, blank=True)
    response_due_date = models.DateField(null=True, blank=True)
    internal_due_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    next_deadline = models.DateField(null=True, blank=True)
    issuer_evidence = models.JSONField(default=dict, blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)
    comments = models.TextField(blank=True, default="")
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.API)
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [models.F("next_deadline").asc(nulls_last=True), "number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "case_id"], name="case_id_unique_per_program"),
            # One open case per transaction (Mastercard: ANOTHER_OPEN_CASE_ALREADY_EXISTS).
            models.UniqueConstraint(
                fields=["transaction"], condition=models.Q(status__in=_ACTIVE), name="one_open_case_per_transaction"
            ),
            models.CheckConstraint(condition=models.Q(disputed_amount__gte=0), name="case_disputed_amount_non_negative"),
            models.CheckConstraint(condition=models.Q(status__in=[s.value for s in CaseStatus]), name="case_status_valid"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="case_version_positive"),
            *REGULATION_CONSTRAINTS,
        ]
        indexes = [
            models.Index(fields=["program", "next_deadline", "number"], name="case_queue_idx"),
            models.Index(fields=["program", "status", "next_deadline", "number"], name="case_status_queue_idx"),
            models.Index(fields=["program", "created", "number"], name="case_created_idx"),
            models.Index(fields=["status", "chargeback_due_date"], name="case_expiry_idx"),
            models.Index(fields=["status", "response_due_date"], name="case_response_expiry_idx"),
            # The queue's usual view, open cases by deadline: per program (API keys) and across
            # programs (the back office), read in index order and stopped after one page.
            models.Index(fields=["program", "next_deadline", "number"], condition=models.Q(status__in=_ACTIVE),
                         name="case_open_queue_idx"),
            models.Index(fields=["next_deadline", "number"], condition=models.Q(status__in=_ACTIVE),
                         name="case_open_deadline_idx"),
            models.Index(fields=["next_deadline", "number"], name="case_deadline_idx"),
            # Search by case id across programs (the unique constraint leads with the program).
            models.Index(fields=["case_id"], name="case_case_id_idx"),
            # Few cases belong to a claim: only those carry an index entry.
            models.Index(fields=["claim"], condition=models.Q(claim__isnull=False), name="case_claim_idx"),
            models.Index(fields=["network", "network_claim_id"], condition=~models.Q(network_claim_id=""),
                         name="case_network_claim_idx"),
            *REGULATION_INDEXES,
            *ASSIGNMENT_INDEXES,
        ]
        permissions = [(name, f"Can {label.lower()}") for name, label in lifecycle.TRANSITION_LABELS.items()] + list(
            lifecycle.CASE_PERMISSIONS.items()
        )

    def __str__(self):
        return self.case_id

    @property
    def is_active(self) -> bool:
        return self.status in _ACTIVE

    @property
    def etag(self) -> str:
        return f'"{self.number}-{self.version}"'

    # --- transitions (SPEC section 3). They change state in memory; the service saves under lock.

    @transition(
        field=status, source=CaseStatus.CREATED, target=CaseStatus.CHARGEBACK_FILED,
        conditions=[lifecycle.before_chargeback_due_date, lifecycle.not_under_review, lifecycle.disputed_amount_positive,
                    lifecycle.transaction_succeeded, lifecycle.fraud_card_blocked_and_reported],
        permission=lifecycle.permission_for("file_chargeback"),
    )
    def file_chargeback(self):
        pass

    @transition(field=status, source=CaseStatus.CHARGEBACK_FILED, target=CaseStatus.CREATED,
                permission=lifecycle.permission_for("record_filing_rejected"))
    def record_filing_rejected(self):
        """The network refused the chargeback filing (SPEC 12): back to created, for review."""

    @transition(field=status, source=CaseStatus.CREATED, target=CaseStatus.REJECTED,
                permission=lifecycle.permission_for("reject"))
    def reject(self):
        pass

    @transition(field=status, source=CaseStatus.CREATED, target=CaseStatus.EXPIRED, permission=lifecycle.permission_for("expire"))
    def expire(self):
        pass

    @transition(field=status, source=_ACTIVE, target=CaseStatus.WITHDRAWN, permission=lifecycle.permission_for("withdraw"))
    def withdraw(self):
        pass

    @transition(field=status, source=_ACTIVE, target=CaseStatus.MERCHANT_CREDITED,
                permission=lifecycle.permission_for("credit_merchant"))
    def credit_merchant(self):
        pass

    @transition(field=status, source=CaseStatus.CHARGEBACK_FILED, target=CaseStatus.CHARGEBACK_REPRESENTED,
                permission=lifecycle.permission_for("record_representment"))
    def record_representment(self):
        pass

    @transition(field=status, source=CaseStatus.CHARGEBACK_FILED, target=CaseStatus.PREARB_RECEIVED,
                permission=lifecycle.permission_for("record_prearb_received"))
    def record_prearb_received(self):
        pass

    @transition(field=status, source=CaseStatus.CHARGEBACK_REPRESENTED, target=CaseStatus.PREARB_FILED,
                conditions=[lifecycle.before_stage_deadline], permission=lifecycle.permission_for("file_prearbitration"))
    def file_prearbitration(self):
        pass

    @transition(field=status, source=CaseStatus.PREARB_FILED, target=CaseStatus.PREARB_REBUTTED,
                permission=lifecycle.permission_for("record_prearb_rebuttal"))
    def record_prearb_rebuttal(self):
        pass

    @transition(
        field=status, source=[CaseStatus.PREARB_REBUTTED, CaseStatus.PREARB_RECEIVED, CaseStatus.CHARGEBACK_REPRESENTED],
        target=CaseStatus.ARBITRATION_FILED, conditions=[lifecycle.arbitration_path_allowed, lifecycle.before_stage_deadline],
        permission=lifecycle.permission_for("file_arbitration"),
    )
    def file_arbitration(self):
        pass

    @transition(field=status,
                source=[CaseStatus.CHARGEBACK_REPRESENTED, CaseStatus.PREARB_RECEIVED, CaseStatus.PREARB_REBUTTED],
                target=CaseStatus.ACCEPTED, conditions=[lifecycle.before_stage_deadline],
                permission=lifecycle.permission_for("accept"))
    def accept(self):
        pass

    @transition(field=status,
                source=[CaseStatus.CHARGEBACK_FILED, CaseStatus.PREARB_FILED, CaseStatus.ARBITRATION_FILED],
                target=CaseStatus.WON, permission=lifecycle.permission_for("win"))
    def win(self):
        pass

    @transition(field=status,
                source=[CaseStatus.CHARGEBACK_FILED, CaseStatus.PREARB_FILED, CaseStatus.ARBITRATION_FILED],
                target=CaseStatus.LOST, permission=lifecycle.permission_for("lose"))
    def lose(self):
        pass
