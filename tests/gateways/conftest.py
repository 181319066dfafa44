import pytest

from tests.gateways import simulator


@pytest.fixture(scope="module")
def sim(request, tmp_path_factory):
    """A real simulator process answering at once, shared by the module's tests."""
    with simulator.running_simulator(tmp_path_factory.mktemp(f"{request.module.__name__.rsplit('.', 1)[-1]}-sim"),
                                     delay=0) as running:
        yield running
