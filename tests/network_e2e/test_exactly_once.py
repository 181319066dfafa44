"""Exactly once towards the network (SPEC section 12), with real processes: the worker is killed
(SIGKILL, worker and pool) while the network holds its answer to a chargeback, so the filing has
arrived but its answer is never recorded. A new worker takes the submission when its lease runs
out, asks the network first (lookup by the client reference) and records the answer: the network
holds one chargeback, the case one submission `acknowledged`, and the answer that follows moves
the case once."""

import pytest

from cases.gateways import gateway_for
from cases.models import Case, CaseEvent, NetworkMessage, NetworkSubmission
from tests.network_e2e import flow
from tests.network_e2e.scenarios import Expected
from tests.network_e2e.stack import wait_until

pytestmark = pytest.mark.xdist_group("network_e2e")
AMOUNT = 55_02  # a full representment follows the chargeback
HOLD_SECONDS = 45  # longer than the test waits: the killed worker never gets this answer


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

        row = wait_until(acknowledged, timeout=45, what="the submission acknowledged after the restart", stack=stack)
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
