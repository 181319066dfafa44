"""Signing keys for Mastercard's OAuth 1.0a (REFERENCE.md section 8, "Mastercard API authentication").

Each program signs its Mastercom requests with its own RSA key (SPEC section 12). Keys are files
named in settings, never stored in the database and never logged: a PKCS#12 keystore as Mastercard's
Developers portal issues it (`.p12`, opened with its password), or a PEM private key, encrypted at
rest with a password or not. Settings:

- `MASTERCOM_CONSUMER_KEY`, `MASTERCOM_SIGNING_KEY_FILE`, `MASTERCOM_SIGNING_KEY_PASSWORD`: the
  default credentials (queues, and every program without its own);
- `MASTERCOM_PROGRAM_KEYS`: per program slug, `{"consumer_key": ..., "key_file": ...,
  "key_password": ...}`.

Development and tests use a sandbox key: `ensure_sandbox_key` draws a 2048-bit RSA key into the
configured file the first time it is needed (mode 0600). The simulator reads the same file to know
the public key behind the consumer key, as Mastercard keeps the certificate of each consumer key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings

from cases.files import place_whole


class SigningKeyError(Exception):
    """A signing key is missing or unreadable. The message names the setting, never the key."""


@dataclass(frozen=True)
class Credentials:
    consumer_key: str
    private_key: rsa.RSAPrivateKey

    def __repr__(self) -> str:  # never print the key
        return f"Credentials(consumer_key={self.consumer_key!r})"


def load_private_key(path: str | os.PathLike, password: str = "") -> rsa.RSAPrivateKey:
    """The RSA private key in a PKCS#12 keystore (.p12/.pfx) or a PEM file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningKeyError(f"cannot read the signing key file {path.name}: {exc.strerror}") from None
    secret = password.encode("utf-8") if password else None
    try:
        if path.suffix.lower() in {".p12", ".pfx"}:
            key, _cert, _extra = pkcs12.load_key_and_certificates(data, secret)
        else:
            key = serialization.load_pem_private_key(data, password=secret)
    except (ValueError, TypeError):
        raise SigningKeyError(f"the signing key file {path.name} cannot be opened (wrong format or password)") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise SigningKeyError(f"the signing key in {path.name} is not an RSA key")
    return key


def ensure_sandbox_key(path: str | os.PathLike) -> Path:
    """Create a sandbox RSA key at `path` unless one is there; return the path.

    Placed whole (cases/files.py), so two processes starting together end up with the same key
    (the second one's link fails and it uses the first one's file)."""
    path = Path(path)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    place_whole(path, pem)  # mode 0600, from its temporary file
    return path


def public_key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _load(consumer_key: str, key_file: str, password: str, setting: str) -> Credentials:
    if not consumer_key or not key_file:
        raise SigningKeyError(f"Mastercom signing is not configured: set {setting}")
    if getattr(settings, "NETWORK_SIMULATOR", False):
        ensure_sandbox_key(key_file)
    return Credentials(consumer_key=consumer_key, private_key=load_private_key(key_file, password))


def default_credentials() -> Credentials:
    return _load(settings.MASTERCOM_CONSUMER_KEY, settings.MASTERCOM_SIGNING_KEY_FILE,
                 settings.MASTERCOM_SIGNING_KEY_PASSWORD,
                 "MASTERCOM_CONSUMER_KEY and MASTERCOM_SIGNING_KEY_FILE")


def credentials_for(program: str) -> Credentials:
    """The program's own credentials when MASTERCOM_PROGRAM_KEYS names it, else the default ones."""
    entry = (settings.MASTERCOM_PROGRAM_KEYS or {}).get(program)
    if not entry:
        return default_credentials()
    return _load(entry.get("consumer_key", ""), entry.get("key_file", ""), entry.get("key_password", ""),
                 f"consumer_key and key_file for program {program!r} in MASTERCOM_PROGRAM_KEYS")


def all_credentials() -> list[Credentials]:
    """Every configured pair (the simulator registers their public keys)."""
    found = []
    try:
        found.append(default_credentials())
    except SigningKeyError:
        pass
    for program in settings.MASTERCOM_PROGRAM_KEYS or {}:
        try:
            found.append(credentials_for(program))
        except SigningKeyError:
            pass
    return found
