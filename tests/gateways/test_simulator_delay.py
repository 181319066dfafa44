"""The simulator answers NETWORK_SIMULATOR_DELAY seconds after a filing, closes an unanswered
chargeback after NETWORK_SIMULATOR_WINDOW, and a withdrawal cancels what is not yet due."""

import time
import uuid

import pytest

from cases.gateways import gateway_for
from tests.gateways import simulator
from tests.gateways.harness import filing_factory

DELAY, WINDOW = 2.0, 4.0
FRAUD = "4837"
filing = filing_factory("mastercard", "USD", "7", "4853")
visa_filing = filing_factory("visa", "EUR", "2", "13.1")


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    with simulator.running_simulator(tmp_path_factory.mktemp("delayed-sim"), delay=DELAY, window=WINDOW) as running:
        yield running


def waiting(gateway, claim_id):
    return [item for item in gateway.read_queues() if item.claim_id == claim_id]


def test_the_answer_waits_for_the_delay_and_an_unanswered_claim_closes_after_the_window(sim):
    with sim.settings():
        gateway = gateway_for("mastercard")
        sent = time.monotonic()
        represented = gateway.submit(filing(10_02)).claim_id
        unanswered = gateway.submit(filing(10_05)).claim_id
        assert waiting(gateway, represented) == [] and waiting(gateway, unanswered) == []
        assert gateway.claim(represented)["chargebackDetails"][-1]["chargebackType"] == "CHARGEBACK"
        while time.monotonic() - sent < DELAY + 1:
            time.sleep(0.2)
        assert [i.kind for i in waiting(gateway, represented)] == ["representment"]
        assert waiting(gateway, unanswered) == []
        while time.monotonic() - sent < WINDOW + 1:
            time.sleep(0.2)
        assert [i.kind for i in waiting(gateway, unanswered)] == ["ruling_issuer"]


def test_withdrawing_cancels_the_answer_not_yet_due(sim):
    with sim.settings():
        visa = gateway_for("visa")
        first = visa_filing(20_02)
        claim_id = visa.submit(first).claim_id
        assert visa.submit(visa_filing(20_02, kind="withdraw", claim_id=claim_id, arn=first.arn)).accepted
        time.sleep(DELAY + 1)
        assert waiting(visa, claim_id) == []


def test_withdrawing_an_open_pre_arbitration_case_on_mastercom(sim):
    with sim.settings():
        gateway = gateway_for("mastercard")
        first = filing(30_02, FRAUD)
        claim_id = gateway.submit(first).claim_id
        time.sleep(DELAY + 0.5)
        items = waiting(gateway, claim_id)
        gateway.acknowledge(items)
        prearb = gateway.submit(filing(30_11, FRAUD, kind="prearbitration", claim_id=claim_id, arn=first.arn))
        detail = gateway.claim(claim_id)
        assert detail["caseFilingDetails"]["caseFilingStatus"] == "OPEN"
        withdraw = filing(30_11, kind="withdraw", claim_id=claim_id, arn=first.arn, client_reference=uuid.uuid4().hex)
        result = gateway.submit(withdraw)
        assert result.accepted and result.network_reference == prearb.network_reference
        detail = gateway.claim(claim_id)
        assert detail["caseFilingDetails"]["caseFilingStatus"] == "WITHDRAWN" and detail["isOpen"] == "false"
        time.sleep(DELAY + 0.5)
        assert waiting(gateway, claim_id) == []


def test_several_server_processes_serve_the_same_network(tmp_path):
    with simulator.running_simulator(tmp_path, delay=0, workers=2) as sim, sim.settings():
        gateway = gateway_for("mastercard")
        claim_ids = {gateway.submit(filing(40_02)).claim_id for _ in range(4)}
        deadline = time.monotonic() + 20
        items = []
        while time.monotonic() < deadline and len(items) < 4:
            items = [i for i in gateway.read_queues() if i.claim_id in claim_ids]
            time.sleep(0.2)
        assert sorted(i.claim_id for i in items) == sorted(claim_ids)
        assert {i.kind for i in items} == {"representment"}
