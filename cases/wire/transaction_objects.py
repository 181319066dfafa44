"""The transaction object (SPEC section 5) read into the domain's TransactionInput.

The object is Decisionly's `transaction` (https://docs.decisionly.com/api-reference/v2-cases/create-a-case)
plus `financial_document_id`, `external_id`, `status` (default `success`), `gateway_order_id`,
`payment_type`, and nested `merchant` and `cardholder` in Decisionly's shape, matched to stored
parties by `issuer_id`. `import_transactions` reads one per line (JSON lines), or one per CSV row
with dotted column names (`card.last4`, `merchant.issuer_id`, `cardholder.billing_address.city`).
"""

from datetime import UTC, datetime

from django.utils.dateparse import parse_date, parse_datetime

from cases.exceptions import FieldError, ValidationFailed
from cases.inputs import CardholderInput, MerchantInput, TransactionInput
from cases.limits import MAX_INT
from cases.models import Cardholder, Merchant, Transaction

# object key -> TransactionInput attribute, for the plain string fields.
_TEXT = {
    "external_id": "external_id", "arn": "arn", "switch_serial_number": "switch_serial_number",
    "gateway_order_id": "gateway_order_id", "payment_instrument_id": "payment_instrument_id",
    "payment_type": "payment_type", "currency": "currency", "system": "system", "status": "status",
    "issuer_id": "issuer_id", "acquirer_bank_code": "acquirer_bank_code", "remitter_bank": "remitter_bank",
    "nodal_account_number": "nodal_account_number",
}
_CARD_TEXT = {"network": "card_network", "last4": "card_last4", "type": "card_type", "issuer_id": "card_issuer_id"}
_MERCHANT_TEXT = {"issuer_id": "external_id", "name": "name", "business_name": "business_name",
                  "category_code": "mcc", "chargeback_email": "chargeback_email", "mobile": "mobile"}
_CARDHOLDER_TEXT = {"issuer_id": "external_id", "name": "name", "email": "email", "mobile": "mobile", "type": "type"}
_MASTERCARD_TEXT = {"switch_serial_number": "switch_serial_number"}
_ADDRESS_TEXT = {"line1": "address_line1", "line2": "address_line2", "city": "city", "state": "state",
                 "postal_code": "postal_code", "country": "country"}
# Columns whose CSV cells are integers.
INTEGER_COLUMNS = frozenset({"financial_document_id", "amount", "card.expiry_month", "card.expiry_year"})


_MAX_LENGTHS = {(model, f.attname): f.max_length for model in (Transaction, Merchant, Cardholder)
                for f in model._meta.concrete_fields}


def _spec(keys: dict[str, str], model, prefix: str = "") -> tuple[tuple[str, str, str, int | None], ...]:
    """(object key, attribute, dotted path, max length) for each string field: built once, read per row."""
    return tuple((key, attr, f"{prefix}{key}", _MAX_LENGTHS[model, attr]) for key, attr in keys.items())


_TEXT_SPEC = _spec(_TEXT, Transaction)
_CARD_SPEC = _spec(_CARD_TEXT, Transaction, "card.")
_MERCHANT_SPEC = _spec(_MERCHANT_TEXT, Merchant, "merchant.")
_CARDHOLDER_SPEC = _spec(_CARDHOLDER_TEXT, Cardholder, "cardholder.")
_ADDRESS_SPEC = _spec(_ADDRESS_TEXT, Cardholder, "cardholder.billing_address.")
_MASTERCARD_SPEC = _spec(_MASTERCARD_TEXT, Transaction, "network_details.mastercard.")


def _texts(source: dict, spec, values: dict, errors: list[FieldError]) -> dict:
    """Read the spec's string fields of `source` into `values`: absent, mistyped or too long is ""."""
    for key, attr, path, limit in spec:
        value = source.get(key)
        if value is None:
            values[attr] = ""
        elif isinstance(value, str):
            value = value.strip()
            if limit and len(value) > limit:
                errors.append(FieldError(path, "too_long", f"{path} is at most {limit} characters."))
                value = ""
            values[attr] = value
        else:
            errors.append(FieldError(path, "invalid", f"{path} must be a string."))
            values[attr] = ""
    return values


def _integer(source: dict, key: str, path: str, low: int, high: int, errors: list[FieldError]) -> int | None:
    value = source.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors.append(FieldError(path, "invalid", f"{path} must be an integer from {low} to {high}."))
        return None
    return value


def _object(source: dict, key: str, path: str, errors: list[FieldError]) -> dict | None:
    value = source.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        errors.append(FieldError(path, "invalid", f"{path} must be an object."))
        return None
    return value


def _date(source: dict, errors: list[FieldError]) -> datetime | None:
    value = source.get("date")
    if value is None:
        return None
    parsed = None
    if isinstance(value, str):
        try:
            parsed = parse_datetime(value)
            if parsed is None and (day := parse_date(value)) is not None:
                parsed = datetime(day.year, day.month, day.day)
        except ValueError:
            parsed = None
    if parsed is None:
        errors.append(FieldError("date", "invalid", "date must be an ISO 8601 date or date-time."))
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_transaction(document: object) -> TransactionInput:
    """Read one transaction object; raise ValidationFailed naming every bad field.

    This runs once per imported row: the field tables are walked directly (no per-field method
    calls or attribute writes) and each dataclass is built once.
    """
    if not isinstance(document, dict):
        raise ValidationFailed.single("transaction", "invalid", "Each transaction must be a JSON object.")
    errors: list[FieldError] = []
    values = {
        "financial_document_id": _integer(document, "financial_document_id", "financial_document_id", 1, MAX_INT,
                                          errors),
        "amount": _integer(document, "amount", "amount", 1, MAX_INT, errors),
    }
    _texts(document, _TEXT_SPEC, values, errors)
    values["status"] = values["status"] or "success"
    network_details = document.get("network_details")
    mastercard = (network_details.get("mastercard") or {}) if isinstance(network_details, dict) else {}
    if not values["switch_serial_number"] and isinstance(mastercard, dict):
        values["switch_serial_number"] = _texts(mastercard, _MASTERCARD_SPEC, {}, errors)["switch_serial_number"]
    values["currency"] = values["currency"].upper()
    values["date"] = _date(document, errors)
    card = _object(document, "card", "card", errors)
    if card is not None:
        _texts(card, _CARD_SPEC, values, errors)
        values["card_expiry_month"] = _integer(card, "expiry_month", "card.expiry_month", 1, 12, errors)
        values["card_expiry_year"] = _integer(card, "expiry_year", "card.expiry_year", 2000, 2200, errors)
    merchant = _object(document, "merchant", "merchant", errors)
    if merchant is not None:
        values["merchant"] = MerchantInput(**_texts(merchant, _MERCHANT_SPEC, {}, errors))
    cardholder = _object(document, "cardholder", "cardholder", errors)
    if cardholder is not None:
        party = _texts(cardholder, _CARDHOLDER_SPEC, {}, errors)
        party["type"] = party["type"] or "individual"
        address = _object(cardholder, "billing_address", "cardholder.billing_address", errors) or {}
        values["cardholder"] = CardholderInput(**_texts(address, _ADDRESS_SPEC, party, errors))
    if values["amount"] is None and not any(e.field == "amount" for e in errors):
        errors.append(FieldError("amount", "required", "amount (minor units) is required."))
    if errors:
        raise ValidationFailed(errors)
    return TransactionInput(**values)


def unflatten(row: dict[str, str]) -> dict:
    """A CSV row with dotted column names as a nested transaction object; empty cells are absent."""
    document: dict = {}
    for column, cell in row.items():
        if column is None or cell is None or cell == "":
            continue
        value: object = cell
        if column in INTEGER_COLUMNS:
            try:
                value = int(cell)
            except ValueError:
                value = cell  # parse_transaction reports it as not an integer
        target = document
        *parents, leaf = column.strip().split(".")
        for part in parents:
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                break
        else:
            target[leaf] = value
    return document
