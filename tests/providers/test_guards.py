"""Authentication, idempotency and PAN screening through each dialect, each answering in its own envelope."""

import pytest

from cases.models import Case, CaseEvent, IdempotencyKey, Transaction
from tests.conftest import DoorClient
from tests.factories import TransactionFactory
from tests.providers.conftest import load_payload

pytestmark = pytest.mark.django_db
PAN = "4111 1111 1111 1111"  # a Luhn-valid test card number


def mastercard_error(body) -> str:
    return body["Errors"]["Error"][0]["ReasonCode"]


def decisionly_error(body) -> str:
    return body["error"]["code"]


def tutelar_error(body) -> str:
    assert (body["success"], body["code"], body["data"]) == (False, 300, {})
    return body["message"]


class Dialect:
    def __init__(self, name, path, body, error, unauthorized, pan):
        self.name, self.path, self.make_body, self.error = name, path, body, error
        self.unauthorized, self.pan = unauthorized, pan

    def __repr__(self):
        return self.name


def _mastercard_body(program):
    txn = TransactionFactory(program=program, financial_document_id=30004)
    return {"financialDocumentId": txn.financial_document_id, "reasonCode": "4837"}


DIALECTS = [
    Dialect("mastercard", "/global-processing/dispute/cases", _mastercard_body, mastercard_error,
            (401, "UNAUTHORIZED"), (400, "PAN_DETECTED")),
    Dialect("decisionly", "/v2/issuer/cases", lambda p: load_payload("decisionly", "create_case_request.json"),
            decisionly_error, (401, "invalid_api_key"), (400, "pan_detected")),
    Dialect("tutelar", "/api/v1/dispute/create", lambda p: load_payload("tutelar", "create_request.json"),
            tutelar_error, (401, "Unauthorized access"),
            (422, "Card numbers are not allowed; send only the last four digits")),
]


@pytest.fixture(params=DIALECTS, ids=repr)
def dialect(request):
    return request.param


@pytest.mark.parametrize("form", ["bearer", "basic_username", "basic_split"])
def test_every_key_header_form_is_accepted(dialect, program, manage_key, form):
    client = DoorClient(manage_key[1], form)
    response = client.post(dialect.path, dialect.make_body(program))
    assert response.status_code == 201, response.content
    assert Case.objects.get().source == dialect.name


@pytest.mark.parametrize("header", [None, "Bearer abcdefgh.not-the-secret", "Bearer nodot", "Basic !!!",
                                    "Token something"])
def test_missing_or_bad_key_is_the_dialect_401(dialect, program, header):
    client = DoorClient(header=header)
    response = client.post(dialect.path, dialect.make_body(program))
    status, code = dialect.unauthorized
    assert response.status_code == status
    assert dialect.error(response.json()) == code
    assert not Case.objects.exists()


def test_a_revoked_key_is_the_dialect_401(dialect, program, manage_key):
    key, raw = manage_key
    key.revoked = True
    key.save()
    response = DoorClient(raw).post(dialect.path, dialect.make_body(program))
    assert (response.status_code, dialect.error(response.json())) == dialect.unauthorized


def test_a_replay_returns_the_same_body(dialect, api, program):
    body = dialect.make_body(program)
    first = api.post(dialect.path, body, **{"Idempotency-Key": "create-1"})
    second = api.post(dialect.path, body, **{"Idempotency-Key": "create-1"})

    assert first.status_code == 201, first.content
    assert (second.status_code, second.content) == (first.status_code, first.content)
    assert second["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1
    assert CaseEvent.objects.filter(kind="created").count() == 1
    if "Location" in first:
        assert second["Location"] == first["Location"]


def test_the_same_key_with_another_body_is_refused(dialect, api, program):
    body = dialect.make_body(program)
    assert api.post(dialect.path, body, **{"Idempotency-Key": "create-2"}).status_code == 201
    other = dict(body, extra="changed")
    response = api.post(dialect.path, other, **{"Idempotency-Key": "create-2"})
    assert 400 <= response.status_code < 500
    assert "idempoten" in dialect.error(response.json()).lower()
    assert Case.objects.count() == 1


def test_an_error_is_replayed_too(dialect, api, program):
    response = api.post(dialect.path, raw="{broken", **{"Idempotency-Key": "bad-1"})
    again = api.post(dialect.path, raw="{broken", **{"Idempotency-Key": "bad-1"})
    assert 400 <= response.status_code < 500
    assert again.content == response.content
    assert IdempotencyKey.objects.filter(key="bad-1", in_flight=False).exists()


@pytest.mark.parametrize("where", ["top", "nested"])
def test_a_card_number_anywhere_is_refused_and_nothing_stored(dialect, api, program, where):
    body = dialect.make_body(program)
    transactions_before = Transaction.objects.count()
    if where == "top":
        body["note_from_app"] = f"card {PAN} please"
    else:
        body["something"] = {"deep": [{"card": PAN.replace(" ", "")}]}

    response = api.post(dialect.path, body)

    assert (response.status_code, dialect.error(response.json())) == dialect.pan
    assert "4111" not in response.content.decode()
    assert not Case.objects.exists()
    assert Transaction.objects.count() == transactions_before


def test_a_card_number_in_a_malformed_body_is_refused(dialect, api):
    response = api.post(dialect.path, raw='{"card": "4111111111111111", ')
    assert (response.status_code, dialect.error(response.json())) == dialect.pan


def test_an_arn_is_not_a_card_number(dialect, api, program):
    body = dialect.make_body(program)
    body["reference"] = "48162855246353338636162"  # 23 digits: an ARN, not a PAN
    assert api.post(dialect.path, body).status_code == 201


def test_an_oversized_body_is_refused(dialect, api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.post(dialect.path, {"padding": "x" * 2000})
    assert 400 <= response.status_code < 500
    assert dialect.error(response.json())
    assert not Case.objects.exists()


def test_a_key_over_its_rate_is_throttled_in_the_dialect_envelope(dialect, api, program, settings):
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"client": "2/min"}}
    body = dialect.make_body(program)
    statuses = [api.post(dialect.path, body).status_code for _ in range(2)]
    response = api.post(dialect.path, body)

    assert 429 not in statuses
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert dialect.error(response.json())
    cache.clear()
