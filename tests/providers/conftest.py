import json

import pytest

from tests.conftest import DoorClient
from tests.factories import TransactionFactory, make_api_key

PAYLOADS = __import__("pathlib").Path(__file__).parent / "payloads"


def load_payload(dialect: str, name: str):
    return json.loads((PAYLOADS / dialect / name).read_text())


@pytest.fixture
def manage_key(program):
    return make_api_key(program, ["manage"], "dialect manage")


@pytest.fixture
def api(manage_key):
    return DoorClient(manage_key[1])


@pytest.fixture
def write_api(program):
    return DoorClient(make_api_key(program, ["write"], "dialect write")[1])


@pytest.fixture
def read_api(program):
    return DoorClient(make_api_key(program, ["read"], "dialect read")[1])


@pytest.fixture
def other_api(other_program):
    return DoorClient(make_api_key(other_program, ["manage"], "other manage")[1])


@pytest.fixture
def anonymous():
    return DoorClient(None)


@pytest.fixture
def stored_transaction(program):
    """A Mastercard transaction in the store: 200.00 USD, ten days old."""
    return TransactionFactory(program=program, amount=20000, currency="USD", card_network="mastercard")
