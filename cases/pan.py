"""Full card number (PAN) screening of request bodies (SPEC section 9).

A string holding a maximal run of 13-19 digits (single spaces or dashes allowed between digits)
that starts with 2-6 and passes the Luhn check is a card number: the request is refused and the
value is never stored, echoed or logged. A 23-digit ARN is a longer run and passes.
"""

import re

from cases.exceptions import PanDetected

# What a person is told when a form field holds a card number (back office, admin).
PAN_MESSAGE = "This looks like a full card number. Enter only the last four digits."
_RUN = re.compile(r"\d(?:[ -]?\d)*")
_LONG_RUN = re.compile(r"\d(?:[ -]?\d){12,}")
_SEPARATORS = re.compile(r"[ -]")
_DIGIT = re.compile(r"\d")
_MAX_DEPTH = 64
# text_holds_pan on ASCII text: digits, spaces and dashes marked "d", everything else "x".
_STRETCH_MARKS = bytes(0x64 if byte in b"0123456789 -" else 0x78 for byte in range(256))
_SHORTEST_STRETCH = b"d" * 13


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def contains_pan(text: str) -> bool:
    for match in _RUN.finditer(text):
        digits = _SEPARATORS.sub("", match.group())
        if 13 <= len(digits) <= 19 and digits[0] in "23456" and luhn_valid(digits):
            return True
    return False


def text_holds_pan(text: str) -> bool:
    """True when a digit run in `text` is a card number: a screen over raw text (a JSON line) that
    tells which rows need find_pan's walk. Same answer as contains_pan on each run of 13 or more
    digits; on ASCII text only the stretches of 13 or more digits, spaces and dashes (every such run
    lies inside one) are looked at, and those are found by a byte translation, not a regex."""
    if not text.isascii():
        return any(contains_pan(run.group()) for run in _LONG_RUN.finditer(text))
    marks = text.encode("ascii").translate(_STRETCH_MARKS)
    start = marks.find(_SHORTEST_STRETCH)
    while start >= 0:
        end = marks.find(b"x", start)
        if end < 0:
            end = len(marks)
        stretch = text[start:end]
        if stretch.isdigit():  # one run (an ARN): no need for the regex
            if 13 <= len(stretch) <= 19 and stretch[0] in "23456" and luhn_valid(stretch):
                return True
        elif contains_pan(stretch):
            return True
        start = marks.find(_SHORTEST_STRETCH, end)
    return False


def find_pan(value, path: str = "", depth: int = 0) -> str | None:
    """The dotted path of the first string (or number, or key) holding a PAN, else None."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(value, str):
        return (path or "body") if contains_pan(value) else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return (path or "body") if contains_pan(str(value)) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and contains_pan(key):
                # The key itself is the card number: the path names it without its digits.
                masked = _DIGIT.sub("*", key)
                return f"{path}.{masked}" if path else masked
            child = f"{path}.{key}" if path else str(key)
            found = find_pan(item, child, depth + 1)
            if found:
                return found
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found = find_pan(item, f"{path}[{index}]", depth + 1)
            if found:
                return found
    return None


def screen(value) -> None:
    """Raise PanDetected naming the field when the value holds a card number anywhere."""
    field = find_pan(value)
    if field:
        raise PanDetected(field)
