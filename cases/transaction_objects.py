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
_ADDRESS_TEXT = {"line1": "address_line1", "line2": "address_line2", "city": "city", "state": "state",
                 "postal_code": "postal_code", "country": "country"}
# Columns whose CSV cells are integers.
INTEGER_COLUMNS = frozenset({"financial_document_id", "amount", "card.expiry_month", "card.expiry_year"})


_MAX_LENGTHS = {(model, f.attname): f.max_length for model in (Transaction, Merchant, Cardholder)
                for f in model._meta.concrete_fields}


class _Reader:
    def __init__(self):
        self.errors: list[FieldError] = []

    def text(self, source: dict, key: str, path: str, model, attr: str) -> str:
        value = source.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.errors.append(FieldError(path, "invalid", f"{path} must be a string."))
            return ""
        value = value.strip()
        limit = _MAX_LENGTHS[model, attr]
        if limit and len(value) > limit:
            self.errors.append(FieldError(path, "too_long", f"{path} is at most {limit} characters."))
            return ""
        return value

    def integer(self, source: dict, key: str, path: str, low: int, high: int) -> int | None:
        value = source.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.errors.append(FieldError(path, "invalid", f"{path} must be an integer from {low} to {high}."))
            return None
        return value

    def obj(self, source: dict, key: str, path: str) -> dict | None:
        value = source.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.errors.append(FieldError(path, "invalid", f"{path} must be an object."))
            return None
        return value

    def date(self, source: dict) -> datetime | None:
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
            self.errors.append(FieldError("date", "invalid", "date must be an ISO 8601 date or date-time."))
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_transaction(document: object) -> TransactionInput:
    """Read one transaction object; raise ValidationFailed naming every bad field."""
    if not isinstance(document, dict):
        raise ValidationFailed.single("transaction", "invalid", "Each transaction must be a JSON object.")
    read = _Reader()
    data = TransactionInput(status="success")
    data.financial_document_id = read.integer(document, "financial_document_id", "financial_document_id", 1, 2**63 - 1)
    data.amount = read.integer(document, "amount", "amount", 1, 2**63 - 1)
    for key, attr in _TEXT.items():
        value = read.text(document, key, key, Transaction, attr)
        if value or key != "status":
            setattr(data, attr, value)
    mastercard = ((document.get("network_details") or {}).get("mastercard") or {}) \
        if isinstance(document.get("network_details"), dict) else {}
    if not data.switch_serial_number and isinstance(mastercard, dict):
        data.switch_serial_number = read.text(mastercard, "switch_serial_number",
                                              "network_details.mastercard.switch_serial_number",
                                              Transaction, "switch_serial_number")
    data.currency = data.currency.upper()
    data.date = read.date(document)
    card = read.obj(document, "card", "card")
    if card is not None:
        for key, attr in _CARD_TEXT.items():
            setattr(data, attr, read.text(card, key, f"card.{key}", Transaction, attr))
        data.card_expiry_month = read.integer(card, "expiry_month", "card.expiry_month", 1, 12)
        data.card_expiry_year = read.integer(card, "expiry_year", "card.expiry_year", 2000, 2200)
    merchant = read.obj(document, "merchant", "merchant")
    if merchant is not None:
        data.merchant = MerchantInput(**{attr: read.text(merchant, key, f"merchant.{key}", Merchant, attr)
                                         for key, attr in _MERCHANT_TEXT.items()})
    cardholder = read.obj(document, "cardholder", "cardholder")
    if cardholder is not None:
        values = {attr: read.text(cardholder, key, f"cardholder.{key}", Cardholder, attr)
                  for key, attr in _CARDHOLDER_TEXT.items()}
        values["type"] = values["type"] or "individual"
        address = read.obj(cardholder, "billing_address", "cardholder.billing_address") or {}
        values.update({attr: read.text(address, key, f"cardholder.billing_address.{key}", Cardholder, attr)
                       for key, attr in _ADDRESS_TEXT.items()})
        data.cardholder = CardholderInput(**values)
    if data.amount is None and "amount" not in {e.field for e in read.errors}:
        read.errors.append(FieldError("amount", "required", "amount (minor units) is required."))
    if read.errors:
        raise ValidationFailed(read.errors)
    return data


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
