"""The one parser of the transaction object (cases.wire.transaction_objects): the transaction store
(`POST /api/v1/transactions`), the transaction a case body describes and `import_transactions`."""

from datetime import UTC, date, datetime

import pytest

from cases.exceptions import ValidationFailed
from cases.inputs import CardholderInput, MerchantInput
from cases.wire.transaction_objects import lift_switch_serial_number, parse_transaction, unflatten


def errors_of(document) -> list[tuple[str, str, str]]:
    with pytest.raises(ValidationFailed) as excinfo:
        parse_transaction(document)
    return [(e.field, e.code, e.message) for e in excinfo.value.errors]


def test_reads_every_field_with_defaults():
    data = parse_transaction({
        "financial_document_id": 7, "amount": 1299, "currency": " usd ", "date": "2026-10-01",
        "switch_serial_number": " ssn-1 ",
        "card": {"network": "visa", "last4": "4242", "expiry_month": 6, "expiry_year": 2199},
        "merchant": {"issuer_id": "m-1", "name": "FoodHub", "category_code": "5812",
                     "chargeback_email": "cb@foodhub.example"},
        "cardholder": {"issuer_id": "c-1", "name": "Susie", "email": "susie@example.com",
                       "billing_address": {"city": "Austin", "country": "us"},
                       "account_opened_on": "2026-09-20", "billing_cycle_day": 15},
    })

    assert (data.financial_document_id, data.amount, data.currency, data.status) == (7, 1299, "USD", "success")
    assert data.date == datetime(2026, 10, 1, tzinfo=UTC)
    assert (data.card_network, data.card_last4, data.card_type, data.card_expiry_month, data.card_expiry_year) == (
        "visa", "4242", "", 6, 2199)
    assert data.switch_serial_number == "ssn-1"
    assert data.merchant == MerchantInput(external_id="m-1", name="FoodHub", mcc="5812",
                                          chargeback_email="cb@foodhub.example")
    assert data.cardholder == CardholderInput(external_id="c-1", name="Susie", email="susie@example.com",
                                              type="individual", city="Austin", country="US",
                                              account_opened_on=date(2026, 9, 20), billing_cycle_day=15)
    assert (data.external_id, data.arn, data.gateway_order_id) == ("", "", "")


def test_a_date_time_with_an_offset_is_the_same_instant_in_utc():
    data = parse_transaction({"amount": 5, "date": "2026-10-01T08:00:00-05:00"})

    assert data.date == datetime(2026, 10, 1, 13, tzinfo=UTC)


def test_every_bad_field_is_named_in_the_order_of_the_object():
    errors = errors_of({
        "financial_document_id": 0, "amount": True, "arn": 5, "status": "x" * 11, "date": "yesterday",
        "system": "triple", "currency": "US\x07",
        "card": {"type": "gold", "network": "diners", "expiry_month": 13, "expiry_year": 2200, "last4": "12345"},
        "merchant": {"name": "n" * 201, "issuer_id": 3, "chargeback_email": "not-an-address"},
        "cardholder": {"email": {}, "name": "Susie\nChargeback", "type": "robot",
                       "billing_address": {"country": "XX", "city": 5},
                       "account_opened_on": "2026-13-01", "billing_cycle_day": 32},
    })

    assert errors == [
        ("arn", "invalid_type", "Must be a string."),
        ("amount", "invalid_amount", "Must be an integer amount in minor units (299 is 2.99 USD)."),
        ("currency", "invalid_characters", "Control characters are not allowed."),
        ("date", "invalid_datetime", "Must be an ISO 8601 date-time, e.g. 2025-11-26T13:12:18Z."),
        ("system", "invalid_choice", "Must be one of: dual_message, single_message."),
        ("card.network", "invalid_choice", "Must be one of: amex, discover, mastercard, rupay, visa."),
        ("card.last4", "too_long", "At most 4 characters."),
        ("card.expiry_month", "out_of_range", "Must be between 1 and 12."),
        ("card.expiry_year", "out_of_range", "Must be between 2000 and 2199."),
        ("card.type", "invalid_choice", "Must be one of: credit, debit, prepaid."),
        ("status", "invalid_choice", "Must be one of: failed, refunded, success."),
        ("financial_document_id", "out_of_range", "Must be between 1 and 9223372036854775807."),
        ("merchant.issuer_id", "invalid_type", "Must be a string."),
        ("merchant.name", "too_long", "At most 200 characters."),
        ("merchant.chargeback_email", "invalid", "Must be an email address."),
        ("cardholder.name", "invalid_characters", "Control characters are not allowed."),
        ("cardholder.email", "invalid_type", "Must be a string."),
        ("cardholder.type", "invalid_choice", "Must be one of: business, individual."),
        ("cardholder.billing_address.city", "invalid_type", "Must be a string."),
        ("cardholder.billing_address.country", "invalid_country",
         "Must be an ISO 3166-1 alpha-2 country code, e.g. US."),
        ("cardholder.account_opened_on", "invalid_date", "Must be a date, YYYY-MM-DD."),
        ("cardholder.billing_cycle_day", "out_of_range", "Must be between 1 and 31."),
    ]


def test_objects_of_the_wrong_type():
    assert errors_of({"amount": 5, "card": "visa", "merchant": [], "cardholder": {"billing_address": "Austin"}}) == [
        ("card", "invalid_type", "Must be a JSON object."),
        ("merchant", "invalid_type", "Must be a JSON object."),
        ("cardholder.billing_address", "invalid_type", "Must be a JSON object."),
    ]
    assert errors_of([1]) == [("body", "invalid_type", "Must be a JSON object.")]


def test_the_switch_serial_number_may_sit_under_network_details():
    nested = {"amount": 5, "network_details": {"mastercard": {"switch_serial_number": "nested"}}}
    both = {**nested, "switch_serial_number": "top"}

    assert parse_transaction(lift_switch_serial_number(nested)).switch_serial_number == "nested"
    assert parse_transaction(lift_switch_serial_number(both)).switch_serial_number == "top"
    assert lift_switch_serial_number(both) is both


def test_csv_cells_become_the_object():
    assert unflatten({"amount": "12", "card.expiry_year": "2030", "cardholder.billing_cycle_day": "5",
                      "cardholder.billing_address.country": "DE", "merchant.name": "", "arn": "x"}) == {
        "amount": 12, "card": {"expiry_year": 2030}, "cardholder": {"billing_cycle_day": 5,
                                                                     "billing_address": {"country": "DE"}},
        "arn": "x"}
