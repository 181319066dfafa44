"""The pure Mastercard OAuth 1.0a verifier, against Mastercard's own signer (`mastercard-oauth1-signer`)
and hand-made bad signatures."""

import base64
import json
import time
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from oauth1.oauth import OAuth, SignatureMethod

from cases.web import mastercard_oauth
from cases.web.mastercard_oauth import OAuthRefused, verify

URL = "https://disputes.example/global-processing/dispute/cases"
BODY = json.dumps({"financialDocumentId": 30004, "reasonCode": "4837"})


@pytest.fixture(scope="module")
def private_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def signed(private_key, url=URL, method="POST", body=BODY, consumer_key="ck-123!abc", **kw):
    return OAuth.get_authorization_header(url, method, body, consumer_key, private_key, **kw)


def header_params(header: str) -> dict[str, str]:
    return mastercard_oauth.parse_authorization(header)


def build_header(params: dict[str, str]) -> str:
    return "OAuth " + ",".join(f'{k}="{v}"' for k, v in params.items())


def test_a_request_signed_by_mastercards_signer_verifies(private_key):
    header = signed(private_key)
    params = verify("POST", URL, BODY.encode(), header, private_key.public_key(), now=time.time())
    assert params.consumer_key == "ck-123!abc"
    assert params.signature_method == "RSA-SHA256"
    assert len(params.nonce) == 16


def test_rsa_pss_query_strings_and_empty_bodies_verify(private_key):
    url = "https://disputes.example:443/global-processing/dispute/cases/80001?a=1&b=two words&a=0"
    header = signed(private_key, url=url, method="GET", body=None, signature_method=SignatureMethod.RSA_PSS_SHA256)
    assert verify("GET", url, b"", header, private_key.public_key(), now=time.time()).signature_method == "RSA-PSS"
    encoded = "https://disputes.example/x?q=%2Fa%20b&r=%3D"
    header = signed(private_key, url=encoded, method="GET", body="")
    verify("GET", encoded, b"", header, private_key.public_key(), now=time.time())


def test_public_key_as_pem_or_lookup(private_key):
    pem = private_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)
    header = signed(private_key)
    verify("POST", URL, BODY.encode(), header, pem, now=time.time())
    verify("POST", URL, BODY.encode(), header, {"ck-123!abc": pem}.get, now=time.time())
    with pytest.raises(OAuthRefused) as refused:
        verify("POST", URL, BODY.encode(), header, {}.get, now=time.time())
    assert refused.value.reason == "unknown_consumer_key"


def test_a_strict_rfc5849_signature_verifies(private_key):
    url = "https://disputes.example/global-processing/dispute/cases?x=a+b"
    params = {"oauth_consumer_key": "ck+1", "oauth_nonce": "n1", "oauth_timestamp": str(int(time.time())),
              "oauth_signature_method": "RSA-SHA256", "oauth_version": "1.0",
              "oauth_body_hash": mastercard_oauth.body_hash(BODY.encode())}
    pairs = sorted((quote(k, safe="-._~"), quote(v, safe="-._~")) for k, v in [*params.items(), ("x", "a b")])
    base = "POST&" + quote("https://disputes.example/global-processing/dispute/cases", safe="-._~") + "&" + quote(
        "&".join(f"{k}={v}" for k, v in pairs), safe="-._~")
    signature = base64.b64encode(private_key.sign(base.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()
    header = build_header({k: quote(v, safe="-._~") for k, v in {**params, "oauth_signature": signature}.items()})
    verify("POST", url, BODY.encode(), header, private_key.public_key(), now=time.time())


@pytest.mark.parametrize("change, reason", [
    (lambda p: {**p, "oauth_signature": p["oauth_signature"][:-8] + "AAAAAAA="}, "bad_signature"),
    (lambda p: {**p, "oauth_signature": "%%%not-base64"}, "bad_signature"),
    (lambda p: {**p, "oauth_nonce": "another"}, "bad_signature"),
    (lambda p: {**p, "oauth_consumer_key": "someone-else"}, "bad_signature"),
    (lambda p: {**p, "oauth_body_hash": mastercard_oauth.body_hash(b"{}")}, "body_hash_mismatch"),
    (lambda p: {**p, "oauth_timestamp": str(int(p["oauth_timestamp"]) - 360)}, "stale_timestamp"),
    (lambda p: {**p, "oauth_timestamp": str(int(p["oauth_timestamp"]) + 360)}, "stale_timestamp"),
    (lambda p: {**p, "oauth_timestamp": "soon"}, "malformed"),
    (lambda p: {**p, "oauth_signature_method": "HMAC-SHA1"}, "unsupported_signature_method"),
    (lambda p: {**p, "oauth_version": "2.0"}, "malformed"),
    (lambda p: {k: v for k, v in p.items() if k != "oauth_body_hash"}, "malformed"),
    (lambda p: {k: v for k, v in p.items() if k != "oauth_nonce"}, "malformed"),
])
def test_hand_made_bad_headers_are_refused(private_key, change, reason):
    header = build_header(change(header_params(signed(private_key))))
    with pytest.raises(OAuthRefused) as refused:
        verify("POST", URL, BODY.encode(), header, private_key.public_key(), now=time.time())
    assert refused.value.reason == reason


def test_the_signature_covers_method_url_query_body_and_key(private_key, other_key):
    header = signed(private_key, url=URL + "?page=1")
    now = time.time()
    verify("POST", URL + "?page=1", BODY.encode(), header, private_key.public_key(), now=now)
    for method, url in [("PUT", URL + "?page=1"), ("POST", URL + "?page=2"), ("POST", URL),
                        ("POST", URL.replace("https", "http") + "?page=1"),
                        ("POST", URL.replace("disputes.example", "elsewhere.example") + "?page=1")]:
        with pytest.raises(OAuthRefused, match="does not verify"):
            verify(method, url, BODY.encode(), header, private_key.public_key(), now=now)
    with pytest.raises(OAuthRefused) as refused:
        verify("POST", URL + "?page=1", BODY.encode() + b" ", header, private_key.public_key(), now=now)
    assert refused.value.reason == "body_hash_mismatch"
    with pytest.raises(OAuthRefused) as refused:
        verify("POST", URL + "?page=1", BODY.encode(), header, other_key.public_key(), now=now)
    assert refused.value.reason == "bad_signature"


def test_the_clock_window_is_five_minutes(private_key):
    header = signed(private_key)
    ts = int(header_params(header)["oauth_timestamp"])
    for now in (ts - 300, ts + 300):
        verify("POST", URL, BODY.encode(), header, private_key.public_key(), now=now)
    for now in (ts - 301, ts + 301):
        with pytest.raises(OAuthRefused, match="5 minutes"):
            verify("POST", URL, BODY.encode(), header, private_key.public_key(), now=now)


@pytest.mark.parametrize("header", [
    "", "Bearer abc", "OAuth", "OAuth oauth_nonce=abc", 'OAuth oauth_nonce="a",oauth_nonce="b"',
    "OAuth " + "x" * 9000, 'OAuth oauth_consumer_key="' + "k" * 300 + '"',
])
def test_malformed_headers_are_refused_not_crashing(private_key, header):
    with pytest.raises(OAuthRefused):
        verify("POST", URL, BODY.encode(), header, private_key.public_key(), now=time.time())


def test_keys_shorter_than_2048_bits_or_not_rsa_are_refused():
    from cryptography.hazmat.primitives.asymmetric import ec

    short = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    ec_key = ec.generate_private_key(ec.SECP256R1()).public_key()
    for key in (short, ec_key):
        pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        with pytest.raises(ValueError):
            mastercard_oauth.load_public_key(pem)
