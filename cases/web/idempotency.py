"""Idempotency keys for every POST, shared by the native API and the dialects (SPEC section 9).

The first request with a key claims it (a row committed at once, unique per owner and key); a
repeat with the same method, path and body replays the stored status and body with
`Idempotent-Replayed: true`; another body is `idempotency_key_reused`; a repeat while the first
is still running is `idempotency_key_in_use`. 5xx results are not stored, so the client may retry.
"""

import hashlib
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone

from cases.exceptions import IdempotencyKeyInUse, IdempotencyKeyReused, ValidationFailed
from cases.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
# An in-flight claim older than this belongs to a request that died (worker killed): take it over.
ABANDONED_AFTER = timedelta(minutes=2)
_REPLAYED_HEADERS = ("Content-Type", "Location", "ETag")


def request_fingerprint(request, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), b"\0", request.path.encode(), b"\0", body):
        digest.update(part)
    return digest.hexdigest()


def _replay(record: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(record.response_body or b""), status=record.response_status)
    for name, value in record.response_headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def _claim(owner: str, key: str, request, fingerprint: str) -> IdempotencyKey | HttpResponse | Exception:
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(owner=owner, key=key, method=request.method,
                                                 path=request.path[:500], request_hash=fingerprint)
    except IntegrityError:
        pass
    existing = IdempotencyKey.objects.filter(owner=owner, key=key).first()
    if existing is None:  # purged between the insert and the read
        return IdempotencyKeyInUse("The request with this idempotency key is still being processed.")
    if existing.request_hash != fingerprint:
        return IdempotencyKeyReused("This idempotency key was used with a different request.")
    if not existing.in_flight:
        return _replay(existing)
    if existing.created < timezone.now() - ABANDONED_AFTER:
        taken = IdempotencyKey.objects.filter(pk=existing.pk, in_flight=True, created=existing.created).update(
            created=timezone.now())
        if taken:
            existing.refresh_from_db()
            return existing
    return IdempotencyKeyInUse("The request with this idempotency key is still being processed.")


def run_idempotent(request, body: bytes, owner: str, call_view, render_error):
    """Run `call_view()` at most once per (owner, Idempotency-Key)."""
    key = request.headers.get(HEADER, "")
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        return render_error(request, ValidationFailed.single(
            HEADER, "invalid", f"{HEADER} must be 1-{MAX_KEY_LENGTH} printable characters."))
    claimed = _claim(owner, key, request, request_fingerprint(request, body))
    if isinstance(claimed, HttpResponse):
        return claimed
    if isinstance(claimed, Exception):
        return render_error(request, claimed)
    try:
        response = call_view()
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
    except BaseException:
        IdempotencyKey.objects.filter(pk=claimed.pk).delete()
        raise
    if response.status_code >= 500 or getattr(response, "streaming", False):
        IdempotencyKey.objects.filter(pk=claimed.pk).delete()
        return response
    IdempotencyKey.objects.filter(pk=claimed.pk).update(
        in_flight=False, response_status=response.status_code, response_body=response.content,
        response_headers={h: response[h] for h in _REPLAYED_HEADERS if h in response},
    )
    return response
