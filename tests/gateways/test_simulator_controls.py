"""The simulator's sandbox controls (network_simulator/control.py): request counts, held filing
answers, representments placed in a queue; bad input is a 4xx in the controls' error shape."""

import base64
import json
import threading
import time

import httpx
import pytest

from cases.gateways import gateway_for
from cases.gateways.base import GatewayError
from tests.gateways.harness import PDF, filing_factory, only_item

filing = filing_factory("mastercard", "USD", "7", "4853")


def control(sim, method: str, path: str, body=None) -> httpx.Response:
    content = body if isinstance(body, str) else (json.dumps(body) if body is not None else None)
    return httpx.request(method, f"{sim.url}/control/v1/{path}", content=content, timeout=30)


def test_requests_are_counted_by_method_and_path(sim):
    with sim.settings():
        gateway = gateway_for("mastercard")
        claim_id = gateway.submit(filing(10_02)).claim_id
    seen = control(sim, "GET", "state").json()["requests"]
    assert seen[f"POST /mastercom/v6/claims/{claim_id}/chargebacks"] == 1
    assert not any(path.startswith(("GET /control", "POST /control")) for path in seen)


def test_a_held_filing_is_stored_at_once_and_answered_late(sim, settings):
    assert control(sim, "POST", "hold-filings", {"count": 1, "seconds": 3}).json() == {"pending": 1, "holding": 0}
    with sim.settings():
        settings.NETWORK_HTTP_TIMEOUT = 1
        gateway = gateway_for("visa")
        sent = filing_factory("visa", "EUR", "2", "13.1")(10_02)
        with pytest.raises(GatewayError, match="did not answer"):
            gateway.submit(sent)  # the caller gives up; the network holds the filing
        assert control(sim, "GET", "state").json()["holds"] == {"pending": 0, "holding": 1}
        found = gateway.lookup(sent)
    assert found is not None and found.accepted
    time.sleep(2.5)
    assert control(sim, "GET", "state").json()["holds"] == {"pending": 0, "holding": 0}


def test_a_placed_representment_is_read_like_any_answer(sim):
    with sim.settings():
        gateway = gateway_for("mastercard")
        claim_id = gateway.submit(filing(10_01)).claim_id  # the acquirer accepts: a closed-claim item
        only_item(gateway, claim_id)
        placed = control(sim, "POST", "queue-items", {
            "network": "mastercard", "claimId": claim_id, "representedAmount": "5.00", "documents": [
                {"fileName": "big.pdf", "mimeType": "application/pdf", "content": base64.b64encode(PDF).decode(),
                 "padTo": 50_000}]})
        assert placed.status_code == 201 and placed.json()["claimId"] == claim_id
        item = only_item(gateway, claim_id)
        new = control(sim, "POST", "queue-items", {"network": "visa", "amount": "7.00", "currency": "EUR"}).json()
        [visa_item] = [i for i in gateway_for("visa").read_queues() if i.claim_id == new["claimId"]]
    assert (item.kind, item.amount_minor, item.message_id) == ("representment", 500, f"cb-{placed.json()['itemId']}")
    assert [(d.name, len(d.content)) for d in item.documents] == [("big.pdf", 50_000)]
    assert item.documents[0].content.startswith(PDF)
    assert (visa_item.kind, visa_item.amount_minor, visa_item.client_reference) == ("representment", 700, "")


@pytest.mark.parametrize(("path", "body", "status"), [
    ("hold-filings", "nope", 400),
    ("hold-filings", {"count": 1}, 400),
    ("hold-filings", {"count": -1, "seconds": 1}, 400),
    ("hold-filings", {"count": 1, "seconds": 10_000}, 400),
    ("hold-filings", {"count": True, "seconds": 1}, 400),
    ("queue-items", {}, 400),
    ("queue-items", {"network": "amex", "amount": "1.00", "currency": "USD"}, 400),
    ("queue-items", {"network": "visa", "kind": "ruling_issuer", "amount": "1.00", "currency": "USD"}, 400),
    ("queue-items", {"network": "visa", "claimId": "999999999999"}, 404),
    ("queue-items", {"network": "visa", "amount": "1.001", "currency": "USD"}, 400),
    ("queue-items", {"network": "visa", "amount": "1.00", "currency": "USD", "documents": [{"fileName": "a.pdf"}]}, 400),
    ("queue-items", {"network": "visa", "amount": "1.00", "currency": "USD",
                     "documents": [{"fileName": "a.pdf", "content": "eA==", "padTo": 10**9}]}, 400),
    ("queue-items", {"network": "visa", "amount": "1.00", "currency": "USD", "documents": "a.pdf"}, 400),
])
def test_bad_control_requests_are_4xx_in_the_controls_error_shape(sim, path, body, status):
    response = control(sim, "POST", path, body)
    assert response.status_code == status, response.text
    assert response.json()["errors"][0]["message"]


def test_controls_refuse_other_methods(sim):
    assert control(sim, "DELETE", "state").status_code == 405
    assert control(sim, "GET", "queue-items").status_code == 405


def test_concurrent_holds_are_each_taken_once(sim):
    control(sim, "POST", "hold-filings", {"count": 2, "seconds": 0.5})
    with sim.settings():
        gateway = gateway_for("visa")
        visa = filing_factory("visa", "EUR", "2", "13.1")
        threads = [threading.Thread(target=gateway.submit, args=(visa(11_02),)) for _ in range(3)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert 0.4 < time.monotonic() - started < 10
    assert control(sim, "GET", "state").json()["holds"] == {"pending": 0, "holding": 0}
