"""Decisionly's error envelope: {"error": {"type", "code", "message", "param"}}.

Decisionly lists HTTP 400, 401, 403, 404, 429 and 500 (https://docs.decisionly.com/errors) and
`parameter_missing` as a code (…/v2-beta/get-case-review-results); the body shape of top-level
errors is not published (REFERENCE.md section 2), so this follows the Stripe-style envelope its
codes suggest. An invalid key is "Invalid API key" (https://docs.decisionly.com/quickstart).
"""

from django.http import JsonResponse

from cases.exceptions import (
    AuthenticationFailed,
    CaseClosed,
    CaseIdTaken,
    DisputeError,
    IdempotencyKeyReused,
    NotFound,
    OpenCaseExists,
    PermissionDenied,
    TransitionConditionFailed,
    TransitionNotAllowed,
    ValidationFailed,
)
from providers.base import ServerError, Throttled

_FIELD_CODES = {"required": "parameter_missing", "invalid": "parameter_invalid", "invalid_choice": "parameter_invalid"}
_CONFLICT_CODES = {"claim_id_taken"}


def _field_message(error) -> str:
    """The message names its parameter, as a client logs the message more often than `param`."""
    if not error.field or error.field in error.message:
        return error.message
    if error.code == "required":
        return f"Missing required param: {error.field}."
    return f"Invalid {error.field}: {error.message}"


def _describe(exc: DisputeError) -> tuple[int, str, str, str, str | None]:
    """(HTTP status, type, code, message, param)."""
    if isinstance(exc, AuthenticationFailed):
        return 401, "authentication_error", "invalid_api_key", exc.message, None
    if isinstance(exc, ServerError):
        return 500, "api_error", "api_error", "Something went wrong on our side; try again.", None
    if isinstance(exc, OpenCaseExists):
        return 409, "invalid_request_error", "open_case_exists", (
            f"The transaction already has an open case: {exc.case_id}."), "transaction"
    if isinstance(exc, CaseIdTaken):
        return 409, "invalid_request_error", "case_id_taken", exc.message, "case_id"
    if isinstance(exc, TransitionNotAllowed):
        return 409, "invalid_request_error", exc.code, exc.message, None
    if isinstance(exc, TransitionConditionFailed):
        return 400, "invalid_request_error", exc.code, exc.message, None
    if isinstance(exc, ValidationFailed):
        first = exc.first
        if first is None:
            return 400, "invalid_request_error", "parameter_invalid", exc.message, None
        code = _FIELD_CODES.get(first.code, first.code)
        status = 409 if code in _CONFLICT_CODES else 400
        return status, "invalid_request_error", code, _field_message(first), first.field
    if isinstance(exc, NotFound):
        return 404, "invalid_request_error", "resource_missing", exc.message, exc.field
    if isinstance(exc, PermissionDenied):
        return 403, "invalid_request_error", exc.code, exc.message, None
    if isinstance(exc, Throttled):
        return 429, "invalid_request_error", "rate_limit", exc.message, None
    if isinstance(exc, (CaseClosed, IdempotencyKeyReused)):
        return 400, "invalid_request_error", exc.code, exc.message, None
    return exc.status, ("api_error" if exc.status >= 500 else "invalid_request_error"), exc.code, exc.message, exc.field


def render_error(request, exc: DisputeError) -> JsonResponse:
    status, kind, code, message, param = _describe(exc)
    return JsonResponse({"error": {"type": kind, "code": code, "message": message, "param": param}}, status=status)
