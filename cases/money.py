"""Money in minor units. Currency exponents come from Babel's CLDR data, not a local table."""

from decimal import Decimal, InvalidOperation

from babel.numbers import get_currency_precision, list_currencies

from cases.exceptions import ValidationFailed

_KNOWN = frozenset(list_currencies())
# Funds codes and precious metals are ISO 4217 entries but not card transaction currencies.
_NOT_TRANSACTIONAL = frozenset({"XAU", "XAG", "XPT", "XPD", "XDR", "XBA", "XBB", "XBC", "XBD", "XTS", "XXX", "XSU", "XUA"})


def is_currency(code: object) -> bool:
    return isinstance(code, str) and code in _KNOWN and code not in _NOT_TRANSACTIONAL


def exponent(currency: str) -> int:
    return get_currency_precision(currency)


def to_minor(amount: object, currency: str, field: str = "amount") -> int:
    """Convert a major-unit amount (number or numeric string) to minor units, refusing excess decimals."""
    if isinstance(amount, bool) or not isinstance(amount, (int, float, str, Decimal)):
        raise ValidationFailed.single(field, "invalid_amount", "The amount must be a number.")
    try:
        value = Decimal(str(amount).strip())
    except InvalidOperation:
        raise ValidationFailed.single(field, "invalid_amount", "The amount must be a number.") from None
    if not value.is_finite():
        raise ValidationFailed.single(field, "invalid_amount", "The amount must be a finite number.")
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise ValidationFailed.single(
            field, "invalid_amount", f"{currency} amounts allow at most {exponent(currency)} decimal places."
        )
    return int(scaled)


def to_major(amount_minor: int, currency: str) -> Decimal:
    return Decimal(amount_minor).scaleb(-exponent(currency))


def format_amount(amount_minor: int, currency: str) -> str:
    digits = exponent(currency)
    return f"{to_major(amount_minor, currency):,.{digits}f} {currency}"
