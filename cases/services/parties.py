"""Edits of a merchant or a cardholder record (the Django admin's change forms): checked against the
model's own field rules, screened for card numbers, and audited on every case they show on.

A merchant or cardholder is shared by the transactions that name it, so an edit changes what every
one of their cases shows: each such case gets one `edit` event naming the changed facts
(`merchant.name` before/after, as Tutelar's update records them) and a new version (its ETag moves).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from cases import pan
from cases.actors import Actor
from cases.choices import EventKind
from cases.exceptions import FieldError, ValidationFailed
from cases.models import Cardholder, Case, CaseEvent, Merchant
from cases.services.events import event_record_many, require_perm

MERCHANT_FIELDS = ("name", "business_name", "mcc", "chargeback_email", "mobile")
CARDHOLDER_FIELDS = ("name", "email", "mobile", "type", "address_line1", "address_line2", "city", "state",
                     "postal_code", "country")


def _check(party, allowed: tuple, fields: dict) -> dict:
    """The given fields, cleaned by the model's own rules; every problem at once, on its field."""
    errors, cleaned = [], {}
    for name, value in fields.items():
        if name not in allowed:
            errors.append(FieldError(name, "unknown_field", f"{name} cannot be edited."))
            continue
        value = "" if value is None else value
        if not isinstance(value, str):
            errors.append(FieldError(name, "invalid", f"{name} must be text."))
            continue
        value = value.strip()
        if pan.contains_pan(value):
            errors.append(FieldError(name, "pan_detected", pan.PAN_MESSAGE))
            continue
        try:
            cleaned[name] = party._meta.get_field(name).clean(value, party)
        except ValidationError as exc:
            errors.append(FieldError(name, exc.error_list[0].code or "invalid", " ".join(exc.messages)))
    if "mcc" in cleaned and cleaned["mcc"] and not (len(cleaned["mcc"]) == 4 and cleaned["mcc"].isdigit()):
        errors.append(FieldError("mcc", "invalid", "The MCC is four digits."))
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _update(model, party, actor: Actor, allowed: tuple, prefix: str, fields: dict, note: str) -> list[CaseEvent]:
    require_perm(actor, f"cases.change_{prefix}", f"You may not edit {prefix}s.")
    cleaned = _check(party, allowed, fields)
    locked = model.objects.select_for_update().get(pk=party.pk)
    changes = {f"{prefix}.{name}": {"before": getattr(locked, name), "after": value}
               for name, value in cleaned.items() if getattr(locked, name) != value}
    if not changes:
        return []
    for key, change in changes.items():
        setattr(locked, key.split(".", 1)[1], change["after"])
    locked.save(update_fields=[key.split(".", 1)[1] for key in changes])
    shown_on = Case.objects.filter(**{f"transaction__{prefix}": locked})
    numbers = list(shown_on.values_list("number", flat=True))
    Case.objects.filter(number__in=numbers).update(version=F("version") + 1)
    return event_record_many(case_ids=numbers, actor=actor, kind=EventKind.EDIT, changes=changes, note=note)


@transaction.atomic
def merchant_update(*, merchant: Merchant, actor: Actor, fields: dict, note: str = "") -> list[CaseEvent]:
    """Edit a merchant's name, business name, MCC, chargeback e-mail or mobile. Returns the `edit`
    events written, one per case the merchant shows on (none when nothing changed)."""
    return _update(Merchant, merchant, actor, MERCHANT_FIELDS, "merchant", fields, note)


@transaction.atomic
def cardholder_update(*, cardholder: Cardholder, actor: Actor, fields: dict, note: str = "") -> list[CaseEvent]:
    """Edit a cardholder's name, contact details, type or address. Returns the `edit` events written,
    one per case the cardholder shows on (none when nothing changed)."""
    return _update(Cardholder, cardholder, actor, CARDHOLDER_FIELDS, "cardholder", fields, note)
