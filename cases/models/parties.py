from django.db import models

from cases.choices import CardholderType


class Merchant(models.Model):
    program = models.ForeignKey("cases.Program", on_delete=models.CASCADE, related_name="merchants")
    external_id = models.CharField(max_length=126, blank=True, default="")
    name = models.CharField(max_length=200)
    business_name = models.CharField(max_length=200, blank=True, default="")
    mcc = models.CharField("MCC", max_length=4, blank=True, default="")
    chargeback_email = models.EmailField(blank=True, default="")
    mobile = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "external_id"],
                condition=~models.Q(external_id=""),
                name="merchant_external_id_unique_per_program",
            ),
            models.CheckConstraint(
                condition=models.Q(mcc="") | models.Q(mcc__regex=r"^[0-9]{4}$"), name="merchant_mcc_four_digits"
            ),
        ]

    def __str__(self):
        return self.name


class Cardholder(models.Model):
    program = models.ForeignKey("cases.Program", on_delete=models.CASCADE, related_name="cardholders")
    external_id = models.CharField(max_length=126, blank=True, default="")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True, default="")
    mobile = models.CharField(max_length=32, blank=True, default="")
    type = models.CharField(max_length=16, choices=CardholderType.choices, default=CardholderType.INDIVIDUAL)
    address_line1 = models.CharField(max_length=200, blank=True, default="")
    address_line2 = models.CharField(max_length=200, blank=True, default="")
    city = models.CharField(max_length=100, blank=True, default="")
    state = models.CharField(max_length=100, blank=True, default="")
    postal_code = models.CharField(max_length=20, blank=True, default="")
    country = models.CharField(max_length=2, blank=True, default="")
    # Reg E: 20 business days / 90 days for a transfer within 30 days of the account's first deposit.
    account_opened_on = models.DateField(null=True, blank=True)
    # Reg Z: the day of the month the statement closes (two complete billing cycles to resolve).
    billing_cycle_day = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "external_id"],
                condition=~models.Q(external_id=""),
                name="cardholder_external_id_unique_per_program",
            ),
            models.CheckConstraint(
                condition=models.Q(billing_cycle_day__isnull=True)
                | models.Q(billing_cycle_day__gte=1, billing_cycle_day__lte=31),
                name="cardholder_billing_cycle_day_range",
            ),
        ]

    def __str__(self):
        return self.name
