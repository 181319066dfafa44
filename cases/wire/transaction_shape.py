"""Transactions and parties in Decisionly's shape (https://docs.decisionly.com/api-reference/v2-cases/create-a-case).

Pure functions over dicts, shared by the native API and the Decisionly dialect:
`read_transaction` / `read_merchant` / `read_cardholder` parse, `*_to_dict` render.
Amounts are minor units. Parties are matched to stored ones by `issuer_id` (their external id).
"""

from datetime import UTC, date, datetime

from cases.choices import CardholderType, CardType, TransactionStatus, TransactionSystem
from cases.inputs import CardholderInput, MerchantInput, TransactionInput
from cases.limits import COUNTRIES, NETWORKS
from cases.limits import column_length as _max
from cases.models import Cardholder, Merchant, Transaction

from .reader import Reader


def format_datetime(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with milliseconds, as Decisionly writes them: 2025-02-01T00:00:00.000Z."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def format_date_as_datetime(value: date | None) -> str | None:
    return f"{value.isoformat()}T00:00:00.000Z" if value else None


def _or_none(value):
    return value if value not in ("", None) else None


def read_merchant(r: Reader | None) -> MerchantInput | None:
    if r is None:
        return None
    return MerchantInput(
        external_id=r.string("issuer_id", _max(Merchant, "external_id")),
        name=r.string("name", _max(Merchant, "name")),
        business_name=r.string("business_name", _max(Merchant, "business_name")),
        mcc=r.string("category_code", 4),
        chargeback_email=r.email("chargeback_email"),
        mobile=r.string("mobile", _max(Merchant, "mobile")),
    )


def read_cardholder(r: Reader | None) -> CardholderInput | None:
    if r is None:
        return None
    cardholder = CardholderInput(
        external_id=r.string("issuer_id", _max(Cardholder, "external_id")),
        name=r.string("name", _max(Cardholder, "name")),
        email=r.email("email"),
        mobile=r.string("mobile", _max(Cardholder, "mobile")),
        type=r.choice("type", CardholderType.values, default=CardholderType.INDIVIDUAL),
    )
    address = r.child("billing_address")
    if address is not None:
        cardholder.address_line1 = address.string("line1", _max(Cardholder, "address_line1"))
        cardholder.address_line2 = address.string("line2", _max(Cardholder, "address_line2"))
        cardholder.city = address.string("city", _max(Cardholder, "city"))
        cardholder.state = address.string("state", _max(Cardholder, "state"))
        cardholder.postal_code = address.string("postal_code", _max(Cardholder, "postal_code"))
        country = address.string("country", 2).upper()
        if country and country not in COUNTRIES:
            address.error("country", "invalid_country", "Must be an ISO 3166-1 alpha-2 country code, e.g. US.")
            country = ""
        cardholder.country = country
    # Reg E's new-account window and Reg Z's billing cycle (SPEC section 13), both optional.
    opened = r.day("account_opened_on")
    cardholder.account_opened_on = opened if isinstance(opened, date) else None
    cardholder.billing_cycle_day = r.integer("billing_cycle_day", minimum=1, maximum=31)
    return cardholder


def read_transaction(r: Reader, *, extended: bool = True) -> TransactionInput:
    """Decisionly's `transaction` object; `extended` adds the native store's fields (status, external id...)."""
    txn = TransactionInput(
        arn=r.string("arn", _max(Transaction, "arn")),
        switch_serial_number=r.string("switch_serial_number", _max(Transaction, "switch_serial_number")),
        issuer_id=r.string("issuer_id", _max(Transaction, "issuer_id")),
        amount=r.amount("amount"),
        currency=r.string("currency", 3).upper(),
        date=r.moment("date"),
        system=r.choice("system", TransactionSystem.values),
    )
    card = r.child("card")
    if card is not None:
        txn.card_network = card.choice("network", NETWORKS)
        txn.card_last4 = card.string("last4", 4)
        txn.card_expiry_month = card.integer("expiry_month", minimum=1, maximum=12)
        txn.card_expiry_year = card.integer("expiry_year", minimum=2000, maximum=2199)
        txn.card_type = card.choice("type", CardType.values)
        txn.card_issuer_id = card.string("issuer_id", _max(Transaction, "card_issuer_id"))
    if extended:
        txn.external_id = r.string("external_id", _max(Transaction, "external_id"))
        txn.status = r.choice("status", TransactionStatus.values, default=TransactionStatus.SUCCESS)
        for name in ("gateway_order_id", "payment_instrument_id", "payment_type", "acquirer_bank_code",
                     "remitter_bank", "nodal_account_number"):
            setattr(txn, name, r.string(name, _max(Transaction, name)))
    return txn


def parse_transaction_payload(data: object) -> TransactionInput:
    """The native transaction store's body: Decisionly's transaction plus `financial_document_id`,
    `external_id`, `status`, `gateway_order_id`, `payment_type`, and nested `merchant` / `cardholder`."""
    r = Reader(data)
    txn = read_transaction(r, extended=True)
    txn.financial_document_id = r.integer("financial_document_id")
    txn.merchant = read_merchant(r.child("merchant"))
    txn.cardholder = read_cardholder(r.child("cardholder"))
    r.raise_errors()
    return txn


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
