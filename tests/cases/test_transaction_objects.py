"""The transaction object read for import_transactions: fields, defaults, and every bad field named in order."""

from datetime import UTC, datetime

import pytest

from cases.exceptions import ValidationFailed
from cases.inputs import CardholderInput, MerchantInput
from cases.wire.transaction_objects import parse_transaction


def errors_of(document) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as excinfo:
        parse_transaction(document)
    return [(e.field, e.message) for e in excinfo.value.errors]


def test_reads_every_field_with_defaults():
    data = parse_transaction({
        "financial_document_id": 7, "amount": 1299, "currency": " usd ", "date": "2026-10-01",
        "card": {"network": "visa", "last4": "4242", "expiry_month": 6},
        "network_details": {"mastercard": {"switch_serial_number": " ssn-1 "}},
        "merchant": {"issuer_id": "m-1", "name": "FoodHub", "category_code": "5812"},
        "cardholder": {"issuer_id": "c-1", "name": "Susie", "billing_address": {"city": "Austin"}},
    })

    assert (data.financial_document_id, data.amount, data.currency, data.status) == (7, 1299, "USD", "success")
    assert data.date == datetime(2026, 10, 1, tzinfo=UTC)
    assert (data.card_network, data.card_last4, data.card_type, data.card_expiry_month, data.card_expiry_year) == (
        "visa", "4242", "", 6, None)
    assert data.switch_serial_number == "ssn-1"
    assert data.merchant == MerchantInput(external_id="m-1", name="FoodHub", mcc="5812")
    assert data.cardholder == CardholderInput(external_id="c-1", name="Susie", type="individual", city="Austin")
    assert (data.external_id, data.arn, data.gateway_order_id) == ("", "", "")


def test_an_empty_status_stays_success_and_a_given_ssn_wins():
    data = parse_transaction({"amount": 5, "status": "  ", "switch_serial_number": "top",
                              "network_details": {"mastercard": {"switch_serial_number": "nested"}}})

    assert (data.status, data.switch_serial_number) == ("success", "top")


def test_every_bad_field_is_named_in_the_order_of_the_object():
    errors = errors_of({
        "financial_document_id": 0, "amount": True, "arn": 5, "status": "x" * 11, "date": "yesterday",
        "card": {"type": ["credit"], "network": 1, "expiry_month": 13, "expiry_year": 1999},
        "merchant": {"name": "n" * 201, "issuer_id": 3},
        "cardholder": {"email": {}, "billing_address": {"country": "USA", "city": 5}},
    })

    assert errors == [
        ("financial_document_id", "financial_document_id must be an integer from 1 to 9223372036854775807."),
        ("amount", "amount must be an integer from 1 to 9223372036854775807."),
        ("arn", "arn must be a string."),
        ("status", "status is at most 10 characters."),
        ("date", "date must be an ISO 8601 date or date-time."),
        ("card.network", "card.network must be a string."),
        ("card.type", "card.type must be a string."),
        ("card.expiry_month", "card.expiry_month must be an integer from 1 to 12."),
        ("card.expiry_year", "card.expiry_year must be an integer from 2000 to 2200."),
        ("merchant.issuer_id", "merchant.issuer_id must be a string."),
        ("merchant.name", "merchant.name is at most 200 characters."),
        ("cardholder.email", "cardholder.email must be a string."),
        ("cardholder.billing_address.city", "cardholder.billing_address.city must be a string."),
        ("cardholder.billing_address.country", "cardholder.billing_address.country is at most 2 characters."),
    ]


def test_objects_of_the_wrong_type_and_a_missing_amount():
    assert errors_of({"card": "visa", "merchant": [], "cardholder": {"billing_address": "Austin"},
                      "network_details": {"mastercard": {"switch_serial_number": 9}}}) == [
        ("network_details.mastercard.switch_serial_number", "network_details.mastercard.switch_serial_number must be a string."),
        ("card", "card must be an object."),
        ("merchant", "merchant must be an object."),
        ("cardholder.billing_address", "cardholder.billing_address must be an object."),
        ("amount", "amount (minor units) is required."),
    ]
    assert errors_of([1]) == [("transaction", "Each transaction must be a JSON object.")]
