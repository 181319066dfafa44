"""Webhook secrets: made, stored and used to sign (Standard Webhooks 1.0, REFERENCE section 7).

A secret is `whsec_` + base64 of 24 random bytes. The signer needs the secret itself (HMAC), so it
is stored encrypted with Fernet (AES-128-CBC + HMAC-SHA256, `cryptography`) under a key derived
from `WEBHOOK_SECRETS_KEY`, or from `SECRET_KEY` when that is not set; the plain secret exists only
in memory, in the create/rotate answer, and in the signature computation. Every process that
signs (the workers) must share the key.
"""

import base64
import hashlib
import secrets
from datetime import datetime

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from standardwebhooks import Webhook

PREFIX = "whsec_"
SECRET_BYTES = 24


def generate_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _fernet() -> Fernet:
    material = getattr(settings, "WEBHOOK_SECRETS_KEY", "") or settings.SECRET_KEY
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"webhook-secrets:{material}".encode()).digest()))


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        # Never the token or the secret in the message.
        raise ValueError("A webhook secret cannot be decrypted: WEBHOOK_SECRETS_KEY/SECRET_KEY changed.") from exc


def sign(secrets_in_use: list[str], msg_id: str, timestamp: datetime, body: str) -> str:
    """The `webhook-signature` header: one `v1,<base64>` per secret, space-separated (a rotation's
    overlap sends two), computed by the `standardwebhooks` library."""
    return " ".join(Webhook(secret).sign(msg_id, timestamp, body) for secret in secrets_in_use)
