from django.db import models

from cases.choices import CardType, Network, TransactionStatus, TransactionSystem


class Transaction(models.Model):
    """The financial document the processor holds. Never a full card number: last4 only."""

    # Indexed by the unique constraints that lead with the program.
    program = models.ForeignKey("cases.Program", on_delete=models.CASCADE, related_name="transactions",
                                db_index=False)
    financial_document_id = models.BigIntegerField()
    external_id = models.CharField(max_length=126, blank=True, default="")
    arn = models.CharField("ARN", max_length=64, blank=True, default="")
    switch_serial_number = models.CharField(max_length=64, blank=True, default="")
    gateway_order_id = models.CharField(max_length=126, blank=True, default="")
    payment_instrument_id = models.CharField(max_length=126, blank=True, default="")
    payment_type = models.CharField(max_length=64, blank=True, default="")
    amount = models.BigIntegerField(help_text="Minor units of the currency.")
    currency = models.CharField(max_length=3)
    date = models.DateTimeField()
    system = models.CharField(max_length=16, choices=TransactionSystem.choices, blank=True, default="")
    status = models.CharField(max_length=10, choices=TransactionStatus.choices, default=TransactionStatus.SUCCESS)
    card_network = models.CharField(max_length=16, choices=Network.choices, blank=True, default="")
    card_last4 = models.CharField(max_length=4, blank=True, default="")
    card_expiry_month = models.PositiveSmallIntegerField(null=True, blank=True)
    card_expiry_year = models.PositiveSmallIntegerField(null=True, blank=True)
    card_type = models.CharField(max_length=10, choices=CardType.choices, blank=True, default="")
    card_issuer_id = models.CharField(max_length=126, blank=True, default="")
    issuer_id = models.CharField(max_length=126, blank=True, default="")
    acquirer_bank_code = models.CharField(max_length=32, blank=True, default="")
    remitter_bank = models.CharField(max_length=126, blank=True, default="")
    nodal_account_number = models.CharField(max_length=64, blank=True, default="")
    merchant = models.ForeignKey("cases.Merchant", on_delete=models.PROTECT, null=True, blank=True)
    cardholder = models.ForeignKey("cases.Cardholder", on_delete=models.PROTECT, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["program", "financial_document_id"], name="transaction_fdid_unique_per_program"),
            models.UniqueConstraint(
                fields=["program", "external_id"], condition=~models.Q(external_id=""),
                name="transaction_external_id_unique_per_program",
            ),
            models.UniqueConstraint(
                fields=["program", "arn"], condition=~models.Q(arn=""), name="transaction_arn_unique_per_program"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="transaction_amount_positive"),
            models.CheckConstraint(condition=models.Q(card_last4="") | models.Q(card_last4__regex=r"^[0-9]{4}$"),
                                   name="transaction_card_last4_digits"),
            models.CheckConstraint(
                condition=models.Q(card_expiry_month__isnull=True)
                | models.Q(card_expiry_month__gte=1, card_expiry_month__lte=12),
                name="transaction_card_expiry_month_range",
            ),
            models.CheckConstraint(
                condition=models.Q(financial_document_id__gt=0), name="transaction_fdid_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["program", "switch_serial_number"], name="transaction_ssn_idx"),
            models.Index(fields=["card_last4"], name="transaction_last4_idx"),
            # Search by last4 within a program (an API key's scope): a handful of rows, not a hundred.
            models.Index(fields=["program", "card_last4"], name="transaction_program_last4_idx"),
            # Search by ARN across programs (the unique constraint leads with the program).
            models.Index(fields=["arn"], condition=~models.Q(arn=""), name="transaction_arn_idx"),
        ]

    def __str__(self):
        return f"{self.financial_document_id} ({self.amount} {self.currency})"

    @property
    def network(self) -> str:
        return self.card_network
