"""The limits every door checks (cases.limits), and the doors reading them from there."""

import pytest

from cases import limits
from cases.models import Cardholder, Evidence, Transaction


@pytest.mark.parametrize("text, multiline, found", [
    ("plain text", False, False),
    ("Café Zürich ½ – 東京", False, False),
    ("non\u00a0breaking and\u2028separator", False, False),  # not printable, but no C0 control
    ("tab\there", False, True),
    ("line\nbreak", False, True),
    ("tab\there", True, False),
    ("line\r\nbreak", True, False),
    ("bell\x07", True, True),
    ("nul\x00", True, True),
    ("del\x7f", False, True),
    ("del\x7f", True, True),
    ("", False, False),
])
def test_control_characters(text, multiline, found):
    assert limits.has_control(text, multiline=multiline) is found


def test_column_lengths_follow_the_model():
    assert limits.column_length(Transaction, "arn") == 64
    assert limits.column_length(Cardholder, "country") == 2
    assert limits.column_length(Evidence, "description") == 500


@pytest.mark.parametrize("key, value, fits", [
    ("k", "v", True),
    ("k" * 50, "v" * 250, True),
    ("", "v", False),
    ("k" * 51, "v", False),
    ("k", "v" * 251, False),
    ("k", 5, False),
    (5, "v", False),
])
def test_custom_field_pairs(key, value, fits):
    assert limits.custom_field_fits(key, value) is fits


def test_networks_and_countries():
    assert limits.NETWORKS == ("visa", "mastercard", "amex", "discover", "rupay")
    assert {"US", "DE", "IN"} <= limits.COUNTRIES and "001" not in limits.COUNTRIES and "USA" not in limits.COUNTRIES


def test_the_mastercard_comments_keep_to_the_custom_field_limits():
    from providers.mastercard.views import parse_case_comments

    pairs = ";".join(f"k{n}=v" for n in range(30))
    assert len(parse_case_comments(pairs)) == limits.MAX_CUSTOM_FIELDS
    assert parse_case_comments(f"{'k' * 51}=v;ok={'v' * 251};good=yes") == {"good": "yes"}
