"""Tutelar's envelope: {"success", "code", "message", "data"}; failures always carry body code 300
and `data: {}`, whatever the HTTP status (422, 401, 404, 500) — seed 004 "Error responses".
"""

from django.http import JsonResponse
from django.urls import reverse

from cases.exceptions import (
    AuthenticationFailed,
    CaseClosed,
    DisputeError,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    NotFound,
    OpenCaseExists,
    PanDetected,
    PayloadTooLarge,
    PermissionDenied,
    ValidationFailed,
)
from providers.base import MalformedBody, MethodNotAllowed, RouteNotFound, ServerError, Throttled
from providers.tutelar import messages as m

# Domain field-error codes and their Tutelar messages (the seed's where it has one).
_FIELD_MESSAGES = {
    "amount_exceeds_transaction": m.DISPUTE_AMOUNT_TOO_HIGH,
    "transaction_id_immutable": m.TRANSACTION_ID_CHANGED,
    "merchant_name_required": m.MERCHANT_NAME_MISSING,
    "cardholder_name_required": m.CUSTOMER_NAME_MISSING,
    "invalid_reason_code": m.REASON_CODE_INVALID,
    "internal_due_date_before_transaction": m.INTERNAL_DUE_DATE_INVALID,
    "invalid_level": m.LEVEL_NOT_CONFIGURED,
    "transaction_date_in_future": m.TRANSACTION_DATE_FUTURE,
    "invalid_characters": m.INVALID_BODY,
}
_FIXED = [
    (AuthenticationFailed, 401, m.UNAUTHORIZED),
    (PermissionDenied, 401, m.UNAUTHORIZED),
    (RouteNotFound, 404, m.NOT_FOUND),
    (MethodNotAllowed, 404, m.NOT_FOUND),
    (NotFound, 422, m.NO_DATA),
    (ServerError, 500, m.SOMETHING_WRONG),
    (Throttled, 429, m.TOO_MANY_REQUESTS),
    (OpenCaseExists, 422, m.DUPLICATE),
    (CaseClosed, 422, m.CLOSED_NO_UPDATE),
    (MalformedBody, 422, m.INVALID_BODY),
    (PayloadTooLarge, 413, m.TOO_LARGE),  # SPEC section 9: oversized bodies are 413 in every door
    (PanDetected, 422, m.PAN),
    (IdempotencyKeyReused, 422, m.IDEMPOTENCY_REUSED),
    (IdempotencyKeyInUse, 422, m.IDEMPOTENCY_IN_USE),
]


def envelope(status: int, message: str, data: dict | None = None, *, success: bool = True) -> JsonResponse:
    return JsonResponse({"success": success, "code": status if success else 300, "message": message,
                         "data": data if success and data is not None else {}}, status=status)


def _describe(exc: DisputeError) -> tuple[int, str]:
    for kind, status, message in _FIXED:
        if isinstance(exc, kind):
            return status, message
    if isinstance(exc, ValidationFailed):
        first = exc.first
        if first is None:
            return 422, exc.message
        return 422, (first.message if first.code == "tutelar" else _FIELD_MESSAGES.get(first.code, first.message))
    return (500, m.SOMETHING_WRONG) if exc.status >= 500 else (422, exc.message)


def render_error(request, exc: DisputeError) -> JsonResponse:
    status, message = _describe(exc)
    response = envelope(status, message, success=False)
    if isinstance(exc, OpenCaseExists):
        # The body stays the seed's (data: {}); the existing dispute is named by its address.
        response["Location"] = reverse("tutelar:view", args=[exc.case_id])
    return response
