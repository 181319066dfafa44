"""Domain checks shared by creation and edits."""

from datetime import UTC, date

from cases.exceptions import FieldError, ValidationFailed
from cases.limits import MAX_CUSTOM_FIELDS, MAX_CUSTOM_KEY, MAX_CUSTOM_VALUE, MAX_NOTE
from cases.models import Program


def check_custom_fields(fields: object, field: str = "custom_fields") -> dict:
    """Decisionly custom fields: at most 25 pairs, keys <= 50 chars, string values <= 250 chars.

    https://docs.decisionly.com/custom-fields
    """
    if not isinstance(fields, dict):
        raise ValidationFailed.single(field, "invalid", "Custom fields must be an object of strings.")
    errors = []
    if len(fields) > MAX_CUSTOM_FIELDS:
        errors.append(FieldError(field, "too_many", f"At most {MAX_CUSTOM_FIELDS} custom fields are allowed."))
    for key, value in fields.items():
        if not isinstance(key, str) or not key or len(key) > MAX_CUSTOM_KEY:
            errors.append(FieldError(f"{field}.{str(key)[:60]}", "invalid_key",
                                     f"Custom field keys are 1-{MAX_CUSTOM_KEY} characters."))
        elif not isinstance(value, str):
            errors.append(FieldError(f"{field}.{key}", "invalid_value", "Custom field values must be strings."))
        elif len(value) > MAX_CUSTOM_VALUE:
            errors.append(FieldError(f"{field}.{key}", "too_long",
                                     f"Custom field values are at most {MAX_CUSTOM_VALUE} characters."))
    if errors:
        raise ValidationFailed(errors)
    return fields


def check_note_text(text: str | None, field: str, empty_message: str, noun: str = "A note") -> str:
    """A person's free text on an event (a note, an approval's reason): trimmed, required, <= MAX_NOTE."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed.single(field, "required", empty_message)
    if len(text) > MAX_NOTE:
        raise ValidationFailed.single(field, "too_long", f"{noun} is at most {MAX_NOTE} characters.")
    return text


def check_all(*checks) -> None:
    """Run every check; raise one ValidationFailed naming every field that failed, so a form shows all at once."""
    errors = []
    for check in checks:
        try:
            check()
        except ValidationFailed as exc:
            errors += exc.errors
    if errors:
        raise ValidationFailed(errors)


def check_level(program: Program, level: str, field: str = "level") -> str:
    if level not in program.levels:
        raise ValidationFailed.single(field, "invalid_level",
                                      f"Unknown level {level!r}; this program offers {', '.join(program.levels)}.")
    return level


def check_issuer_evidence(evidence: object, field: str = "issuer_evidence") -> dict:
    if not isinstance(evidence, dict):
        raise ValidationFailed.single(field, "invalid", "Issuer evidence must be an object.")
    return evidence


def transaction_day(transaction) -> date:
    """The day deadlines count from: the transaction's UTC date, whatever offset it was sent with."""
    return transaction.date.astimezone(UTC).date()


def check_internal_due_date(value: date | None, transaction_date: date, field: str = "internal_due_date") -> None:
    """The one internal-due-date rule, at creation and on every edit: not before the transaction's day
    (Tutelar: the internal due date cannot precede the transaction; back-dated entry is allowed)."""
    if value is not None and value < transaction_date:
        raise ValidationFailed.single(field, "internal_due_date_before_transaction",
                                      "The internal due date cannot be before the transaction date.")


def expected_delivery(issuer_evidence: object) -> date | None:
    """The expected delivery date in issuer evidence (`delivery.expected_date`), which moves the
    chargeback due date of a non-receipt dispute; None when absent or unreadable."""
    delivery = issuer_evidence.get("delivery") if isinstance(issuer_evidence, dict) else None
    return parse_iso_date(delivery.get("expected_date")) if isinstance(delivery, dict) else None


def parse_iso_date(value: object) -> date | None:
    """Read a date from `YYYY-MM-DD` or the date part of an ISO datetime; None when unreadable."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
