"""What the wire tests of both gateways share: a filing as the case side would send it, and the
queue read until a claim's answer is there (tests/gateways/test_mastercom.py, test_vrol.py,
test_simulator_delay.py; the simulator process itself is tests/gateways/simulator.py)."""

import base64
import time
import uuid
from collections.abc import Callable

from cases.gateways.base import Document, Filing, InboundItem
from network_simulator.state import merchant_document

PDF = base64.b64decode(merchant_document()["content"])


def filing_factory(network: str, currency: str, arn_prefix: str, default_reason: str) -> Callable[..., Filing]:
    """`filing(amount_minor, reason_code=default_reason, kind="chargeback", **fields)` for one network:
    a fresh client reference, case id and ARN each time, and the cardholder's letter as a PDF."""

    def filing(amount_minor: int, reason_code: str = default_reason, kind: str = "chargeback", **extra) -> Filing:
        values = {"client_reference": f"ns-{uuid.uuid4().hex}", "kind": kind, "network": network, "program": "demo",
                  "case_id": f"C-{uuid.uuid4().hex[:8]}", "arn": f"{arn_prefix}{uuid.uuid4().int % 10**22:022d}",
                  "reason_code": reason_code, "amount_minor": amount_minor, "currency": currency,
                  "documents": (Document("letter.pdf", "application/pdf", PDF),)}
        values.update(extra)
        return Filing(**values)

    return filing


def items_for(gateway, claim_id: str, timeout: float = 15) -> list[InboundItem]:
    """The claim's items in the issuer's queues, read until there are some (or [] after `timeout`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [item for item in gateway.read_queues() if item.claim_id == claim_id]
        if found:
            return found
        time.sleep(0.2)
    return []


def only_item(gateway, claim_id: str, timeout: float = 15) -> InboundItem:
    """The claim's one item, acknowledged; acknowledged items leave the queue."""
    found = items_for(gateway, claim_id, timeout)
    assert len(found) == 1, found
    gateway.acknowledge(found)
    assert not [i for i in gateway.read_queues() if i.claim_id == claim_id], "acknowledged items leave the queue"
    return found[0]
