"""Each dialect documents itself (SPEC section 15): its OpenAPI document is served, validates, and
Schemathesis with every check finds no failure against it on a live server."""

import json
import urllib.request

import pytest
from drf_spectacular.validation import validate_schema

from tests.contract.live import LiveServer, summary_line

DOCUMENTS = {
    "mastercard": "/global-processing/dispute/openapi.json",
    "decisionly": "/v2/issuer/openapi.json",
    "tutelar": "/api/v1/dispute/openapi.json",
}
# Tutelar answers an unknown method with its 404 envelope, as the original does, not a 405.
EXCLUDED = {"tutelar": ["--exclude-checks", "unsupported_method"]}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("dialects")).start()
    yield server
    server.stop()


@pytest.mark.parametrize("dialect", sorted(DOCUMENTS))
def test_the_dialect_document_is_served_and_valid(live, dialect):
    with urllib.request.urlopen(live.base_url + DOCUMENTS[dialect], timeout=30) as response:  # noqa: S310
        assert response.status == 200
        document = json.loads(response.read())
    validate_schema(document)
    assert document["servers"][0]["url"] == DOCUMENTS[dialect].removesuffix("/openapi.json")
    assert document["paths"]


@pytest.mark.parametrize("dialect", sorted(DOCUMENTS))
def test_schemathesis_finds_no_failure_in_the_dialect(live, dialect):
    code, output = live.schemathesis(DOCUMENTS[dialect], "--max-examples", "5", "--workers", "1",
                                     *EXCLUDED.get(dialect, []), config="tests/contract/dialects.toml")
    print(dialect, summary_line(output))
    assert code == 0, output[-20000:]
    assert "failure" not in summary_line(output) and "error" not in summary_line(output), summary_line(output)
