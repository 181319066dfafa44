import pytest

from tests.networks.gateway import MemoryGateway, registered


@pytest.fixture
def network():
    """A Mastercard gateway in memory, registered in place of the real one for the test."""
    with registered(MemoryGateway("mastercard")) as gateway:
        yield gateway


@pytest.fixture
def no_gateways():
    with registered(None):
        yield
