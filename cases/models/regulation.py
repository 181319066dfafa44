"""Consumer regulation on the record (SPEC section 13): a program's closed dates, the clock and
provisional-credit columns every case carries, the letters a case owes and their templates.

The due dates are computed by `cases.services.regulation` from the rules in `cases.regulation`;
the columns are stored and indexed so the queue, the filters and the scheduled status update
read them without recomputing anything.
"""

from django.db import models
from django.db.models import F, Q

from cases.choices import LetterKind, ProvisionalCreditStatus, RegulationRule, RegulationStatus
from cases.models.outbox import OutboxRow


class ProgramClosedDate(models.Model):
    """A day the program's offices are closed beyond the Federal Reserve holidays (Reg E counts
    business days as the days the institution is open: 12 CFR 1005.2(d))."""

    program = models.ForeignKey("cases.Program", on_delete=models.CASCADE, related_name="closed_dates")
    date = models.DateField()
    description = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["program", "date"]
        constraints = [models.UniqueConstraint(fields=["program", "date"], name="program_closed_date_unique")]

    def __str__(self):
        return f"{self.program} {self.date}"


class CaseRegulationFields(models.Model):
    """The regulation columns of `Case` (abstract: Case inherits them)."""

    regulation_rule = models.CharField(max_length=8, choices=RegulationRule.choices, blank=True, default="",
                                       db_default="")
    notice_received_at = models.DateTimeField(null=True, blank=True,
                                              help_text="When the cardholder told the issuer (starts the clocks).")
    provisional_credit_due = models.DateField(null=True, blank=True)
    provisional_credit_notice_due = models.DateField(null=True, blank=True)
    investigation_due = models.DateField(null=True, blank=True)
    results_notice_due = models.DateField(null=True, blank=True)
    acknowledgement_due = models.DateField(null=True, blank=True)
    resolution_due = models.DateField(null=True, blank=True)
    # When the issuer finished its investigation (Reg E) or resolved the billing error (Reg Z).
    investigation_completed_at = models.DateTimeField(null=True, blank=True)
    regulation_status = models.CharField(max_length=16, choices=RegulationStatus.choices,
                                         default=RegulationStatus.NOT_APPLICABLE,
                                         db_default=RegulationStatus.NOT_APPLICABLE)
    # The earliest open regulatory due date, and the program-local days from which the status
    # turns at risk and breached by the passing of time alone: the scheduled update compares
    # these with today, set-based, and never recomputes a clock.
    regulation_next_due = models.DateField(null=True, blank=True)
    regulation_at_risk_on = models.DateField(null=True, blank=True)
    regulation_breached_on = models.DateField(null=True, blank=True)

    provisional_credit_amount = models.BigIntegerField(default=0, db_default=0, help_text="Minor units.")
    provisional_credit_status = models.CharField(max_length=10, choices=ProvisionalCreditStatus.choices,
                                                 default=ProvisionalCreditStatus.NONE,
                                                 db_default=ProvisionalCreditStatus.NONE)
    provisional_credit_granted_at = models.DateTimeField(null=True, blank=True)
    provisional_credit_reversal_effective_on = models.DateField(null=True, blank=True)
    # Liability (Lithic's liability_allocation): the disputed amount split between what was
    # recovered from the network, written off by the issuer and denied to the cardholder; what is
    # left is `remaining`. The check constraint keeps the three within the disputed amount.
    liability_recovered = models.BigIntegerField(default=0, db_default=0)
    liability_written_off = models.BigIntegerField(default=0, db_default=0)
    liability_denied = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        abstract = True

    @property
    def liability_remaining(self) -> int:
        return self.disputed_amount - self.liability_recovered - self.liability_written_off - self.liability_denied


_OPEN_CLOCK = Q(regulation_status__in=[RegulationStatus.ON_TRACK, RegulationStatus.AT_RISK])

REGULATION_CONSTRAINTS = [
    models.CheckConstraint(
        condition=Q(liability_recovered__gte=0, liability_written_off__gte=0, liability_denied__gte=0,
                    provisional_credit_amount__gte=0)
        & Q(disputed_amount__gte=F("liability_recovered") + F("liability_written_off") + F("liability_denied")),
        name="case_liability_within_disputed_amount",
    ),
    models.CheckConstraint(condition=Q(provisional_credit_amount__lte=F("disputed_amount")),
                           name="case_provisional_credit_within_disputed_amount"),
]
REGULATION_INDEXES = [
    # The scheduled status update: only cases whose clock is running, by the day they change.
    models.Index(fields=["regulation_at_risk_on"], condition=Q(regulation_status=RegulationStatus.ON_TRACK),
                 name="case_reg_at_risk_idx"),
    models.Index(fields=["regulation_breached_on"], condition=_OPEN_CLOCK, name="case_reg_breach_idx"),
    # The queue filtered by regulation status, in deadline order (per program and across programs).
    models.Index(fields=["regulation_status", "next_deadline", "number"], name="case_reg_status_queue_idx"),
    models.Index(fields=["program", "regulation_status", "next_deadline", "number"],
                 name="case_reg_program_queue_idx"),
]


class LetterTemplate(models.Model):
    """A program's wording for one kind of letter (Django template language), editable in the admin.

    The sentences a regulation requires are in the fixed layout around it, not in this text.
    """

    program = models.ForeignKey("cases.Program", on_delete=models.CASCADE, related_name="letter_templates")
    kind = models.CharField(max_length=32, choices=LetterKind.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="Django template language; the case is `case`, the letter `letter`.")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program", "kind"]
        constraints = [models.UniqueConstraint(fields=["program", "kind"], name="letter_template_unique_kind")]

    def __str__(self):
        return f"{self.program} {self.get_kind_display()}"


class Letter(OutboxRow):
    """A letter the case owes the cardholder: an outbox row (cases/services/outbox.py), written in
    the same transaction as its cause and sent (rendered to PDF, stored here, e-mailed) by a task.
    `sent_at` marks it sent; `next_attempt_at` is null once settled (sent, or waiting for a person:
    no e-mail address)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=32, choices=LetterKind.choices)
    due = models.DateField(null=True, blank=True)
    # What the letter states that may change after it was queued (amount, effective date).
    context = models.JSONField(default=dict, blank=True)
    recipient = models.EmailField(blank=True, default="")
    subject = models.CharField(max_length=200, blank=True, default="")
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")

    class Meta(OutboxRow.Meta):
        ordering = ["created", "id"]
        indexes = [*OutboxRow.Meta.indexes, models.Index(fields=["case", "created"], name="letter_case_idx")]

    def __str__(self):
        return f"{self.case_id} {self.kind}"
