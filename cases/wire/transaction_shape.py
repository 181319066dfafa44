"""Transactions and parties in Decisionly's shape (https://docs.decisionly.com/api-reference/v2-cases/create-a-case),
rendered: pure functions over stored rows, shared by the native API and the Decisionly dialect
(`*_to_dict`, `transaction_to_decisionly`, the date-time format). They are read by the one parser in
`cases.wire.transaction_objects`. Amounts are minor units.
"""

from datetime import UTC, date, datetime

from cases.models import Cardholder, Merchant, Transaction


def format_datetime(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with milliseconds, as Decisionly writes them: 2025-02-01T00:00:00.000Z."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def format_date_as_datetime(value: date | None) -> str | None:
    return f"{value.isoformat()}T00:00:00.000Z" if value else None


def _or_none(value):
    return value if value not in ("", None) else None


def merchant_to_dict(merchant: Merchant | None) -> dict | None:
    if merchant is None:
        return None
    return {"name": merchant.name, "category_code": _or_none(merchant.mcc), "issuer_id": _or_none(merchant.external_id),
            "business_name": _or_none(merchant.business_name),
            "chargeback_email": _or_none(merchant.chargeback_email), "mobile": _or_none(merchant.mobile)}


def cardholder_to_dict(cardholder: Cardholder | None) -> dict | None:
    if cardholder is None:
        return None
    return {
        "name": cardholder.name, "email": _or_none(cardholder.email), "issuer_id": _or_none(cardholder.external_id),
        "type": cardholder.type, "mobile": _or_none(cardholder.mobile),
        "billing_address": {
            "line1": _or_none(cardholder.address_line1), "line2": _or_none(cardholder.address_line2),
            "city": _or_none(cardholder.city), "state": _or_none(cardholder.state),
            "postal_code": _or_none(cardholder.postal_code), "country": _or_none(cardholder.country),
        },
    }


def transaction_to_decisionly(txn: Transaction) -> dict:
    """Decisionly's `transaction` object (no parties)."""
    return {
        "arn": _or_none(txn.arn), "switch_serial_number": _or_none(txn.switch_serial_number),
        "issuer_id": _or_none(txn.issuer_id), "date": format_datetime(txn.date), "amount": txn.amount,
        "currency": txn.currency, "system": _or_none(txn.system),
        "card": {"network": _or_none(txn.card_network), "last4": _or_none(txn.card_last4),
                 "expiry_month": txn.card_expiry_month, "expiry_year": txn.card_expiry_year,
                 "type": _or_none(txn.card_type), "issuer_id": _or_none(txn.card_issuer_id)},
    }


def transaction_to_dict(txn: Transaction) -> dict:
    """A stored transaction as the native API shows it: Decisionly's object plus the store's fields."""
    body = {"financial_document_id": txn.financial_document_id, "external_id": _or_none(txn.external_id),
            "status": txn.status}
    body.update(transaction_to_decisionly(txn))
    for name in ("gateway_order_id", "payment_instrument_id", "payment_type", "acquirer_bank_code", "remitter_bank",
                 "nodal_account_number"):
        body[name] = _or_none(getattr(txn, name))
    body["merchant"] = merchant_to_dict(txn.merchant)
    body["cardholder"] = cardholder_to_dict(txn.cardholder)
    body["created"] = format_datetime(txn.created)
    return body
