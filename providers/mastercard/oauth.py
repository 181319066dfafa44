"""Mastercard OAuth 1.0a on the Mastercard dialect, as Mastercard's API gateway does it (SPEC section 15).

A request with `Authorization: OAuth ...` is verified before anything else (`cases.web.mastercard_oauth`:
signature, body hash, five-minute clock) against the certificate registered for its consumer key
(`manage.py create_mastercard_credential`); then the credential must not be revoked or expired and
the nonce must be new. Any failure is a 401 `UNAUTHORIZED` in the dialect's envelope. A verified
request continues as its credential's API key, so the guards, idempotency, throttle, scopes and
audit trail treat it like any other client. Requests with an API key are not affected.
"""

from datetime import timedelta
from functools import wraps

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from cases.exceptions import AuthenticationFailed, DisputeError
from cases.models import MastercardCredential, MastercardNonce
from cases.web import mastercard_oauth
from cases.web.api_keys import remember_api_key
from cases.web.guards import read_body


def authenticate(request) -> MastercardCredential:
    """Verify the request's OAuth signature; return its credential or raise AuthenticationFailed."""
    now = timezone.now()
    found: list[MastercardCredential] = []

    def public_key(consumer_key: str):
        credential = (MastercardCredential.objects.select_related("api_key__program")
                      .filter(consumer_key=consumer_key).first())
        if credential is None:
            return None
        found.append(credential)
        return credential.public_key_pem

    try:
        params = mastercard_oauth.verify(request.method, request.build_absolute_uri(), read_body(request),
                                         request.META.get("HTTP_AUTHORIZATION", ""), public_key, now=now)
        credential = found[0]
        if credential.revoked or credential.api_key.revoked:
            raise mastercard_oauth.OAuthRefused("revoked", "The OAuth consumer key has been revoked.")
        if credential.not_valid_after is not None and credential.not_valid_after <= now:
            raise mastercard_oauth.OAuthRefused("certificate_expired", "The consumer's certificate has expired.")
        _use_nonce(credential, params.nonce, now)
    except mastercard_oauth.OAuthRefused as refused:
        raise AuthenticationFailed(refused.message, reason=refused.reason) from None
    return credential


def _use_nonce(credential: MastercardCredential, nonce: str, now) -> None:
    """Record the nonce; one seen within the window is a replay. Rows older than the window are
    pruned: a replay of them carries a timestamp the clock check already refuses."""
    MastercardNonce.objects.filter(credential=credential,
                                   seen_at__lt=now - timedelta(seconds=mastercard_oauth.NONCE_WINDOW)).delete()
    try:
        with transaction.atomic():
            MastercardNonce.objects.create(credential=credential, nonce=nonce, seen_at=now)
    except IntegrityError:
        raise mastercard_oauth.OAuthRefused("nonce_reused", "The OAuth nonce has already been used.") from None


def oauth_first(render_error):
    """Wrap a dialect view: an OAuth-signed request is authenticated first and then carries its
    credential's API key; a refused one answers 401 in the dialect's envelope."""

    def decorator(view):
        @csrf_exempt
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if mastercard_oauth.is_oauth(request.META.get("HTTP_AUTHORIZATION", "")):
                try:
                    credential = authenticate(request)
                except DisputeError as exc:
                    return render_error(request, exc)
                remember_api_key(request, credential.api_key)
                request.mastercard_credential = credential
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
