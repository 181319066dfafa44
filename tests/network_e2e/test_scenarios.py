"""Each simulator scenario end to end over HTTP (SPEC section 12), with real processes: the network
simulator, gunicorn, a Celery worker and beat on one SQLite file and the filesystem broker. Every
case of the table (scenarios.py) is created and filed through the API at once; the worker files it
with the simulator, beat's poll applies the answers; the test reads the outcome from the database."""

import re
from pathlib import Path

import pytest

from cases.models import Case, NetworkMessage
from tests.network_e2e import flow
from tests.network_e2e.scenarios import EXPECTED

pytestmark = pytest.mark.xdist_group("network_e2e")
DOC = Path(__file__).resolve().parents[2] / "docs" / "networks.md"


@pytest.fixture(scope="module")
def walked(stack, django_db_blocker):
    with django_db_blocker.unblock():
        return stack, flow.walk_all(stack, EXPECTED)


@pytest.mark.parametrize("amount", sorted(EXPECTED))
def test_scenario_end_to_end(walked, django_db_blocker, amount):
    stack, walks = walked
    with django_db_blocker.unblock():
        flow.check(stack, walks[amount])


def test_each_filing_reached_the_network_once_and_each_answer_was_applied_once(walked, django_db_blocker):
    stack, walks = walked
    seen = stack.control("GET", "state")["requests"]
    with django_db_blocker.unblock():
        for walk in walks.values():
            case = Case.objects.using(stack.db).get(pk=walk.number)
            messages = NetworkMessage.objects.using(stack.db).filter(claim_id=case.network_claim_id) \
                if case.network_claim_id else NetworkMessage.objects.none()
            assert list(messages.values_list("state", flat=True)) == ["applied"] * len(walk.expected.answers)
            if walk.expected.rejected:
                continue
            claim = case.network_claim_id
            if walk.expected.network == "mastercard":
                assert seen[f"POST /mastercom/v6/claims/{claim}/chargebacks"] == 1
            else:
                assert seen[f"POST /vrol/v1/cases/{claim}/disputes"] == 1
                for step in walk.expected.steps:
                    assert seen[f"POST /vrol/v1/cases/{claim}/{step.removeprefix('file_')}"] == 1
    # Mastercom files every case (pre-arbitration, arbitration) on one path; the package's other
    # tests file no case.
    cases = sum(len(e.steps) for e in EXPECTED.values() if e.network == "mastercard")
    assert seen.get("POST /mastercom/v6/cases", 0) == cases


def test_the_documented_table_is_this_table():
    """docs/networks.md's end-to-end table names, per amount, the network, the steps, the answers
    and the final status of scenarios.py."""
    text = DOC.read_text()
    section = text.split("#### End to end", 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if re.match(r"^\| \d", line)]
    documented = {}
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        documented[int(cells[0].replace(".", ""))] = cells[1:]
    assert set(documented) == set(EXPECTED)
    for amount, expected in EXPECTED.items():
        network, reason, steps, answers, status = documented[amount]
        assert network.lower() == expected.network
        assert reason == (expected.reason_code or expected.reason)
        assert steps == ", ".join(("file_chargeback", *expected.steps))
        assert answers == (", ".join(expected.answers) or "none (filing rejected)")
        assert status.split()[0].strip("`") == expected.status
