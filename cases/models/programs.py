from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from rest_framework_api_key.models import AbstractAPIKey

from cases.approval_rules import default_approval_actions, validate_approval_actions
from cases.choices import DEFAULT_LEVELS, ApiScope, ConsumerRegulation
from cases.time_zones import is_time_zone


def validate_time_zone(value: str) -> None:
    if not is_time_zone(value):
        raise ValidationError(f"{value!r} is not an IANA time zone (e.g. America/New_York).")


def default_levels():
    return list(DEFAULT_LEVELS)


class Program(models.Model):
    """A card program: the tenant every party, transaction, claim and case belongs to."""

    program_id = models.CharField(max_length=126, unique=True)
    name = models.CharField(max_length=200)
    default_currency = models.CharField(max_length=3, default="USD")
    levels = models.JSONField(default=default_levels)
    default_internal_due_days = models.PositiveIntegerField(default=10, validators=[MinValueValidator(1)])
    # Cases at or above this disputed amount (minor units, program currency) need a supervisor's review.
    review_threshold = models.BigIntegerField(null=True, blank=True)
    # Consumer regulation (SPEC section 13): `us` runs Reg E / Reg Z clocks for consumer cards.
    consumer_regulation = models.CharField(max_length=8, choices=ConsumerRegulation.choices,
                                           default=ConsumerRegulation.US, db_default=ConsumerRegulation.US)
    # Every regulatory due date is a date in this zone (a notice at 23:30 here is that day's).
    time_zone = models.CharField(max_length=64, default="America/New_York", db_default="America/New_York",
                                 validators=[validate_time_zone])
    # Provisional credit granted automatically when a case opens below these amounts (minor units).
    auto_grant_fraud_below = models.BigIntegerField(null=True, blank=True)
    auto_grant_other_below = models.BigIntegerField(null=True, blank=True)
    # Maker-checker (SPEC section 14, cases/approval_rules.py): the actions that need a second person,
    # above this amount (minor units, program currency; none = at every amount).
    approval_actions = models.JSONField(default=default_approval_actions, blank=True,
                                        validators=[validate_approval_actions])
    approval_amount = models.BigIntegerField(null=True, blank=True, validators=[MinValueValidator(0)])
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_threshold__isnull=True) | models.Q(review_threshold__gte=0),
                name="program_review_threshold_non_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(default_internal_due_days__gte=1), name="program_internal_due_days_positive"
            ),
        ]

    def __str__(self):
        return self.program_id


class ApiKey(AbstractAPIKey):
    """An API key bound to one program, with scopes. Stored hashed by djangorestframework-api-key."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="api_keys")
    scopes = models.JSONField(default=list)

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "API key"
        verbose_name_plural = "API keys"

    def has_scope(self, scope: str) -> bool:
        order = [ApiScope.READ, ApiScope.WRITE, ApiScope.MANAGE]
        if scope not in order:
            return False
        # manage implies write implies read
        return any(order.index(s) >= order.index(scope) for s in self.scopes if s in order)
