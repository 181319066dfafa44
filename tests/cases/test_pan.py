import pytest

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
    with pytest.raises(PanDetected):
        pan.screen({"4242424242424242": "x"})
    pan.screen({"amount": 299, "ok": True, "none": None})
