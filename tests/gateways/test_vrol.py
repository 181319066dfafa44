"""The VROL-style gateway against a real simulator process over HTTP: every operation, the sandbox
scenarios at the wire level, lookup by client reference, authentication and bad input."""

import httpx
import pytest

from cases.gateways import gateway_for
from cases.gateways.base import GatewayError
from tests.gateways.harness import filing_factory, only_item

FRAUD, DISPUTE = "10.4", "13.1"
filing = filing_factory("visa", "EUR", "2", DISPUTE)


@pytest.fixture
def gateway(sim):
    with sim.settings():
        yield gateway_for("visa")


@pytest.mark.parametrize(("amount", "reason_code", "kind", "queue", "represented"), [
    (25_01, FRAUD, "merchant_accepted", "AwaitingAction", None),
    (25_02, DISPUTE, "representment", "AwaitingAction", 25_02),
    (25_03, DISPUTE, "representment", "AwaitingAction", 12_51),
    (25_05, DISPUTE, "ruling_issuer", "AwaitingAction", None),
    (25_06, FRAUD, "prearb_received", "IncomingPreArbitration", 25_06),
    (25_07, FRAUD, "representment", "AwaitingAction", 25_07),
    (25_08, DISPUTE, "merchant_accepted", "AwaitingAction", None),
])
def test_sandbox_scenarios_after_a_dispute(gateway, amount, reason_code, kind, queue, represented):
    sent = filing(amount, reason_code)
    result = gateway.submit(sent)
    assert result.accepted and result.claim_id and result.network_reference
    item = only_item(gateway, result.claim_id)
    assert (item.kind, item.queue, item.amount_minor) == (kind, queue, represented)
    assert item.client_reference == sent.client_reference
    if represented:
        assert item.currency == "EUR" and item.documents[0].content.startswith(b"%PDF-")


def test_amount_ending_04_is_rejected_and_lookup_says_so(gateway):
    sent = filing(30_04)
    result = gateway.submit(sent)
    assert not result.accepted and "ending 04" in result.reason and result.claim_id
    found = gateway.lookup(sent)
    assert found is not None and not found.accepted and "ending 04" in found.reason


@pytest.mark.parametrize(("escalation", "amount", "kind", "queue"), [
    ("prearbitration", 40_07, "merchant_accepted", "IncomingPreArbitration"),
    ("prearbitration", 40_08, "ruling_merchant", "IncomingPreArbitration"),
    ("arbitration", 40_07, "ruling_issuer", "IncomingArbitration"),
    ("arbitration", 40_08, "ruling_merchant", "IncomingArbitration"),
])
def test_escalations_are_answered_by_the_amount(gateway, escalation, amount, kind, queue):
    first = filing(40_02)
    claim_id = gateway.submit(first).claim_id
    assert only_item(gateway, claim_id).kind == "representment"
    sent = filing(amount, kind=escalation, claim_id=claim_id, arn=first.arn)
    filed = gateway.submit(sent)
    assert filed.accepted and filed.network_reference
    answer = only_item(gateway, claim_id)
    assert (answer.kind, answer.queue, answer.network_case_id) == (kind, queue, filed.network_reference)
    assert gateway.lookup(sent).network_reference == filed.network_reference


def test_acquirer_prearbitration_accepted_by_the_issuer(gateway):
    first = filing(50_06, FRAUD)
    claim_id = gateway.submit(first).claim_id
    prearb = only_item(gateway, claim_id)
    accept = filing(50_06, kind="accept", claim_id=claim_id, arn=first.arn, network_case_id=prearb.network_case_id)
    assert gateway.lookup(accept) is None
    result = gateway.submit(accept)
    assert result.accepted and result.network_reference == prearb.network_case_id
    assert gateway.lookup(accept).accepted
    assert gateway.submit(accept).network_reference == prearb.network_case_id  # a resend answers the same


def test_accept_and_recall(gateway):
    first = filing(60_02)
    claim_id = gateway.submit(first).claim_id
    only_item(gateway, claim_id)
    assert gateway.submit(filing(60_02, kind="accept", claim_id=claim_id, arn=first.arn)).accepted
    again = gateway.submit(filing(60_02, kind="withdraw", claim_id=claim_id, arn=first.arn))
    assert not again.accepted and "closed" in again.reason

    second = filing(61_02)
    claim_id = gateway.submit(second).claim_id
    recall = filing(61_02, kind="withdraw", claim_id=claim_id, arn=second.arn)
    assert gateway.submit(recall).accepted and gateway.lookup(recall).accepted


def test_a_resend_with_the_same_client_reference_files_nothing_new(sim, gateway):
    sent = filing(70_02)
    assert gateway.lookup(sent) is None
    first = gateway.submit(sent)
    assert gateway.submit(sent) == first
    assert gateway.lookup(sent) == first
    with sim.settings():
        detail = gateway.http.call("GET", f"/v1/cases/{first.claim_id}").body
    assert [f["type"] for f in detail["filings"] if f["filedBy"] == "ISSUER"] == ["chargeback"]
    other = gateway.submit(filing(70_02, arn=sent.arn))
    assert not other.accepted and "already holds a dispute" in other.reason


def test_wrong_credentials_are_a_gateway_error(sim, settings):
    with sim.settings():
        settings.VROL_PASSWORD = "wrong"
        with pytest.raises(GatewayError, match="refused the credentials"):
            gateway_for("visa").read_queues()


@pytest.mark.parametrize("body", ["nope", "{}", '{"clientReference": "x"}',
                                  '{"clientReference": "y", "reasonCode": "10.4", "disputeAmount": {"value": "1", '
                                  '"currency": "EUR"}, "questionnaire": {}}',
                                  '{"clientReference": "z", "reasonCode": "10.4", "disputeAmount": {"value": "1", '
                                  '"currency": "EUR"}, "questionnaire": {"a": 1}, "attachments": [{"fileName": "r.png", '
                                  '"mimeType": "image/png", "content": "iVBORw0KGgoAAAA="}]}'])
def test_bad_dispute_bodies_are_4xx_not_500(sim, gateway, body):
    opened = gateway.http.call("POST", "/v1/cases", {"acquirerReferenceNumber": "123",
                                                     "transactionAmount": {"value": "5.00", "currency": "EUR"}})
    case_number = opened.body["caseNumber"]
    response = httpx.post(f"{sim.url}/vrol/v1/cases/{case_number}/disputes", content=body,
                          auth=("disputes-sandbox", "sandbox-password"))
    assert 400 <= response.status_code < 500
    assert response.json()["errors"][0]["message"]


def test_unauthenticated_requests_are_refused(sim):
    response = httpx.get(f"{sim.url}/vrol/v1/queues/AwaitingAction")
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Basic")
