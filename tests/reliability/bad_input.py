"""The bad-input corpus and strategies the fuzz tests throw at every door (SPEC section 9)."""

import json

from django.conf import settings
from django.db.models import Sum
from hypothesis import strategies as st

from cases.models import Cardholder, Case, CaseEvent, Claim, Evidence, IdempotencyKey, Merchant, Transaction

# Malformed bodies: every one must be a 4xx in the door's envelope.
MALFORMED = {
    "empty": b"",
    "whitespace": b"  \n ",
    "truncated": b'{"reason": "fraud", ',
    "array": b"[1, 2, 3]",
    "null": b"null",
    "string": b'"hello"',
    "number": b"42",
    "nan": b'{"amount": NaN, "disputeAmount": NaN, "newAmount": NaN, "transition": NaN}',
    "infinity": b'{"amount": Infinity, "newAmount": -Infinity, "disputeAmount": Infinity}',
    "huge_exponent": b'{"amount": 1e999, "newAmount": 1e999, "disputeAmount": 1e999}',
    "huge_integer": b'{"amount": ' + b"9" * 5000 + b', "newAmount": ' + b"9" * 5000 + b"}",
    "bad_utf8": b'{"reason": "\xff\xfe", "transition": "\xc3\x28"}',
    "utf16": '{"reason": "fraud"}'.encode("utf-16"),
    "nul_escape": b'{"reason": "fr\\u0000aud", "note": "a\\u0000b", "text": "\\u0000", "comments": "\\u0000"}',
    "lone_surrogate": b'{"reason": "\\ud800", "note": "\\udfff", "text": "\\ud800", "comments": "\\udc00"}',
    "deep_arrays": b"[" * 10_000 + b"]" * 10_000,
    "deep_objects": b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
    "deep_in_field": b'{"transition": ' + b"[" * 10_000 + b"]" * 10_000 + b', "note": {"a": ' + b"[" * 5000
    + b"]" * 5000 + b"}}",
    "duplicate_keys": b'{"transition": "withdraw", "transition": ["x"], "reason": 1, "reason": {}}',
    "trailing_garbage": b'{"transition": "file_chargeback"} trailing',
    "control_and_rtl": json.dumps({
        "note": "\u202eevil\u202c\x07\x1b[31m", "text": "\u200f\u061c\x08", "comments": "\x1b[2J",
        "reason": "\u202efraud", "transition": "with\u200bdraw", "level": "level_1\x00",
    }).encode(),
    "wrong_types": json.dumps({
        "reason": ["fraud"], "transition": {"name": "withdraw"}, "amount": "lots", "newAmount": [1],
        "financialDocumentId": {"id": 1}, "financial_document_id": "one", "disputeAmount": True,
        "transactionDetails": "txn", "merchant": 5, "cardholder": [], "transaction": None, "case_ids": "x",
        "file_mode": 7, "custom_fields": [1, 2], "issuer_evidence": "yes", "level": 3, "text": 5, "note": [],
    }).encode(),
    "negative_and_zero": json.dumps({
        "amount": -100, "newAmount": 0, "disputeAmount": "-5", "financialDocumentId": -1,
        "financial_document_id": 0, "dispute": {"amount": -1}, "transaction": {"amount": 0},
    }).encode(),
}

NASTY_STRINGS = [
    "", " ", "\x00", "\u202e", "\u200f" * 40, "\x1b[2J\x07", "x" * 100_000, "2025-13-45", "9999-12-31T99:99:99",
    "0000-00-00", "-0", "NaN", "Infinity", "1e309", "0.001", "123.456789", "-5", "00000000000000000000001",
    "XXX", "usd", "ZZ", "' OR 1=1 --", "<script>alert(1)</script>", "{{7*7}}", "../../etc/passwd", "\ufeff",
    "a\r\nSet-Cookie: x=1", "🧾" * 100, "ﷺ" * 50,
]

leaf = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, -1, 1, 2**31, 2**63 - 1, 2**63, -(2**63) - 1, 2**64, 10**19]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.5, 0.001, 1e-300, 1e300, -0.0, 150.005]),
    st.text(max_size=200),
    st.sampled_from(NASTY_STRINGS),
    st.booleans(),
    st.none(),
)
nasty_value = st.recursive(leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(max_size=12), inner, max_size=4), max_leaves=12)


def paths(document, prefix=()):
    """Every path into a JSON document (objects and lists), the root included."""
    yield prefix
    if isinstance(document, dict):
        for key, value in document.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from paths(value, (*prefix, index))


def replace(document, path, value):
    if not path:
        return value
    copy = json.loads(json.dumps(document))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return copy


def oversized_body() -> bytes:
    """A JSON body just over the 10 MiB request limit (DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return b'{"comments": "' + b"a" * (limit + 1) + b'"}'


def stored_state() -> tuple:
    """What a refused request must leave untouched: row counts and the sum of case versions."""
    counts = tuple(model.objects.count() for model in (Case, CaseEvent, Transaction, Merchant, Cardholder,
                                                        Evidence, Claim))
    in_flight = IdempotencyKey.objects.filter(in_flight=True).count()
    return (*counts, Case.objects.aggregate(total=Sum("version"))["total"], in_flight)
