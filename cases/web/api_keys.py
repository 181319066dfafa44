"""API-key authentication shared by every door (SPEC section 5).

Three header forms: `Authorization: Bearer <key>`; HTTP Basic with the key as username and an
empty password (Decisionly); HTTP Basic with the key split at its dot, `<prefix>:<secret>`
(Tutelar's "API key" + "secret key"). The verified key is cached on the request.
"""

import base64
import binascii

from cases.exceptions import AuthenticationFailed
from cases.models import ApiKey

_CACHE_ATTR = "_disputes_api_key"
_MAX_HEADER = 1024


def key_from_header(header: str) -> str | None:
    """The raw key carried by an Authorization header, or None when the header carries none."""
    if not header:
        return None
    if len(header) > _MAX_HEADER:
        raise AuthenticationFailed("Invalid API key.")
    scheme, _, credentials = header.strip().partition(" ")
    scheme = scheme.lower()
    credentials = credentials.strip()
    if scheme == "bearer":
        return credentials or None
    if scheme == "basic":
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise AuthenticationFailed("Malformed Basic credentials.") from None
        username, _, password = decoded.partition(":")
        if not username:
            raise AuthenticationFailed("Invalid API key.")
        return f"{username}.{password}" if password else username
    return None


def authenticate_api_key(request) -> ApiKey | None:
    """Return the request's valid API key, None when it carries none; raise when it is invalid."""
    django_request = getattr(request, "_request", request)
    cached = getattr(django_request, _CACHE_ATTR, False)
    if cached is not False:
        return cached
    raw = key_from_header(django_request.META.get("HTTP_AUTHORIZATION", ""))
    api_key = None
    if raw is not None:
        prefix, dot, _ = raw.partition(".")
        if not dot or not prefix:
            raise AuthenticationFailed("Invalid API key.")
        api_key = ApiKey.objects.get_usable_keys().select_related("program").filter(prefix=prefix).first()
        # The library's get_usable_keys() leaves out revoked keys only; expiry is checked here.
        if api_key is None or api_key.has_expired or not api_key.is_valid(raw):
            raise AuthenticationFailed("Invalid API key.")
    setattr(django_request, _CACHE_ATTR, api_key)
    return api_key


def remember_api_key(request, api_key: ApiKey) -> None:
    """Record a key another authentication (Mastercard OAuth) established, so every later check of
    the request (idempotency, throttle, the door) sees this key."""
    setattr(getattr(request, "_request", request), _CACHE_ATTR, api_key)
