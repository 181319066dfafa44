"""The native API's OpenAPI document is exact (SPEC section 15): Schemathesis, with every check,
finds no failure against a live server. Bounded (examples per operation, a fixed seed in
schemathesis.toml), so it runs in `make test` and CI."""

import pytest

from tests.contract.live import LiveServer, summary_line

MAX_EXAMPLES = "6"
# One worker: Python 3.11's parser is not safe to call from two threads at once, and Hypothesis
# parses lambdas' source while describing strategies.


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("contract")).start()
    yield server
    server.stop()


def test_schemathesis_finds_no_failure_in_the_native_api(live):
    code, output = live.schemathesis("/api/schema", "--max-examples", MAX_EXAMPLES, "--workers", "1")
    print(summary_line(output))
    assert code == 0, output[-20000:]
    assert "failure" not in summary_line(output) and "error" not in summary_line(output), summary_line(output)
