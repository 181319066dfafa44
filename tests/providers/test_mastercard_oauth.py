"""Mastercard OAuth 1.0a on the Mastercard dialect: a client signing with Mastercard's own library
(`mastercard-oauth1-signer`) works once its certificate is registered; every kind of bad signature
is a 401 in the dialect's envelope; API keys keep working beside it."""

import base64
import datetime as dt
import json
import time

import pytest
import time_machine
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.core.management import CommandError, call_command
from django.test import Client
from oauth1.oauth import OAuth

from cases.models import Case, CaseEvent, MastercardCredential, MastercardNonce
from cases.web import mastercard_oauth
from tests.factories import TransactionFactory, make_case

pytestmark = pytest.mark.django_db
BASE = "/global-processing/dispute"
HOST = "http://testserver"
CONSUMER_KEY = "CK-1a2b3c4d!5e6f7a8b9c0d"
CREATE = {"financialDocumentId": 30004, "reasonCode": "4837", "caseComments": "channel=oauth"}


@pytest.fixture(scope="module")
def signing_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def stranger_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def certificate_pem(key, *, days: int = 395, start_days_ago: int = 1) -> bytes:
    """A self-signed certificate for `key`, as a Mastercard developer project hands out (13 months)."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "disputes-client")])
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=start_days_ago)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(start)
                   .not_valid_after(start + dt.timedelta(days=days)).sign(key, hashes.SHA256()))
    return certificate.public_bytes(serialization.Encoding.PEM)


@pytest.fixture
def register(tmp_path, program):
    def register(key, consumer_key=CONSUMER_KEY, scopes="write", **cert):
        path = tmp_path / f"{abs(hash(consumer_key))}.pem"
        path.write_bytes(certificate_pem(key, **cert))
        call_command("create_mastercard_credential", program=program.program_id, consumer_key=consumer_key,
                     certificate=str(path), scopes=scopes, stdout=__import__("io").StringIO())
        return MastercardCredential.objects.get(consumer_key=consumer_key)

    return register


@pytest.fixture
def credential(register, signing_key):
    return register(signing_key)


@pytest.fixture
def document(program):
    return TransactionFactory(program=program, financial_document_id=30004, amount=20000, currency="USD",
                              card_network="mastercard")


class MastercardClient:
    """Sends requests as a Mastercard client library does: the body signed with OAuth 1.0a."""

    def __init__(self, key, consumer_key=CONSUMER_KEY):
        self.key, self.consumer_key, self.client = key, consumer_key, Client()

    def header(self, method, path, body: str = "") -> str:
        return OAuth.get_authorization_header(HOST + path, method, body, self.consumer_key, self.key)

    def send(self, method, path, body=None, *, header=None, sent_body=None, **headers):
        payload = json.dumps(body) if body is not None else ""
        authorization = header or self.header(method, path, payload)
        return self.client.generic(method, path, payload if sent_body is None else sent_body,
                                   content_type="application/json",
                                   headers={"Authorization": authorization, **headers})


def refused(response, fragment: str):
    assert response.status_code == 401, response.content
    error = response.json()["Errors"]["Error"][0]
    assert (error["Source"], error["ReasonCode"], error["Recoverable"]) == ("DISPUTES", "UNAUTHORIZED", False)
    assert fragment in error["Description"]
    return error


def test_a_client_signing_with_mastercards_library_opens_and_works_a_case(credential, signing_key, document):
    client = MastercardClient(signing_key)
    created = client.send("POST", f"{BASE}/cases", CREATE)
    assert created.status_code == 201, created.content
    case = Case.objects.get(number=created.json()["caseId"])
    assert case.program == credential.program
    # Audited as the credential's key, like any client.
    assert CaseEvent.objects.filter(case=case, actor_api_key=credential.api_key).exists()

    status = client.send("GET", f"{BASE}/cases/{case.number}")
    assert status.status_code == 200 and status.json()["caseStatus"] == "A"
    amount = client.send("POST", f"{BASE}/cases/{case.number}/trusted-amounts",
                         {"currency": "USD", "newAmount": 150.00})
    assert amount.status_code == 200, amount.content
    pdf = b"%PDF-1.4\n" + b"x" * 200_000 + b"\n%%EOF"
    attached = client.send("POST", f"{BASE}/cases/{case.number}/attachments", {
        "actionCode": "DSP_ADD_FILE", "file": {"name": "receipt.pdf", "bytes": base64.b64encode(pdf).decode()}})
    assert attached.status_code == 200, attached.content
    assert MastercardNonce.objects.filter(credential=credential).count() == 4


def test_api_keys_keep_working_beside_oauth(credential, api, document):
    response = api.post(f"{BASE}/cases", CREATE)
    assert response.status_code == 201
    assert not MastercardNonce.objects.exists()


def test_an_unregistered_consumer_key_is_refused(credential, signing_key, document):
    response = MastercardClient(signing_key, consumer_key="not-registered").send("POST", f"{BASE}/cases", CREATE)
    refused(response, "consumer key is not registered")
    assert not Case.objects.exists()


def test_a_signature_by_another_key_is_refused(credential, stranger_key, document):
    refused(MastercardClient(stranger_key).send("POST", f"{BASE}/cases", CREATE), "signature does not verify")
    assert not Case.objects.exists()


def test_a_hand_made_signature_is_refused(credential, signing_key, document):
    client = MastercardClient(signing_key)
    params = mastercard_oauth.parse_authorization(client.header("POST", f"{BASE}/cases", json.dumps(CREATE)))
    forged = {**params, "oauth_signature": base64.b64encode(b"\x01" * 256).decode()}
    header = "OAuth " + ",".join(f'{k}="{v}"' for k, v in forged.items())
    refused(client.send("POST", f"{BASE}/cases", CREATE, header=header), "signature does not verify")
    # Signed for another path: the URL is covered.
    header = client.header("POST", f"{BASE}/cases/1/attachments", json.dumps(CREATE))
    refused(client.send("POST", f"{BASE}/cases", CREATE, header=header), "signature does not verify")
    assert not Case.objects.exists()


def test_a_body_other_than_the_signed_one_is_refused(credential, signing_key, document):
    client = MastercardClient(signing_key)
    tampered = json.dumps({**CREATE, "reasonCode": "4853"})
    refused(client.send("POST", f"{BASE}/cases", CREATE, sent_body=tampered), "oauth_body_hash does not match")
    assert not Case.objects.exists()


@pytest.mark.parametrize("offset", [-301, 301])
def test_a_timestamp_more_than_five_minutes_off_is_refused(credential, signing_key, document, offset):
    client = MastercardClient(signing_key)
    header = client.header("POST", f"{BASE}/cases", json.dumps(CREATE))
    with time_machine.travel(time.time() - offset, tick=False):
        refused(client.send("POST", f"{BASE}/cases", CREATE, header=header), "5 minutes")
    assert not Case.objects.exists()


def test_a_replayed_request_is_refused(credential, signing_key, document):
    client = MastercardClient(signing_key)
    header = client.header("GET", f"{BASE}/cases/1")
    assert client.send("GET", f"{BASE}/cases/1", header=header).status_code == 404  # authenticated; no such case
    refused(client.send("GET", f"{BASE}/cases/1", header=header), "nonce has already been used")


def test_nonces_are_forgotten_once_their_timestamp_is_stale(credential, signing_key):
    client = MastercardClient(signing_key)
    assert client.send("GET", f"{BASE}/cases/1").status_code == 404
    with time_machine.travel(time.time() + mastercard_oauth.NONCE_WINDOW + 1, tick=False):
        assert client.send("GET", f"{BASE}/cases/1").status_code == 404
    assert MastercardNonce.objects.count() == 1


def test_a_revoked_credential_is_refused(credential, signing_key, document, api):
    client = MastercardClient(signing_key)
    assert client.send("GET", f"{BASE}/cases/1").status_code == 404
    call_command("revoke_mastercard_credential", consumer_key=CONSUMER_KEY, stdout=__import__("io").StringIO())
    refused(client.send("POST", f"{BASE}/cases", CREATE), "revoked")
    credential.refresh_from_db()
    credential.api_key.refresh_from_db()
    assert credential.revoked and credential.revoked_at and credential.api_key.revoked
    assert api.post(f"{BASE}/cases", CREATE).status_code == 201  # other clients are unaffected


def test_an_expired_certificate_is_refused(register, signing_key):
    register(signing_key, days=30, start_days_ago=1)
    client = MastercardClient(signing_key)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=31), tick=False):
        refused(client.send("GET", f"{BASE}/cases/1"), "certificate has expired")


def test_a_read_only_credential_may_read_but_not_write(register, signing_key, document):
    register(signing_key, scopes="read")
    client = MastercardClient(signing_key)
    response = client.send("POST", f"{BASE}/cases", CREATE)
    assert response.status_code == 403
    assert response.json()["Errors"]["Error"][0]["ReasonCode"] == "FORBIDDEN"
    assert client.send("GET", f"{BASE}/cases/1").status_code == 404


def test_idempotency_keys_work_with_oauth(credential, signing_key, document):
    client = MastercardClient(signing_key)
    first = client.send("POST", f"{BASE}/cases", CREATE, **{"Idempotency-Key": "order-1"})
    again = client.send("POST", f"{BASE}/cases", CREATE, **{"Idempotency-Key": "order-1"})
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()


def test_another_programs_case_reads_as_not_found(credential, signing_key, other_program):
    other = make_case(other_program)
    response = MastercardClient(signing_key).send("GET", f"{BASE}/cases/{other.number}")
    assert response.status_code == 404


@pytest.mark.parametrize("header", [
    "OAuth", 'OAuth oauth_consumer_key="x"', "OAuth " + "a" * 10_000, 'OAuth oauth_nonce="1",oauth_nonce="2"',
    'OAuth realm="x",oauth_consumer_key="CK",oauth_nonce="n",oauth_timestamp="99999999999999",'
    'oauth_signature_method="RSA-SHA256",oauth_signature="c2ln",oauth_body_hash="x"',
])
def test_malformed_oauth_headers_are_401_not_500(credential, signing_key, header):
    client = MastercardClient(signing_key)
    response = client.send("POST", f"{BASE}/cases", CREATE, header=header)
    assert response.status_code == 401
    assert response.json()["Errors"]["Error"][0]["ReasonCode"] == "UNAUTHORIZED"


def test_the_command_refuses_what_it_cannot_register(tmp_path, program, signing_key, credential):
    good = tmp_path / "good.pem"
    good.write_bytes(certificate_pem(signing_key))
    bad_inputs = {
        "unknown program": dict(program="nope", consumer_key="k2", certificate=str(good)),
        "unreadable file": dict(program=program.program_id, consumer_key="k2", certificate=str(tmp_path / "none")),
        "taken consumer key": dict(program=program.program_id, consumer_key=CONSUMER_KEY, certificate=str(good)),
        "bad scopes": dict(program=program.program_id, consumer_key="k2", certificate=str(good), scopes="admin"),
        "consumer key with a quote": dict(program=program.program_id, consumer_key='k"2', certificate=str(good)),
    }
    not_pem = tmp_path / "not.pem"
    not_pem.write_text("hello")
    bad_inputs["not a certificate"] = dict(program=program.program_id, consumer_key="k2", certificate=str(not_pem))
    expired = tmp_path / "expired.pem"
    expired.write_bytes(certificate_pem(signing_key, days=2, start_days_ago=10))
    bad_inputs["expired"] = dict(program=program.program_id, consumer_key="k2", certificate=str(expired))
    short = tmp_path / "short.pem"
    short.write_bytes(certificate_pem(rsa.generate_private_key(public_exponent=65537, key_size=1024)))
    bad_inputs["short key"] = dict(program=program.program_id, consumer_key="k2", certificate=str(short))
    for label, options in bad_inputs.items():
        with pytest.raises(CommandError):
            call_command("create_mastercard_credential", **options)
        assert not MastercardCredential.objects.filter(consumer_key="k2").exists(), label
    with pytest.raises(CommandError):
        call_command("revoke_mastercard_credential", consumer_key="unknown")


def test_the_stored_credential_holds_only_the_public_key(credential, signing_key):
    stored = serialization.load_pem_public_key(credential.public_key_pem.encode())
    assert stored.public_numbers() == signing_key.public_key().public_numbers()
    assert "PRIVATE" not in credential.public_key_pem
    assert len(credential.fingerprint) == 64 and credential.not_valid_after is not None


def test_the_admin_lists_and_revokes_credentials(credential, signing_key, admin_user):
    admin = Client()
    admin.force_login(admin_user)
    listing = admin.get("/admin/cases/mastercardcredential/")
    assert listing.status_code == 200 and CONSUMER_KEY in listing.content.decode()
    response = admin.post("/admin/cases/mastercardcredential/",
                          {"action": "revoke", "_selected_action": [credential.pk]})
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.revoked
    refused(MastercardClient(signing_key).send("GET", f"{BASE}/cases/1"), "revoked")
