import pytest

from tests.network_e2e.stack import sqlite_stack


@pytest.fixture(scope="package")
def stack(tmp_path_factory):
    """One SQLite stack (simulator, gunicorn, worker, beat) for the package's SQLite tests."""
    with sqlite_stack(tmp_path_factory.mktemp("network-e2e")) as running:
        yield running
