"""Plumbing the three dialects share: one way in, one way out (SPEC section 6).

A dialect view is a plain function `handler(request, actor, **url_kwargs) -> HttpResponse`.
`endpoint(render_error, GET=..., POST=...)` turns handlers into one URL's Django view that:

- answers only the methods it was given (405 otherwise);
- runs the shared request guards (body size, PAN screening, Idempotency-Key) from cases.web.guards;
- authenticates the API key in any of SPEC section 5's three header forms;
- renders every domain error, and any unexpected one (as a 500), in the dialect's own envelope,
  never Django's HTML error page.

`render_error(request, exc)` is the dialect's single translation of a DisputeError into its
envelope; this module raises the few errors that are not the domain's (malformed body, unknown
route, method, server error) as DisputeErrors too, so a dialect has exactly one place to map.
"""

import json
import logging
from functools import wraps

from django.views.decorators.csrf import csrf_exempt

from cases.actors import Actor
from cases.exceptions import AuthenticationFailed, DisputeError, NotFound, ValidationFailed
from cases.limits import has_control, unstorable_field
from cases.web.api_keys import authenticate_api_key
from cases.web.guards import guarded, read_body
from cases.web.throttling import ClientRateThrottle

logger = logging.getLogger("disputes.providers")


class MalformedBody(DisputeError):
    code = "malformed_body"
    status = 400
    title = "The request body is not a JSON object"


class MethodNotAllowed(DisputeError):
    code = "method_not_allowed"
    status = 405
    title = "Method not allowed"


class RouteNotFound(NotFound):
    code = "route_not_found"
    title = "Request not found"


class Throttled(DisputeError):
    code = "throttled"
    status = 429
    title = "Too many requests"

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"Too many requests; retry in {retry_after} seconds.")


class ServerError(DisputeError):
    code = "server_error"
    status = 500
    title = "Something went wrong"


def request_actor(request) -> Actor:
    """The API key's actor; a request without a usable key is refused (each dialect's 401), one over
    the key's rate is throttled (429)."""
    api_key = authenticate_api_key(request)
    if api_key is None:
        raise AuthenticationFailed("An API key is required.")
    request.api_key = request.auth = api_key
    # The native API's throttle, so a key's budget is shared by every door (SPEC section 9).
    throttle = ClientRateThrottle()
    if not throttle.allow_request(request, None):
        raise Throttled(max(1, int(throttle.wait() or 1)))
    return Actor.for_api_key(api_key, request_id=getattr(request, "id", ""))


def json_object(request) -> dict:
    """The request body as a JSON object; anything else is a MalformedBody."""
    body = read_body(request)
    if not body.strip():
        raise MalformedBody("The request body is empty; send a JSON object.")
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        # ValueError covers bad UTF-8, bad JSON and integers beyond Python's digit limit.
        raise MalformedBody("The request body is not valid JSON.") from None
    if not isinstance(document, dict):
        raise MalformedBody("The request body must be a JSON object.")
    bad = unstorable_field(document)
    if bad is not None:
        raise ValidationFailed.single(bad, "invalid_characters", f"{bad} holds a NUL character or an unpaired surrogate.")
    return document


def clean_text(value, field: str, *, max_length: int, multiline: bool = False) -> str:
    """A text field: a string of at most `max_length` characters and no control characters
    (line breaks and tabs allowed in multi-line text). Returns it stripped."""
    if not isinstance(value, str):
        raise ValidationFailed.single(field, "invalid", f"{field} must be a string.")
    value = value.strip()
    if len(value) > max_length:
        raise ValidationFailed.single(field, "too_long", f"{field} is at most {max_length} characters.")
    if has_control(value, multiline=multiline):
        raise ValidationFailed.single(field, "invalid_characters", f"{field} must not hold control characters.")
    return value


def _unexpected(request, render_error):
    logger.exception("unexpected error in %s %s", request.method, request.path)
    return render_error(request, ServerError())


def endpoint(render_error, **handlers):
    """One URL's view: method dispatch, guards, authentication and errors in the dialect's envelope."""
    allowed = ", ".join(sorted(handlers))

    def handle(request, *args, **kwargs):
        handler = handlers[request.method]
        try:
            return handler(request, request_actor(request), *args, **kwargs)
        except Throttled as exc:
            response = render_error(request, exc)
            response["Retry-After"] = str(exc.retry_after)
            return response
        except DisputeError as exc:
            return render_error(request, exc)
        except Exception:  # noqa: BLE001 - the dialect answers its own 500 envelope, never Django's page
            return _unexpected(request, render_error)

    protected = guarded(render_error)(handle)

    @csrf_exempt
    @wraps(next(iter(handlers.values())))
    def view(request, *args, **kwargs):
        if request.method not in handlers:
            response = render_error(request, MethodNotAllowed(f"Use {allowed} on this path."))
            response["Allow"] = allowed
            return response
        try:
            return protected(request, *args, **kwargs)
        except Exception:  # noqa: BLE001 - a failure inside the guards still answers in the envelope
            return _unexpected(request, render_error)

    return view


def not_found_view(render_error):
    """The dialect's catch-all: an unknown path under its prefix answers in its envelope."""

    @csrf_exempt
    def view(request, *args, **kwargs):
        return render_error(request, RouteNotFound("No such endpoint."))

    return view
