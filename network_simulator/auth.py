"""How the simulator authenticates its callers.

Mastercom: Mastercard's OAuth 1.0a (RSA-SHA256 with a body hash), verified by the same verifier the
case system uses for inbound Mastercard requests (cases/web/mastercard_oauth.py). The public key of
each consumer key is taken from the signing keys configured for the gateway (cases/gateways/keys.py),
as Mastercard keeps the certificate of each consumer key. A nonce is accepted once per window.

VROL-style wire: HTTP Basic with the configured user id and password (Visa's APIs use a user id and
password over two-way TLS; the simulator, on loopback, checks the pair only).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import itertools
import threading
import time

from django.conf import settings

from cases.gateways import keys
from cases.web import mastercard_oauth

_lock = threading.Lock()
_nonces: dict[tuple[str, str], float] = {}
_public_keys: dict[str, object] = {}


def _public_key(consumer_key: str):
    with _lock:
        if not _public_keys:
            for credentials in keys.all_credentials():
                _public_keys[credentials.consumer_key] = credentials.private_key.public_key()
        return _public_keys.get(consumer_key)


def _fresh_nonce(consumer_key: str, nonce: str, now: float) -> bool:
    with _lock:
        # Nonces are kept in the order they came (a dict keeps insertion order), so the expired
        # ones are at the front: drop them until the first one still in the window, without
        # walking every nonce of the window on every request.
        for key in list(itertools.islice(_nonces, 1000)):
            if now - _nonces[key] <= mastercard_oauth.NONCE_WINDOW:
                break
            del _nonces[key]
        if (consumer_key, nonce) in _nonces:
            return False
        _nonces[(consumer_key, nonce)] = now
        return True


def check_mastercard(request) -> mastercard_oauth.OAuthRefused | None:
    """None when the request carries a valid signature; the refusal otherwise."""
    now = time.time()
    try:
        params = mastercard_oauth.verify(request.method, request.build_absolute_uri(), request.body,
                                         request.headers.get("Authorization", ""), _public_key, now=now)
    except mastercard_oauth.OAuthRefused as refused:
        return refused
    except ValueError:
        return mastercard_oauth.OAuthRefused("bad_key", "The consumer's certificate is not usable.")
    if not _fresh_nonce(params.consumer_key, params.nonce, now):
        return mastercard_oauth.OAuthRefused("replayed_nonce", "The oauth_nonce was already used.")
    return None


def check_basic(request) -> bool:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return False
    try:
        user, _, password = base64.b64decode(header[6:], validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False
    return (bool(settings.VROL_USER_ID)
            and hmac.compare_digest(user.encode(), settings.VROL_USER_ID.encode())
            and hmac.compare_digest(password.encode(), settings.VROL_PASSWORD.encode()))
