import pytest

from cases import gateways
from tests.networks.gateway import MemoryGateway


@pytest.fixture
def network():
    """A Mastercard gateway in memory, registered in place of the real one for the test."""
    gateway = MemoryGateway("mastercard")
    saved = dict(gateways._factories)
    gateways._factories.clear()
    gateways.register("mastercard")(lambda: gateway)
    yield gateway
    gateways._factories.clear()
    gateways._factories.update(saved)


@pytest.fixture
def no_gateways():
    saved = dict(gateways._factories)
    gateways._factories.clear()
    yield
    gateways._factories.update(saved)
