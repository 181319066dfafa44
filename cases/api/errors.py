"""RFC 9457 problem details for the native API (SPEC section 5): one mapping for every error.

`problem_exception_handler` is DRF's exception handler; `render_problem` renders the errors the
request guards raise before a view runs (PAN, idempotency, body size). Both build the body here,
so every error of /api/v1/ has the same envelope:

    {"type": "urn:disputes:problem:<code>", "title", "status", "detail", "code", "errors": [...]}
"""

import json
import logging
import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpResponse
from django.http.multipartparser import MultiPartParserError
from rest_framework import exceptions as drf

from cases.exceptions import DisputeError, FieldError

logger = logging.getLogger("disputes.api")

CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:disputes:problem:"

# DRF exception -> (status, code, title). Checked in order: subclasses before their parents.
_DRF_ERRORS = (
    (drf.ValidationError, 422, "validation_error", "Validation failed"),
    (drf.ParseError, 400, "invalid_request", "Malformed request"),
    (drf.NotAuthenticated, 401, "authentication_failed", "Authentication required"),
    (drf.AuthenticationFailed, 401, "authentication_failed", "Authentication failed"),
    (drf.PermissionDenied, 403, "permission_denied", "Permission denied"),
    (drf.NotFound, 404, "not_found", "Not found"),
    (drf.MethodNotAllowed, 405, "method_not_allowed", "Method not allowed"),
    (drf.NotAcceptable, 406, "not_acceptable", "Not acceptable"),
    (drf.UnsupportedMediaType, 415, "unsupported_media_type", "Unsupported media type"),
    (drf.Throttled, 429, "throttled", "Too many requests"),
)


def problem(*, status: int, code: str, title: str, detail: str, errors=(), extra: dict | None = None) -> dict:
    body = {"type": TYPE_PREFIX + code, "title": title, "status": status, "detail": detail, "code": code,
            "errors": [{"field": e.field, "code": e.code, "message": e.message} for e in errors]}
    for key, value in (extra or {}).items():
        body.setdefault(key, value)
    return body


def problem_response(body: dict, headers: dict | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=body["status"], content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _flatten(detail, path: str = "") -> list[FieldError]:
    """DRF's nested error detail as a flat list with dotted field paths (`transaction.amount`, `ids[0]`)."""
    if isinstance(detail, dict):
        found = []
        for key, value in detail.items():
            name = "" if key == "non_field_errors" else str(key)
            found += _flatten(value, f"{path}.{name}" if path and name else (name or path))
        return found
    if isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            return [FieldError(path or "body", getattr(item, "code", "invalid"), str(item)) for item in detail]
        found = []
        for index, item in enumerate(detail):
            found += _flatten(item, f"{path}[{index}]")
        return found
    return [FieldError(path or "body", getattr(detail, "code", "invalid"), str(detail))]


def _from_dispute_error(exc: DisputeError) -> dict:
    return problem(status=exc.status, code=exc.code, title=exc.title, detail=exc.message, errors=exc.errors,
                   extra=exc.extra)


def _from_drf(exc: drf.APIException) -> tuple[dict, dict]:
    status, code, title = exc.status_code, exc.default_code, "Request failed"
    for cls, cls_status, cls_code, cls_title in _DRF_ERRORS:
        if isinstance(exc, cls):
            status, code, title = cls_status, cls_code, cls_title
            break
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if isinstance(exc, drf.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(max(1, math.ceil(exc.wait)))
    if isinstance(exc, drf.ValidationError):
        errors = _flatten(exc.detail)
        detail = errors[0].message if errors else title
        return problem(status=status, code=code, title=title, detail=detail, errors=errors), headers
    detail = exc.detail if isinstance(exc.detail, str) else title
    return problem(status=status, code=code, title=title, detail=str(detail)), headers


def problem_for(exc: Exception) -> tuple[dict, dict] | None:
    """The problem body and headers for an exception, or None when it is a server fault (500)."""
    if isinstance(exc, DisputeError):
        return _from_dispute_error(exc), {}
    if isinstance(exc, drf.APIException):
        return _from_drf(exc)
    if isinstance(exc, Http404):
        return problem(status=404, code="not_found", title="Not found", detail="Not found."), {}
    if isinstance(exc, DjangoPermissionDenied):
        return problem(status=403, code="permission_denied", title="Permission denied",
                       detail="You may not do this."), {}
    if isinstance(exc, RequestDataTooBig):
        return problem(status=413, code="payload_too_large", title="Request body too large",
                       detail="The request body is too large."), {}
    if isinstance(exc, (SuspiciousOperation, MultiPartParserError)):
        return problem(status=400, code="invalid_request", title="Malformed request",
                       detail="The request could not be read."), {}
    return None


def problem_exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every expected error as problem+json; anything else (a dropped
    database connection, a bug) is logged with its traceback and answered as a problem+json 500."""
    found = problem_for(exc)
    if found is None:
        request = context.get("request")
        logger.error("unexpected error in %s %s", getattr(request, "method", ""), getattr(request, "path", ""),
                     exc_info=exc)
        found = problem(status=500, code="server_error", title="Internal server error",
                        detail="Something went wrong on our side; try again."), {}
    body, headers = found
    return problem_response(body, headers)


def render_problem(request, exc: Exception) -> HttpResponse:
    """The guards' `render_error`: a domain error raised before the view, in this door's envelope."""
    body, headers = problem_for(exc) or (problem(status=400, code="invalid_request", title="Invalid request",
                                                 detail="The request could not be processed."), {})
    return problem_response(body, headers)


def csrf_failure(request, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a session write without its CSRF token. Under /api/ (the native API) the
    refusal is a problem+json 403 like every other API error; elsewhere it is Django's own page."""
    if request.path.startswith("/api/") and not request.path.startswith("/api/v1/dispute/"):
        return problem_response(problem(status=403, code="permission_denied", title="Permission denied",
                                        detail="CSRF check failed: send the CSRF token with a session write, "
                                               "or authenticate with an API key."))
    from django.views.csrf import csrf_failure as django_csrf_failure

    return django_csrf_failure(request, reason)
