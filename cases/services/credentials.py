"""Mastercard OAuth 1.0a credentials: register a consumer key for a program, revoke it (SPEC section 15).

A credential's API key carries its program and scopes; it is created here, never shown, and revoked
with the credential, so the OAuth requests are throttled, permission-checked and audited as that key's.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.db import transaction
from django.utils import timezone

from cases.choices import ApiScope
from cases.models import ApiKey, MastercardCredential, Program
from cases.web.mastercard_oauth import MAX_CONSUMER_KEY, load_public_key


class CredentialRefused(ValueError):
    """The certificate or consumer key cannot be registered; the message says why."""


@dataclass(frozen=True)
class Certificate:
    public_key_pem: str
    fingerprint: str
    not_valid_after: object  # datetime | None


def read_certificate(pem: bytes) -> Certificate:
    """The public key, SHA-256 fingerprint and expiry of a PEM certificate (or bare PEM public key)."""
    try:
        key = load_public_key(pem)
    except ValueError as exc:
        raise CredentialRefused(f"Not a usable PEM certificate or RSA public key: {exc}") from None
    not_after = None
    if b"BEGIN CERTIFICATE" in pem:
        certificate = x509.load_pem_x509_certificate(pem)
        der = certificate.public_bytes(serialization.Encoding.DER)
        not_after = certificate.not_valid_after_utc
    else:
        der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    public_pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return Certificate(public_key_pem=public_pem.decode("ascii"), fingerprint=hashlib.sha256(der).hexdigest(),
                       not_valid_after=not_after)


def mastercard_credential_create(*, program: Program, consumer_key: str, certificate_pem: bytes,
                                 scopes: list[str]) -> MastercardCredential:
    consumer_key = consumer_key.strip()
    if not consumer_key or len(consumer_key) > MAX_CONSUMER_KEY or not consumer_key.isprintable() \
            or any(ch in consumer_key for ch in '", '):
        raise CredentialRefused(f"The consumer key must be 1-{MAX_CONSUMER_KEY} printable characters "
                                "without spaces, commas or quotes.")
    if not scopes or any(s not in ApiScope.values for s in scopes):
        raise CredentialRefused(f"Scopes must be among {', '.join(ApiScope.values)}.")
    certificate = read_certificate(certificate_pem)
    if certificate.not_valid_after is not None and certificate.not_valid_after <= timezone.now().astimezone(UTC):
        raise CredentialRefused(f"The certificate expired on {certificate.not_valid_after:%Y-%m-%d}.")
    with transaction.atomic():
        if MastercardCredential.objects.filter(consumer_key=consumer_key).exists():
            raise CredentialRefused(f"The consumer key {consumer_key} is already registered.")
        api_key, _ = ApiKey.objects.create_key(name=f"Mastercard OAuth {consumer_key}"[:50], program=program,
                                               scopes=scopes)
        return MastercardCredential.objects.create(
            consumer_key=consumer_key, program=program, api_key=api_key, public_key_pem=certificate.public_key_pem,
            fingerprint=certificate.fingerprint, not_valid_after=certificate.not_valid_after)


def mastercard_credential_revoke(credential: MastercardCredential) -> MastercardCredential:
    """Revoke a credential and its API key; its signed requests are refused from now on."""
    with transaction.atomic():
        credential.revoked = True
        credential.revoked_at = credential.revoked_at or timezone.now()
        credential.save(update_fields=["revoked", "revoked_at"])
        ApiKey.objects.filter(pk=credential.api_key_id).update(revoked=True)
    return credential
