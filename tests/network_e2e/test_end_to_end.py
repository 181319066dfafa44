"""The card networks end to end over HTTP (SPEC section 12), with real processes: the network
simulator, gunicorn, a Celery worker and beat on one SQLite file and the filesystem broker, shared
by this module's tests (tests/network_e2e/stack.py).

- Each simulator scenario: every case of the table (scenarios.py) is created and filed through the
  API at once; the worker files it with the simulator, beat's poll applies the answers; the test
  reads the outcome from the database.
- Exactly once towards the network: the worker is killed (SIGKILL, worker and pool) while the
  network holds its answer to a chargeback, so the filing has arrived but its answer is never
  recorded. A new worker takes the submission when its lease runs out, asks the network first
  (lookup by the client reference) and records the answer: the network holds one chargeback, the
  case one submission `acknowledged`, and the answer that follows moves the case once."""

import re
from pathlib import Path

import pytest

from cases.gateways import gateway_for
from cases.models import Case, CaseEvent, NetworkMessage, NetworkSubmission
from tests.network_e2e import flow
from tests.network_e2e.scenarios import EXPECTED, Expected
from tests.network_e2e.stack import sqlite_stack, wait_until

DOC = Path(__file__).resolve().parents[2] / "docs" / "networks.md"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """One SQLite stack for the module's two tests (each of which pytest-xdist may run anywhere)."""
    with sqlite_stack(tmp_path_factory.mktemp("network-e2e")) as running:
        yield running


def test_each_scenario_end_to_end(stack, django_db_blocker):
    """Every row of the table at once (one test, so that pytest-xdist starts one stack for it):
    each case's status, events, references, evidence and amounts; each filing received by the
    network once; each answer applied once. A failure names every scenario that broke."""
    with django_db_blocker.unblock():
        walks = flow.walk_all(stack, EXPECTED)
        failures = {}
        for amount, walk in sorted(walks.items()):
            try:
                flow.check(stack, walk)
            except AssertionError as exc:
                failures[amount] = f"{type(exc).__name__}: {exc}"[:800]
        assert failures == {}, "\n".join(f"{a}: {f}" for a, f in failures.items())
        seen = stack.control("GET", "state")["requests"]
        for walk in walks.values():
            case = Case.objects.using(stack.db).get(pk=walk.number)
            messages = NetworkMessage.objects.using(stack.db).filter(claim_id=case.network_claim_id) \
                if case.network_claim_id else NetworkMessage.objects.none()
            assert list(messages.values_list("state", flat=True)) == ["applied"] * len(walk.expected.answers)
            if walk.expected.rejected:
                continue
            claim = case.network_claim_id
            if walk.expected.network == "mastercard":
                assert seen[f"POST /mastercom/v6/claims/{claim}/chargebacks"] == 1, walk.amount
            else:
                assert seen[f"POST /vrol/v1/cases/{claim}/disputes"] == 1, walk.amount
                for step in walk.expected.steps:
                    assert seen[f"POST /vrol/v1/cases/{claim}/{step.removeprefix('file_')}"] == 1, walk.amount
    # Mastercom files every case (pre-arbitration, arbitration) on one path; the module's other
    # test files no case.
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


# --- exactly once ---------------------------------------------------------------------------------

AMOUNT = 55_02  # a full representment follows the chargeback
HOLD_SECONDS = 60  # longer than the killed worker lives: it never gets this answer


def test_a_worker_killed_between_sending_and_recording_files_the_chargeback_once(stack, django_db_blocker):
    expected = Expected("mastercard", (), ("representment",), "chargeback_represented", "full")
    first_worker = stack.workers[-1]
    stack.control("POST", "hold-filings", {"count": 1, "seconds": HOLD_SECONDS})
    case_id = stack.api("POST", "/cases", flow.case_body(AMOUNT, expected), expect=201)["case_id"]
    stack.api("POST", f"/cases/{case_id}/transitions", {"transition": "file_chargeback"})
    wait_until(lambda: stack.control("GET", "state")["holds"]["holding"] == 1, timeout=30,
               what="the network holding its answer to the chargeback", stack=stack, interval=0.05)
    stack.engine.kill(first_worker)  # the filing arrived; its answer is never read
    with django_db_blocker.unblock():
        case = Case.objects.using(stack.db).get(case_id=case_id)
        submission = NetworkSubmission.objects.using(stack.db).get(case=case)
        assert (submission.state, submission.attempts, case.network_claim_id) == ("sent", 1, "")

        stack.worker(name="worker-restarted")

        def acknowledged():
            row = NetworkSubmission.objects.using(stack.db).get(pk=submission.pk)
            return row if row.state == "acknowledged" else None

        row = wait_until(acknowledged, timeout=90, what="the submission acknowledged after the restart", stack=stack)
        case.refresh_from_db(using=stack.db)
        wait_until(lambda: Case.objects.using(stack.db).get(pk=case.pk).status == expected.status, timeout=30,
                   what="the representment applied", stack=stack)
        assert row.attempts == 2 and row.last_error == "" and row.network_reference
        assert case.network_claim_id
        assert NetworkSubmission.objects.using(stack.db).filter(case=case).count() == 1
        acknowledgements = CaseEvent.objects.using(stack.db).filter(case=case, kind="network_filing")
        assert [e.changes["state"] for e in acknowledgements] == ["acknowledged"]
        assert list(NetworkMessage.objects.using(stack.db).filter(case=case).values_list("kind", "state")) == [
            ("representment", "applied")]
    # The network: one chargeback on the claim, received once; the restarted worker looked it up.
    requests = stack.control("GET", "state")["requests"]
    assert requests[f"POST /mastercom/v6/claims/{case.network_claim_id}/chargebacks"] == 1
    assert requests[f"GET /mastercom/v6/claims/{case.network_claim_id}"] >= 1
    with stack.sim.settings():
        detail = gateway_for("mastercard").claim(case.network_claim_id)
    chargebacks = [c for c in detail["chargebackDetails"] if c["chargebackType"] == "CHARGEBACK"]
    assert [c["chargebackId"] for c in chargebacks] == [row.network_reference]
