import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases import pan
from cases.exceptions import PanDetected


@pytest.mark.parametrize("text", [
    "4242424242424242", "my card 4242 4242 4242 4242 was used", "4242-4242-4242-4242",
    "5555555555554444", "378282246310005", "6011111111111117", "2223003122003222", "x4111111111111111y",
])
def test_luhn_valid_card_numbers_are_found(text):
    assert pan.contains_pan(text)


@pytest.mark.parametrize("text", [
    "4242424242424241",  # fails Luhn
    "48162855246353338636162",  # 23-digit ARN: one longer run
    "1234567812345670",  # Luhn-valid but starts with 1
    "4242  4242 4242 4242",  # double space breaks the run into short pieces
    "424242424242",  # 12 digits
    "order 4242 and 4242",
    "",
])
def test_other_digit_runs_pass(text):
    assert not pan.contains_pan(text)


def test_screen_names_the_nested_field():
    body = {"transaction": {"card": {"last4": "4242"}}, "notes": ["ok", {"text": "card 4000 0566 5566 5556"}]}
    with pytest.raises(PanDetected) as excinfo:
        pan.screen(body)
    assert excinfo.value.field == "notes[1].text"
    assert "4000" not in excinfo.value.message


def test_screen_checks_numbers_and_keys():
    with pytest.raises(PanDetected):
        pan.screen({"amount": 4242424242424242})
    with pytest.raises(PanDetected) as excinfo:
        pan.screen({"meta": {"4242 4242 4242 4242": "x"}})
    assert excinfo.value.field == "meta.**** **** **** ****"
    assert "4242" not in excinfo.value.message
    pan.screen({"amount": 299, "ok": True, "none": None})


# text_holds_pan screens a raw JSON line; it must answer as contains_pan does on every run of 13 or
# more digits (single spaces or dashes between them), the screen it replaced.
_LONG_RUN = re.compile(r"\d(?:[ -]?\d){12,}")


def _runs_hold_pan(text: str) -> bool:
    return any(pan.contains_pan(run.group()) for run in _LONG_RUN.finditer(text))


@pytest.mark.parametrize("text", [
    '{"arn": "48162855246353338636162", "card": {"last4": "4242"}}',  # a 23-digit run is no card number
    '{"note": "paid with 4242 4242 4242 4242"}',
    '{"4242-4242-4242-4242": 1}',  # in a key
    '{"amount": 4242424242424242}',  # a number
    '{"a": "4242424242424241", "b": "x4111111111111111"}',  # the second value holds one
    '{"a": "4242  4242 4242 4242"}',  # double space: short runs only
    '{"a": "48162855246353338636162  4242424242424242"}',  # an ARN, two spaces, a card number
    '{"a": "order -- 4242424242424242 --"}',
    '{"a": "4242424242424242"}' + " " * 40,
    '{"a": "\u0664\u0662\u0664\u0662424242424242"}',  # Arabic-Indic digits are digits to the screen too
    '{"a": "caf\u00e9 4242424242424242"}',
    '{"a": "caf\u00e9 424242424242"}',
    "", "1234567890123", "-" * 30, " 4242424242424242 ",
])
def test_text_screen_answers_as_the_digit_run_screen(text):
    assert pan.text_holds_pan(text) == _runs_hold_pan(text)


@given(st.lists(st.one_of(st.sampled_from(["4242424242424242", "4242 4242 4242 4242", "378282246310005", " ", "-",
                                           "  ", '"', ":", "x", "\u0664", "\u00e9"]),
                          st.text(alphabet="0123456789 -x", max_size=30)), max_size=8))
@settings(max_examples=300, deadline=None)
def test_text_screen_answers_as_the_digit_run_screen_on_any_text(parts):
    text = "".join(parts)
    assert pan.text_holds_pan(text) == _runs_hold_pan(text)
