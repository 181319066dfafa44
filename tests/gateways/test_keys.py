"""Signing keys: a PKCS#12 keystore or a PEM key (encrypted at rest or not), per program, never
printed; the sandbox key is drawn once."""

import os
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from cases.gateways import keys


@pytest.fixture(scope="module")
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def numbers(private_key):
    return private_key.private_numbers().public_numbers


def test_a_pkcs12_keystore_opens_with_its_password(tmp_path, key):
    path = tmp_path / "program.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"disputes", key, None, None, serialization.BestAvailableEncryption(b"keystore-password")))
    assert numbers(keys.load_private_key(path, "keystore-password")) == numbers(key)
    with pytest.raises(keys.SigningKeyError) as wrong:
        keys.load_private_key(path, "wrong")
    assert "program.p12" in str(wrong.value) and "keystore-password" not in str(wrong.value)


def test_an_encrypted_pem_key_opens_with_its_password(tmp_path, key):
    path = tmp_path / "program.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.BestAvailableEncryption(b"pem-password")))
    assert numbers(keys.load_private_key(path, "pem-password")) == numbers(key)
    with pytest.raises(keys.SigningKeyError):
        keys.load_private_key(path)


def test_a_missing_or_unreadable_file_is_named_without_its_content(tmp_path):
    with pytest.raises(keys.SigningKeyError, match="cannot read the signing key file absent.pem"):
        keys.load_private_key(tmp_path / "absent.pem")
    junk = tmp_path / "junk.pem"
    junk.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    with pytest.raises(keys.SigningKeyError, match="junk.pem cannot be opened"):
        keys.load_private_key(junk)


def test_the_sandbox_key_is_drawn_once_and_private(tmp_path):
    path = keys.ensure_sandbox_key(tmp_path / "keys" / "sandbox.pem")
    first = path.read_bytes()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert keys.ensure_sandbox_key(path).read_bytes() == first
    assert keys.load_private_key(path).key_size == 2048
    assert [p.name for p in path.parent.iterdir()] == ["sandbox.pem"]  # no temporary file left


def test_programs_use_their_own_key_or_the_default(settings, tmp_path):
    default = keys.ensure_sandbox_key(tmp_path / "default.pem")
    own = keys.ensure_sandbox_key(tmp_path / "own.pem")
    settings.MASTERCOM_CONSUMER_KEY = "default-consumer"
    settings.MASTERCOM_SIGNING_KEY_FILE = str(default)
    settings.MASTERCOM_PROGRAM_KEYS = {"acme": {"consumer_key": "acme-consumer", "key_file": str(own)}}
    acme, other = keys.credentials_for("acme"), keys.credentials_for("demo")
    assert (acme.consumer_key, other.consumer_key) == ("acme-consumer", "default-consumer")
    assert numbers(acme.private_key) == numbers(keys.load_private_key(own))
    assert repr(acme) == "Credentials(consumer_key='acme-consumer')"
    assert [c.consumer_key for c in keys.all_credentials()] == ["default-consumer", "acme-consumer"]


def test_unconfigured_signing_names_the_settings(settings):
    settings.NETWORK_SIMULATOR = False
    settings.MASTERCOM_CONSUMER_KEY = ""
    settings.MASTERCOM_SIGNING_KEY_FILE = ""
    with pytest.raises(keys.SigningKeyError, match="MASTERCOM_CONSUMER_KEY and MASTERCOM_SIGNING_KEY_FILE"):
        keys.default_credentials()
