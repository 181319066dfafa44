import base64
import json

import pytest
from django.test import Client

from tests.factories import TransactionFactory, make_api_key

PAYLOADS = __import__("pathlib").Path(__file__).parent / "payloads"


def load_payload(dialect: str, name: str):
    return json.loads((PAYLOADS / dialect / name).read_text())


class DialectClient:
    """A test client speaking JSON with an API key in one of SPEC section 5's header forms."""

    def __init__(self, raw_key: str | None, form: str = "bearer"):
        self.client = Client()
        self.headers = {}
        if raw_key is not None:
            self.headers["Authorization"] = authorization(raw_key, form)

    def call(self, method: str, path: str, body=None, *, raw: bytes | str | None = None, **headers):
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        return getattr(self.client, method.lower())(
            path, data=data, content_type="application/json", headers={**self.headers, **headers})

    def post(self, path, body=None, **kw):
        return self.call("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.call("PUT", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.call("PATCH", path, body, **kw)

    def get(self, path, **headers):
        return self.client.get(path, headers={**self.headers, **headers})


def authorization(raw_key: str, form: str) -> str:
    if form == "bearer":
        return f"Bearer {raw_key}"
    if form == "basic_username":  # Decisionly: the key as username, no password
        return "Basic " + base64.b64encode(f"{raw_key}:".encode()).decode()
    prefix, _, secret = raw_key.partition(".")  # Tutelar: API key + secret key
    return "Basic " + base64.b64encode(f"{prefix}:{secret}".encode()).decode()


@pytest.fixture
def manage_key(program):
    return make_api_key(program, ["manage"], "dialect manage")


@pytest.fixture
def api(manage_key):
    return DialectClient(manage_key[1])


@pytest.fixture
def write_api(program):
    return DialectClient(make_api_key(program, ["write"], "dialect write")[1])


@pytest.fixture
def read_api(program):
    return DialectClient(make_api_key(program, ["read"], "dialect read")[1])


@pytest.fixture
def other_api(other_program):
    return DialectClient(make_api_key(other_program, ["manage"], "other manage")[1])


@pytest.fixture
def anonymous():
    return DialectClient(None)


@pytest.fixture
def stored_transaction(program):
    """A Mastercard transaction in the store: 200.00 USD, ten days old."""
    return TransactionFactory(program=program, amount=20000, currency="USD", card_network="mastercard")
