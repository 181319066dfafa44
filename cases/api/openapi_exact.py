"""Document-wide rules that make the native API's OpenAPI document say exactly what the server does
(SPEC section 15), applied once to the generated document (drf-spectacular POSTPROCESSING_HOOKS).

- Every error answer is `application/problem+json` (RFC 9457), with every status the server can
  give for that operation: 400 (a query string or body it cannot read, a card number), 401, 403,
  404 (an unknown id, an unknown page cursor), 406, 429 for all; 413, 415 and 422 for writes.
- Request objects refuse properties they do not name (`additionalProperties: false`), and the door
  refuses them too (`cases.api.body_schema`), except the free-form ones (issuer evidence, custom
  fields) that say what they hold.
- Strings a client sends follow the project's control-character rule (`cases.wire.reader`): no C0
  control character or DEL in a field; tab, line feed and carriage return allowed in free text.
  Unpaired surrogates cannot be sent as UTF-8 at all, and JSON escapes of them are refused as
  unstorable (`cases.web.guards`).
- Query, header and path parameters carry the patterns, bounds and enumerations the views check.

What JSON Schema cannot say is written in the descriptions and checked by tests instead: a card
number (a Luhn-valid run of 13-19 digits) anywhere in a request is refused with 400 `pan_detected`.
"""

import copy

from cases.services.evidence import EVIDENCE_TYPES
from cases.services.validation import MAX_CUSTOM_FIELDS, MAX_CUSTOM_VALUE

PROBLEM = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# C0 controls and DEL refused; tab, LF and CR allowed in free text (cases.wire.reader._CONTROL*).
FIELD_PATTERN = r"^[^\u0000-\u001f\u007f]*$"
TEXT_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$"
# A query text (cases.api.views.base.query_text): printable, no control characters.
QUERY_PATTERN = FIELD_PATTERN
# A filter of the case list (django-filter CharFilter): Django refuses only NUL.
FILTER_PATTERN = r"^[^\u0000]*$"
# Multi-line free text: notes, descriptions, explanations.
TEXT_FIELDS = {"note", "description", "cardholder_explanation"}
# The longest value each text query parameter takes (CaseFilterSet, query_text); 126 otherwise.
QUERY_LENGTHS = {"network_reason_code": 10, "level": 32, "network": 16, "assignee": 150}
EMPTY_MEANS_ABSENT = {"limit", "starting_after", "ending_before", "issuer_id", "arn", "external_id",
                      "switch_serial_number", "network"}
# Request objects whose optional properties may not be sent as null (each names a change to make).
NULL_REFUSED = {"PatchedWebhookEndpointPatchRequest", "EvidenceUploadRequest"}
STRING_CURSOR = r"^[A-Za-z0-9_-]{0,126}$"
NUMBER_CURSOR = r"^[0-9]{0,18}$"
# Lists paged by a string id (the others page by a number).
STRING_CURSOR_PATHS = {"/api/v1/cases", "/api/v1/claims", "/api/v1/webhook-endpoints"}
# Path ids: the URL converters of cases/api/urls.py (anything else is a problem+json 404).
ID_PATTERN = r"^[A-Za-z0-9_-]{1,126}$"
MAX_PATH_INT = 10**18 - 1
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]([ -~]{0,253}[!-~])?$"

ERROR_TEXT = {
    400: "invalid_request (a query parameter or body that cannot be read), pan_detected",
    401: "authentication_failed",
    403: "permission_denied",
    404: "not_found",
    406: "not_acceptable: this API answers JSON only",
    409: "open_case_exists, case_id_taken, transition_not_allowed, case_closed, idempotency_key_in_use, "
         "submission_not_retryable",
    412: "precondition_failed: If-Match names another version of the case",
    413: "payload_too_large, file_too_large",
    415: "unsupported_media_type (send JSON, or multipart/form-data for a file), unsupported_file_type",
    422: "validation_error, transition_condition_failed, idempotency_key_reused",
    429: "throttled",
}
ALWAYS = (400, 401, 403, 404, 406, 429)
WRITES = (413, 415, 422)
_WRITE_METHODS = {"post", "put", "patch", "delete"}


def _problem_response(code: int, description: str = "") -> dict:
    return {"description": description or ERROR_TEXT.get(code, "An error"),
            "content": {PROBLEM: {"schema": PROBLEM_REF}}}


def _errors(operation: dict, method: str) -> None:
    responses = operation.setdefault("responses", {})
    codes = list(ALWAYS) + (list(WRITES) if method in _WRITE_METHODS else [])
    for code in codes:
        responses.setdefault(str(code), _problem_response(code))
    for code, response in list(responses.items()):
        if code.isdigit() and int(code) >= 400:
            responses[code] = _problem_response(int(code), response.get("description", ""))


def _parameter(path: str, parameter: dict) -> None:
    schema = parameter.setdefault("schema", {})
    name, where = parameter["name"], parameter["in"]
    if where == "path":
        if schema.get("type") == "integer":
            schema.update(minimum=0, maximum=MAX_PATH_INT)
        else:
            schema.update(type="string", pattern=ID_PATTERN)
        return
    if where == "header":
        if name == "Idempotency-Key":
            schema.update(type="string", pattern=IDEMPOTENCY_KEY_PATTERN, maxLength=255)
        return
    single = schema.get("type") != "array"
    if where == "query" and single and (name in EMPTY_MEANS_ABSENT or (path == "/api/v1/cases" and name != "overdue")):
        # The view reads an empty value as no value (a browser form's empty field).
        parameter["allowEmptyValue"] = True
    if name == "limit":
        schema.update(type="integer", minimum=1, maximum=100)
    elif name in ("amount_min", "amount_max"):
        schema.update(type="number", minimum=0, maximum=1e50)  # django-filter NumberFilter's bound
    elif name in ("starting_after", "ending_before"):
        schema.update(type="string", pattern=STRING_CURSOR if path in STRING_CURSOR_PATHS else NUMBER_CURSOR)
    elif schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
        filters = path == "/api/v1/cases"
        schema.setdefault("pattern", FILTER_PATTERN if filters else QUERY_PATTERN)
        schema.setdefault("maxLength", QUERY_LENGTHS.get(name, 126))
    elif schema.get("type") == "array":
        # A repeated filter given empty (`reason=`) names no value and is refused.
        schema["minItems"] = 1
        items = schema.get("items", {})
        if items.get("type") == "string" and "enum" not in items:
            items.setdefault("pattern", QUERY_PATTERN)


def _strict_strings(schema: dict, name: str = "") -> None:
    """Control-character patterns on the strings of a request schema (recursively, in place)."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return
    kind = schema.get("type")
    if kind == "string" and "enum" not in schema and schema.get("format") not in ("binary", "date", "date-time"):
        schema.setdefault("pattern", TEXT_PATTERN if name in TEXT_FIELDS else FIELD_PATTERN)
    for key, value in schema.get("properties", {}).items():
        _strict_strings(value, key)
    if isinstance(schema.get("additionalProperties"), dict):
        _strict_strings(schema["additionalProperties"], name)
    if isinstance(schema.get("items"), dict):
        _strict_strings(schema["items"], name)
    for key in ("allOf", "oneOf", "anyOf"):
        for item in schema.get(key, []):
            _strict_strings(item, name)


def _strict_request_component(schema: dict, null_is_absent: bool = True) -> None:
    if "properties" in schema and "additionalProperties" not in schema:
        schema["additionalProperties"] = False
    required = set(schema.get("required", []))
    properties = schema.get("properties", {})
    for name, prop in list(properties.items()):
        if name in required:
            continue
        # An optional string sent empty is read as not given (cases.wire.reader), never refused
        # for being blank.
        if prop.get("type") == "string" and prop.get("minLength") == 1:
            del prop["minLength"]
        # So is an optional property sent as null.
        if null_is_absent:
            if "$ref" in prop:
                properties[name] = {"allOf": [prop], "nullable": True}
            else:
                prop["nullable"] = True
    custom = schema.get("properties", {}).get("custom_fields")
    if isinstance(custom, dict) and isinstance(custom.get("additionalProperties"), dict):
        # cases.services.validation.check_custom_fields: 25 pairs, values of 250 characters.
        custom["maxProperties"] = MAX_CUSTOM_FIELDS
        custom["additionalProperties"]["maxLength"] = MAX_CUSTOM_VALUE
    _strict_strings(schema)


def exact_document(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: the rules above, on the whole document."""
    result = copy.deepcopy(result)
    for name, schema in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            _strict_request_component(schema, null_is_absent=name not in NULL_REFUSED)
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            _errors(operation, method)
            for parameter in operation.get("parameters", []):
                _parameter(path, parameter)
            body = operation.get("requestBody", {}).get("content", {})
            for media_type, media in body.items():
                schema = media.get("schema", {})
                if media_type == "multipart/form-data":
                    # The evidence file's part: the types the server keeps (it checks the content too).
                    media["encoding"] = {"file": {"contentType": ", ".join(sorted(EVIDENCE_TYPES))}}
                if "$ref" not in schema:
                    _strict_request_component(schema)
    return result
