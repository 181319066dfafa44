"""The sandbox rules as a table (SPEC section 12), and the simulator's settings and database."""

import pytest

from network_simulator import rules
from network_simulator.router import SimulatorRouter


@pytest.mark.parametrize(("amount", "network", "code", "answer", "represented"), [
    (1001, "mastercard", "4853", rules.ACCEPTED, None),
    (1002, "mastercard", "4853", rules.REPRESENT_FULL, 1002),
    (1003, "visa", "13.1", rules.REPRESENT_HALF, 501),
    (1004, "visa", "10.4", rules.REJECTED, None),
    (1005, "mastercard", "4837", rules.NO_ANSWER, None),
    (1006, "visa", "13.1", rules.ACQUIRER_PREARB, 1006),
    (1007, "mastercard", "4837", rules.REPRESENT_FULL, 1007),
    (1007, "mastercard", "4853", rules.ACCEPTED, None),
    (1099, "visa", "10.4", rules.REPRESENT_FULL, 1099),
    (1099, "visa", "13.3", rules.ACCEPTED, None),
    (1000, "visa", "unknown", rules.ACCEPTED, None),
])
def test_chargeback_outcomes(amount, network, code, answer, represented):
    assert rules.chargeback_outcome(network, amount, code) == rules.Outcome(answer, represented)


@pytest.mark.parametrize(("amount", "answer"), [(4007, rules.ISSUER_WINS), (4008, rules.ISSUER_LOSES),
                                                (4002, rules.ISSUER_WINS), (4000, rules.ISSUER_WINS)])
def test_escalation_outcomes(amount, answer):
    assert rules.escalation_outcome(amount).answer == answer


def test_the_simulator_keeps_its_tables_in_its_own_database():
    router = SimulatorRouter()
    assert router.allow_migrate("network_simulator", "network_simulator") is True
    assert router.allow_migrate("default", "network_simulator") is False
    assert router.allow_migrate("network_simulator", "cases") is False
    assert router.allow_migrate("default", "cases") is None
