"""Mastercard OAuth 1.0a request signatures: verify one request (SPEC section 15).

Mastercard's API gateway authenticates every request by an OAuth 1.0a signature in the
`Authorization: OAuth ...` header: RSA-SHA256 (PKCS#1 v1.5) over the RFC 5849 signature base string,
with an `oauth_body_hash` (base64 SHA-256 of the body) among the signed parameters. Mastercard's
client libraries produce it (Python: `mastercard-oauth1-signer`, REFERENCE.md "Mastercard API
authentication"; https://github.com/Mastercard/oauth1-signer-python).

Base string (RFC 5849 section 3.4.1): `METHOD&enc(normalized URL)&enc(parameters)`, the parameters
being the query's and the header's `oauth_*` except `oauth_signature` (and `realm`), sorted.
Mastercard's libraries put the `oauth_*` values into the parameter string as they are (the body hash
keeps its `+/=`) and sort the `key=value` strings; a strict RFC 5849 signer percent-encodes each key
and value first and sorts by key, then value. A signature over either form is accepted: both cover
the same method, URL, query, body hash, consumer key, nonce and timestamp.

This module is pure: no database, no clock of its own (`now` is passed in), no nonce memory. The
caller finds the public key for the consumer key, remembers nonces within `NONCE_WINDOW`, and
checks revocation.
"""

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

# Mastercard's gateway refuses a timestamp more than five minutes away from its clock (SPEC 15).
MAX_CLOCK_SKEW = 300
# A nonce must not come back while its timestamp is still acceptable: skew on either side.
NONCE_WINDOW = 2 * MAX_CLOCK_SKEW
MAX_HEADER = 8192
MAX_NONCE = 128
MAX_CONSUMER_KEY = 255
SIGNATURE_METHODS = ("RSA-SHA256", "RSA-PSS")  # the two `mastercard-oauth1-signer` offers
_REQUIRED = ("oauth_consumer_key", "oauth_nonce", "oauth_timestamp", "oauth_signature_method",
             "oauth_signature", "oauth_body_hash")


class OAuthRefused(Exception):
    """A request whose OAuth signature is refused; `reason` is a short code, the message is for the caller."""

    def __init__(self, reason: str, message: str):
        self.reason = reason
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class OAuthParams:
    consumer_key: str
    nonce: str
    timestamp: int
    signature_method: str
    body_hash: str
    signature: str


def is_oauth(authorization: str) -> bool:
    """True when an Authorization header uses the OAuth scheme."""
    return authorization.strip()[:6].lower() == "oauth " if authorization else False


def parse_authorization(authorization: str) -> dict[str, str]:
    """The header's parameters, percent-decoded (RFC 5849 section 3.5.1). Raises OAuthRefused."""
    if not authorization or len(authorization) > MAX_HEADER or not is_oauth(authorization):
        raise OAuthRefused("malformed", "The Authorization header is not an OAuth 1.0a header.")
    params: dict[str, str] = {}
    for item in authorization.strip()[6:].split(","):
        item = item.strip()
        if not item:
            continue
        key, eq, value = item.partition("=")
        key = key.strip()
        value = value.strip()
        if not eq or len(value) < 2 or value[0] != '"' or value[-1] != '"':
            raise OAuthRefused("malformed", "OAuth header parameters are written key=\"value\".")
        if key in params:
            raise OAuthRefused("malformed", f"The OAuth parameter {key} is repeated.")
        params[key] = unquote(value[1:-1])
    return params


def oauth_params(authorization: str) -> OAuthParams:
    """The signed request's OAuth parameters, checked for presence and form. Raises OAuthRefused."""
    params = parse_authorization(authorization)
    missing = [name for name in _REQUIRED if not params.get(name)]
    if missing:
        raise OAuthRefused("malformed", f"The OAuth header lacks {', '.join(missing)}.")
    if params.get("oauth_version", "1.0") != "1.0":
        raise OAuthRefused("malformed", "oauth_version must be 1.0.")
    if params["oauth_signature_method"] not in SIGNATURE_METHODS:
        raise OAuthRefused("unsupported_signature_method",
                           f"oauth_signature_method must be one of {', '.join(SIGNATURE_METHODS)}.")
    if len(params["oauth_consumer_key"]) > MAX_CONSUMER_KEY or len(params["oauth_nonce"]) > MAX_NONCE:
        raise OAuthRefused("malformed", "The OAuth consumer key or nonce is too long.")
    timestamp = params["oauth_timestamp"]
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        raise OAuthRefused("malformed", "oauth_timestamp must be whole seconds since the epoch.")
    return OAuthParams(consumer_key=params["oauth_consumer_key"], nonce=params["oauth_nonce"],
                       timestamp=int(timestamp), signature_method=params["oauth_signature_method"],
                       body_hash=params["oauth_body_hash"], signature=params["oauth_signature"])


def body_hash(body: bytes) -> str:
    """`oauth_body_hash`: base64 of the body's SHA-256 (an empty body hashes the empty string)."""
    return base64.b64encode(hashlib.sha256(body or b"").digest()).decode("ascii")


def percent_encode(text: str) -> str:
    """RFC 5849 section 3.6: UTF-8, then every byte but the unreserved ones as %XX."""
    return quote(text.encode("utf-8"), safe=b"-._~")


def normalized_url(url: str) -> str:
    """RFC 5849 section 3.4.1.2: scheme and host in lower case, default port dropped, no query or fragment."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    netloc = parts.netloc.lower()
    if (scheme, netloc.rpartition(":")[2]) in {("http", "80"), ("https", "443")}:
        netloc = netloc.rpartition(":")[0]
    return f"{scheme}://{netloc}{parts.path or '/'}"


def _mastercard_query_pairs(query: str) -> list[tuple[str, str]]:
    # As Mastercard's libraries write the query: encoded only when the client sent it encoded.
    must_encode = query != unquote(query)
    pairs = []
    for key, value in parse_qsl(query, keep_blank_values=True):
        if must_encode:
            pairs.append((percent_encode(key), percent_encode(value)))
        else:
            pairs.append((key.replace(" ", "+"), value.replace(" ", "+")))
    return pairs


def base_strings(method: str, url: str, signed: dict[str, str]) -> list[str]:
    """The signature base strings a client may have signed (see the module docstring), distinct."""
    query = urlsplit(url).query
    prefix = f"{method.upper()}&{percent_encode(normalized_url(url))}&"
    oauth_pairs = list(signed.items())
    mastercard_pairs = _mastercard_query_pairs(query) + oauth_pairs
    rfc_pairs = sorted((percent_encode(k), percent_encode(v))
                       for k, v in parse_qsl(query, keep_blank_values=True) + oauth_pairs)
    candidates = [
        "&".join(sorted(f"{k}={v}" for k, v in mastercard_pairs)),  # mastercard-oauth1-signer (Python)
        "&".join(f"{k}={v}" for k, v in sorted(mastercard_pairs)),  # Mastercard's Java/Node signers
        "&".join(f"{k}={v}" for k, v in rfc_pairs),  # RFC 5849 section 3.4.1.3.2
    ]
    return list(dict.fromkeys(prefix + percent_encode(c) for c in candidates))


def load_public_key(pem: bytes | str) -> rsa.RSAPublicKey:
    """The RSA public key of a PEM certificate or PEM public key. Raises ValueError."""
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    if b"BEGIN CERTIFICATE" in data:
        key = x509.load_pem_x509_certificate(data).public_key()
    else:
        key = serialization.load_pem_public_key(data)
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("The key is not an RSA key.")
    if key.key_size < 2048:
        raise ValueError("The RSA key is shorter than 2048 bits.")
    return key


def _padding(signature_method: str):
    if signature_method == "RSA-PSS":
        return padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.AUTO)
    return padding.PKCS1v15()


PublicKeySource = rsa.RSAPublicKey | bytes | str | Callable[[str], "rsa.RSAPublicKey | bytes | str | None"]


def verify(method: str, url: str, body: bytes, authorization: str, public_key: PublicKeySource, *,
           now: datetime | float) -> OAuthParams:
    """Verify a request signed with Mastercard OAuth 1.0a and return its parameters.

    `url` is the absolute URL the request was sent to, query included. `public_key` is the
    consumer's RSA public key (object or PEM), or a function from the consumer key to one (None:
    unknown consumer key). `now` is a datetime or epoch seconds. The nonce is not checked here.
    Raises OAuthRefused with reason malformed, unsupported_signature_method, stale_timestamp,
    body_hash_mismatch, unknown_consumer_key or bad_signature.
    """
    params = oauth_params(authorization)
    now_seconds = now.timestamp() if isinstance(now, datetime) else float(now)
    if abs(now_seconds - params.timestamp) > MAX_CLOCK_SKEW:
        raise OAuthRefused("stale_timestamp",
                           f"oauth_timestamp is more than {MAX_CLOCK_SKEW // 60} minutes away from the server's clock.")
    if not hmac.compare_digest(params.body_hash.encode("utf-8"), body_hash(body).encode("ascii")):
        raise OAuthRefused("body_hash_mismatch", "oauth_body_hash does not match the request body.")
    key = public_key(params.consumer_key) if callable(public_key) else public_key
    if key is None:
        raise OAuthRefused("unknown_consumer_key", "The OAuth consumer key is not registered.")
    if not isinstance(key, rsa.RSAPublicKey):
        key = load_public_key(key)
    try:
        signature = base64.b64decode(params.signature, validate=True)
    except (binascii.Error, ValueError):
        raise OAuthRefused("bad_signature", "oauth_signature is not base64.") from None
    signed = {k: v for k, v in parse_authorization(authorization).items() if k not in ("oauth_signature", "realm")}
    for base_string in base_strings(method, url, signed):
        try:
            key.verify(signature, base_string.encode("utf-8"), _padding(params.signature_method), hashes.SHA256())
        except InvalidSignature:
            continue
        return params
    raise OAuthRefused("bad_signature", "The OAuth signature does not verify with the consumer's certificate.")
