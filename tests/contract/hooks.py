"""Schemathesis hooks for the contract tests (`schemathesis.toml` names this module).

Each states something about the API that OpenAPI 3.0 cannot, so generated requests stay honest;
each refusal they stand for has its own test under tests/api/:

- A card number (a Luhn-valid run of 13-19 digits starting 2-6) anywhere in a request is refused
  with 400 `pan_detected` (SPEC section 9): requests holding one are dropped.
- A NUL character or an unpaired surrogate in any string or property name is refused (422
  `invalid_characters`); OpenAPI 3.0 cannot constrain property names or free-form JSON: bodies
  holding one are dropped. (Field patterns say the rest of the control-character rule.)
- Custom-field keys are 1-50 characters (property names again): bodies breaking that are dropped.
- `starting_after` and `ending_before` together are a 400 (one direction per page); parameters
  cannot exclude each other in OpenAPI 3.0: requests with both are dropped.
- An Idempotency-Key is a client's unique token for one request (reused with another body: 422):
  each well-formed generated key is made unique.
- `program_id` may only name the API key's own program (another is 422): a well-formed one is
  set to the key's program.
"""

import os
import uuid

import schemathesis

from cases.pan import find_pan

PROGRAM = os.environ.get("SCHEMATHESIS_CONTRACT_PROGRAM", "")
_PRINTABLE = {chr(c) for c in range(0x20, 0x7F)}


def _storable(text: str) -> bool:
    return "\x00" not in text and not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


def unstorable_field(document) -> bool:
    """True when a string or property name holds what cases.web.guards refuses (NUL, a surrogate)."""
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, str) and not _storable(value):
            return True
        if isinstance(value, dict):
            if not all(_storable(str(key)) for key in value):
                return True
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def _well_formed(value, max_length: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= max_length and value == value.strip() and value.isprintable()


@schemathesis.hook
def filter_body(ctx, body):
    if isinstance(body, (dict, list)):
        if find_pan(body) is not None or unstorable_field(body):
            return False
        custom = body.get("custom_fields") if isinstance(body, dict) else None
        if isinstance(custom, dict) and any(not 1 <= len(key) <= 50 for key in custom):
            return False
    return True


@schemathesis.hook
def filter_query(ctx, query):
    if not query:
        return True
    if find_pan(dict(query)) is not None:
        return False
    return not (query.get("starting_after") and query.get("ending_before"))


@schemathesis.hook
def filter_path_parameters(ctx, path_parameters):
    return not path_parameters or find_pan(dict(path_parameters)) is None


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    headers = case.headers if case.headers is not None else {}
    key = headers.get("Idempotency-Key")
    if isinstance(key, str) and key and key == key.strip() and set(key) <= _PRINTABLE:
        headers["Idempotency-Key"] = f"{key[:200]}-{uuid.uuid4().hex}"
    body = case.body
    if isinstance(body, dict):
        if PROGRAM and _well_formed(body.get("program_id"), 126):
            body["program_id"] = PROGRAM
