"""The request guards every door wraps its write views in: body size, PAN screening, idempotency.

`guarded(render_error)` decorates a Django view (a DRF `as_view()` too). `render_error(request,
exc)` renders a domain error in the door's own envelope, so each door keeps its error shape.
"""

import json
from functools import wraps

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http.multipartparser import MultiPartParserError

from cases import pan
from cases.exceptions import AuthenticationFailed, DisputeError, PanDetected, PayloadTooLarge, ValidationFailed
from cases.limits import unstorable_field
from cases.web.api_keys import authenticate_api_key
from cases.web.idempotency import HEADER, run_idempotent

_WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def read_body(request) -> bytes:
    try:
        return request.body
    except RequestDataTooBig:
        raise PayloadTooLarge("The request body is too large.") from None


def _refuse_unstorable(document) -> None:
    field = unstorable_field(document)
    if field:
        raise ValidationFailed.single(field, "invalid_characters",
                                      f"{field} holds a NUL character or an unpaired surrogate.")


def _form_fields(request) -> dict:
    try:
        return {k: request.POST.getlist(k) for k in request.POST}
    except RequestDataTooBig:
        raise PayloadTooLarge("The request body is too large.") from None
    except (MultiPartParserError, BadRequest, SuspiciousOperation):
        # A broken multipart body (no or bad boundary, truncated, too many parts): the door's 400.
        raise DisputeError("The request body could not be read as a form.") from None


def screen_request(request, body: bytes) -> None:
    """Refuse a request whose body (JSON or form fields) or query string holds a card number or a
    string no database can store."""
    query = {k: request.GET.getlist(k) for k in request.GET}
    pan.screen(query)
    _refuse_unstorable(query)
    content_type = request.content_type or ""
    if content_type.startswith("multipart/") or content_type == "application/x-www-form-urlencoded":
        fields = _form_fields(request)
        pan.screen(fields)
        _refuse_unstorable(fields)
        return
    if not body:
        return
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        # Not JSON: the door refuses it as malformed; still never let a card number through.
        if pan.contains_pan(body[:1_000_000].decode("utf-8", "replace")):
            raise PanDetected("body") from None
        return
    pan.screen(document)
    _refuse_unstorable(document)


def idempotency_owner(request) -> str | None:
    try:
        api_key = authenticate_api_key(request)
    except AuthenticationFailed:
        return None  # the view answers 401 in its own envelope
    if api_key is not None:
        # The key's primary key is long (prefix + hash) and the owner column holds 80: the prefix is unique too.
        return f"api_key:{api_key.prefix}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def guarded(render_error):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in _WRITE_METHODS:
                return view(request, *args, **kwargs)
            try:
                body = read_body(request)
                screen_request(request, body)
            except DisputeError as exc:
                return render_error(request, exc)
            owner = idempotency_owner(request) if request.method == "POST" and HEADER in request.headers else None
            if owner is None:
                return view(request, *args, **kwargs)
            return run_idempotent(request, body, owner, lambda: view(request, *args, **kwargs), render_error)

        return wrapped

    return decorator
