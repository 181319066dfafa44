"""Reading Tutelar values: text, e-mail, major-unit amounts, dates. Each failure raises the one
Tutelar message the caller names for that field.

Amounts are major units, numbers or numeric strings. Dates are `YYYY-MM-DD`, an ISO date-time, or
the `yyyymmdd` integer of the detail view (REFERENCE.md section 3, detail response fields).
"""

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from cases import money
from cases.exceptions import ValidationFailed
from cases.limits import MAX_AMOUNT_MINOR
from providers.base import clean_text
from providers.tutelar import messages as m


def fail(name: str, message: str) -> ValidationFailed:
    return ValidationFailed.single(name, "tutelar", message)


def text(value, name: str, *, missing: str | None, invalid: str, limit: int, pattern=None,
          multiline: bool = False) -> str | None:
    """A string field (numbers are taken as their digits). `missing=None` makes it optional."""
    if value is None or value == "":
        if missing:
            raise fail(name, missing)
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    try:
        cleaned = clean_text(value, name, max_length=limit, multiline=multiline)
    except ValidationFailed:
        raise fail(name, invalid) from None
    if not cleaned and missing:
        raise fail(name, missing)
    if cleaned and pattern is not None and not pattern.match(cleaned):
        raise fail(name, invalid)
    return cleaned or None


def email(value, name: str, invalid: str) -> str | None:
    address = text(value, name, missing=None, invalid=invalid, limit=254)
    if address:
        try:
            validate_email(address)
        except ValidationError:
            raise fail(name, invalid) from None
    return address


def amount(value, name: str, currency: str, *, missing: str, invalid: str) -> int:
    if value is None or value == "":
        raise fail(name, missing)
    try:
        amount = money.to_minor(value, currency, field=name)
    except ValidationFailed:
        raise fail(name, invalid) from None
    if not 0 < amount <= MAX_AMOUNT_MINOR:
        raise fail(name, invalid)
    return amount


def read_date(value) -> date | None:
    """A date from `YYYY-MM-DD`, an ISO date-time or a `yyyymmdd` integer; None when unreadable."""
    if isinstance(value, int) and not isinstance(value, bool) and 10000101 <= value <= 99991231:
        value = str(value)
        value = f"{value[:4]}-{value[4:6]}-{value[6:]}"
    if not isinstance(value, str) or not 10 <= len(value) <= 40:
        return None
    try:
        return datetime.fromisoformat(value).date() if len(value) > 10 else date.fromisoformat(value)
    except ValueError:
        return None


def transaction_date(value, name: str) -> datetime:
    """DateTime: an ISO date-time (UTC when it names no offset) or a date, taken as midnight UTC."""
    if value is None or value == "":
        raise fail(name, m.TRANSACTION_DATE_MISSING)
    moment = None
    if isinstance(value, str) and 10 < len(value) <= 40:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
    elif (day := read_date(value)) is not None:
        moment = datetime(day.year, day.month, day.day)
    if moment is None:
        raise fail(name, m.TRANSACTION_DATE_INVALID)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if moment > timezone.now():
        raise fail(name, m.TRANSACTION_DATE_FUTURE)
    return moment


def json_object(value, name: str, missing: str) -> dict:
    if not isinstance(value, dict):
        raise fail(name, missing)
    return value


def decimal(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
