"""The Mastercom v6 gateway against a real simulator process over HTTP: every operation, the sandbox
scenarios 01-08 at the wire level, lookup by client reference, and the OAuth signature check."""

import base64
import json
import time
import uuid

import httpx
import pytest
from oauth1.oauth import OAuth

from cases.gateways import gateway_for, mastercom
from cases.gateways.base import GatewayError
from cases.gateways.keys import load_private_key
from cases.gateways.mastercom import MastercomGateway, customer_filing_number, reference_token
from tests.gateways import simulator
from tests.gateways.harness import filing_factory, items_for, only_item

FRAUD, DISPUTE = "4837", "4853"
filing = filing_factory("mastercard", "USD", "7", DISPUTE)


@pytest.fixture
def gateway(sim) -> MastercomGateway:
    with sim.settings():
        yield gateway_for("mastercard")


def test_chargeback_opens_a_claim_and_files_on_it(gateway):
    sent = filing(10_02, note="Cardholder letter attached")
    result = gateway.submit(sent)
    assert result.accepted and result.claim_id.isdigit() and result.network_reference.isdigit()
    detail = gateway.claim(result.claim_id)
    chargeback = detail["chargebackDetails"][0]
    assert chargeback["chargebackType"] == "CHARGEBACK" and chargeback["amount"] == "10.02"
    assert chargeback["reasonCode"] == DISPUTE and chargeback["documentIndicator"] == "true"
    assert chargeback["messageText"].startswith(reference_token(sent.client_reference) + " Cardholder letter")
    assert detail["acquirerRefNum"] == sent.arn and detail["isOpen"] == "true"


@pytest.mark.parametrize(("amount", "reason_code", "kind", "represented"), [
    (25_01, FRAUD, "merchant_accepted", None),
    (25_02, DISPUTE, "representment", 25_02),
    (25_03, DISPUTE, "representment", 12_51),
    (25_05, DISPUTE, "ruling_issuer", None),
    (25_06, DISPUTE, "prearb_received", 25_06),
    (25_07, FRAUD, "representment", 25_07),
    (25_08, DISPUTE, "merchant_accepted", None),
    (25_09, FRAUD, "representment", 25_09),
    (25_09, DISPUTE, "merchant_accepted", None),
])
def test_sandbox_scenarios_after_a_chargeback(gateway, amount, reason_code, kind, represented):
    result = gateway.submit(filing(amount, reason_code))
    assert result.accepted
    item = only_item(gateway, result.claim_id)
    assert item.kind == kind
    assert item.amount_minor == represented
    if kind in ("representment", "prearb_received"):
        assert item.currency == "USD"
        assert [d.content_type for d in item.documents] == ["application/pdf"]
        assert item.documents[0].content.startswith(b"%PDF-")
    if kind == "prearb_received":
        assert item.network_case_id.isdigit()
    # A queue read twice gives the same message id (stored once by the case side).
    assert item.message_id and item.queue in ("Unworked", "CaseFiling")


def test_amount_ending_04_is_a_rejected_filing_and_nothing_queued(gateway):
    sent = filing(30_04)
    result = gateway.submit(sent)
    assert not result.accepted and "ending 04" in result.reason and result.claim_id
    again = gateway.lookup(sent)
    assert again is not None and not again.accepted and "ending 04" in again.reason
    assert items_for(gateway, result.claim_id, timeout=1.5) == []


@pytest.mark.parametrize(("escalation", "amount", "kind"), [
    ("prearbitration", 40_07, "merchant_accepted"),
    ("prearbitration", 40_08, "ruling_merchant"),
    ("prearbitration", 40_11, "merchant_accepted"),
    ("arbitration", 40_07, "ruling_issuer"),
    ("arbitration", 40_08, "ruling_merchant"),
])
def test_after_a_representment_the_escalation_is_answered_by_the_amount(gateway, escalation, amount, kind):
    first = filing(40_02, FRAUD)
    result = gateway.submit(first)
    representment = only_item(gateway, result.claim_id)
    assert representment.kind == "representment"
    case_filing = filing(amount, FRAUD, kind=escalation, claim_id=result.claim_id, arn=first.arn)
    filed = gateway.submit(case_filing)
    assert filed.accepted and filed.network_reference.isdigit()
    answer = only_item(gateway, result.claim_id)
    assert answer.kind == kind and answer.network_case_id == filed.network_reference
    assert answer.queue == "CaseFiling"
    found = gateway.lookup(case_filing)
    assert found is not None and found.network_reference == filed.network_reference
    assert customer_filing_number(case_filing.client_reference) == \
        gateway.claim(result.claim_id)["caseFilingDetails"]["caseFilingDetails"]["customerFilingNumber"]


def test_acquirer_prearbitration_then_issuer_arbitration_or_acceptance(gateway):
    first = filing(50_06, DISPUTE)
    result = gateway.submit(first)
    prearb = only_item(gateway, result.claim_id)
    assert prearb.kind == "prearb_received"
    arbitration = gateway.submit(filing(50_08, kind="arbitration", claim_id=result.claim_id, arn=first.arn))
    assert arbitration.accepted
    assert only_item(gateway, result.claim_id).kind == "ruling_merchant"

    second = filing(60_06, DISPUTE)
    claim_id = gateway.submit(second).claim_id
    case_id = only_item(gateway, claim_id).network_case_id
    accept = filing(60_06, kind="accept", claim_id=claim_id, arn=second.arn, network_case_id=case_id)
    assert gateway.lookup(accept) is None
    accepted = gateway.submit(accept)
    assert accepted.accepted and accepted.network_reference == case_id
    detail = gateway.claim(claim_id)
    assert detail["isOpen"] == "false" and detail["caseFilingDetails"]["caseFilingStatus"] == "ACCEPTED"
    assert gateway.lookup(accept).accepted


def test_accepting_a_representment_closes_the_claim(gateway):
    first = filing(70_02)
    claim_id = gateway.submit(first).claim_id
    only_item(gateway, claim_id)
    accept = filing(70_02, kind="accept", claim_id=claim_id, arn=first.arn)
    assert gateway.submit(accept).accepted
    assert gateway.claim(claim_id)["isOpen"] == "false"
    assert gateway.lookup(accept).accepted


def test_withdrawing_a_chargeback_reverses_it_and_cancels_the_answer(sim, gateway):
    first = filing(80_02)
    claim_id = gateway.submit(first).claim_id
    withdraw = filing(80_02, kind="withdraw", claim_id=claim_id, arn=first.arn)
    # With delay 0 the representment may already be waiting; withdraw then closes the claim.
    result = gateway.submit(withdraw)
    assert result.accepted
    detail = gateway.claim(claim_id)
    assert detail["isOpen"] == "false"
    assert gateway.lookup(withdraw).accepted


def test_lookup_finds_a_chargeback_by_client_reference_and_a_resend_files_nothing_new(gateway):
    sent = filing(90_02)
    assert gateway.lookup(sent) is None  # never sent: the network holds nothing (the claim is opened)
    first = gateway.submit(sent)
    found = gateway.lookup(sent)
    assert found is not None and found.accepted
    assert (found.network_reference, found.claim_id) == (first.network_reference, first.claim_id)
    again = gateway.submit(sent)  # a resend with the same client reference
    assert again.network_reference == first.network_reference
    chargebacks = [cb for cb in gateway.claim(first.claim_id)["chargebackDetails"] if cb["chargebackType"] == "CHARGEBACK"]
    assert len(chargebacks) == 1
    other = filing(90_02, arn=sent.arn)  # another filing on the same claim is refused by the network
    refused = gateway.submit(other)
    assert not refused.accepted and "already holds a first chargeback" in refused.reason
    assert gateway.lookup(other) is None


def test_queue_names_and_acknowledge_batches(gateway):
    claim_ids = [gateway.submit(filing(95_01)).claim_id for _ in range(3)]
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        items = [i for i in gateway.read_queues() if i.claim_id in claim_ids]
        if len(items) == 3:
            break
        time.sleep(0.2)
    assert sorted(i.claim_id for i in items) == sorted(claim_ids)
    assert len({i.message_id for i in items}) == 3
    gateway.acknowledge(items)
    assert not [i for i in gateway.read_queues() if i.claim_id in claim_ids]
    names = gateway._call("GET", "/v6/queues/names").body
    assert {"Unworked", "CaseFiling", "Worked"} <= {q["queueName"] for q in names}


def test_the_queues_are_read_in_parts_of_claims_acknowledged_one_by_one(gateway, monkeypatch):
    """The poll stores and applies a part while the next is read: acknowledging a part leaves the
    claims still to read where the listing found them."""
    monkeypatch.setattr(mastercom, "READ_PART", 2)
    claim_ids = [gateway.submit(filing(95_01)).claim_id for _ in range(3)]
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if len([i for i in gateway.read_queues() if i.claim_id in claim_ids]) == 3:
            break
        time.sleep(0.2)
    parts = []
    for part in gateway.read_queue_parts():
        ours = [i for i in part if i.claim_id in claim_ids]
        parts.append(ours)
        gateway.acknowledge(ours)
    assert sorted(i.claim_id for part in parts for i in part) == sorted(claim_ids)
    assert max(len(part) for part in parts) <= 2
    assert not [i for i in gateway.read_queues() if i.claim_id in claim_ids]


# --- the signature ------------------------------------------------------------------------------

def signed(sim, method: str, path: str, body: str, *, sign_body: str | None = None, key_file=None,
           consumer_key=simulator.CONSUMER_KEY, url_for_signature: str | None = None) -> httpx.Response:
    url = f"{sim.url}/mastercom{path}"
    key = load_private_key(key_file or sim.key_file)
    header = OAuth.get_authorization_header(url_for_signature or url, method, body if sign_body is None else sign_body,
                                            consumer_key, key)
    return httpx.request(method, url, content=body.encode(), headers={"Authorization": header,
                                                                       "Content-Type": "application/json"})


def claim_body() -> str:
    return json.dumps({"disputedAmount": "12.00", "disputedCurrency": "USD", "claimType": "Standard",
                       "clearingTransactionId": uuid.uuid4().hex})


def test_the_simulator_accepts_a_good_signature(sim):
    response = signed(sim, "POST", "/v6/claims", claim_body())
    assert response.status_code == 200 and response.json()["claimId"].isdigit()


def test_the_simulator_refuses_a_body_hash_mismatch(sim):
    response = signed(sim, "POST", "/v6/claims", claim_body(), sign_body=claim_body())
    assert response.status_code == 401
    assert response.json()["Errors"]["Error"][0]["ReasonCode"] == "BODY_HASH_MISMATCH"


def test_the_simulator_refuses_a_bad_signature(sim, tmp_path):
    from cases.gateways.keys import ensure_sandbox_key

    other_key = ensure_sandbox_key(tmp_path / "other.pem")
    response = signed(sim, "POST", "/v6/claims", claim_body(), key_file=other_key)
    assert response.status_code == 401
    assert response.json()["Errors"]["Error"][0]["ReasonCode"] == "BAD_SIGNATURE"
    # Signed for another path: the same refusal.
    moved = signed(sim, "POST", "/v6/claims", claim_body(), url_for_signature=f"{sim.url}/mastercom/v6/cases")
    assert moved.status_code == 401


def test_a_refused_signature_files_nothing(sim, gateway, tmp_path):
    """A chargeback whose body was changed after signing, or signed by another key, is refused
    before the network looks at it: the claim holds no chargeback, and a good filing still goes."""
    from cases.gateways.keys import ensure_sandbox_key

    claim_id = gateway._open_claim(filing(12_02))[0]
    path = f"/v6/claims/{claim_id}/chargebacks"
    body = json.dumps({"amount": "12.02", "currency": "USD", "reasonCode": DISPUTE, "chargebackType": "CHARGEBACK",
                       "documentIndicator": "false", "messageText": "REFrefused1"})
    tampered = signed(sim, "POST", path, body, sign_body=body.replace("12.02", "1.02"))
    other_key = signed(sim, "POST", path, body, key_file=ensure_sandbox_key(tmp_path / "other.pem"))
    assert (tampered.status_code, other_key.status_code) == (401, 401)
    assert [r.json()["Errors"]["Error"][0]["ReasonCode"] for r in (tampered, other_key)] == [
        "BODY_HASH_MISMATCH", "BAD_SIGNATURE"]
    assert gateway.claim(claim_id)["chargebackDetails"] == []
    assert signed(sim, "POST", path, body).status_code == 200
    assert [c["messageText"] for c in gateway.claim(claim_id)["chargebackDetails"]
            if c["chargebackType"] == "CHARGEBACK"] == ["REFrefused1"]


def test_the_simulator_refuses_unsigned_unknown_and_replayed_requests(sim):
    assert httpx.get(f"{sim.url}/mastercom/v6/queues/names").status_code == 401
    unknown = signed(sim, "POST", "/v6/claims", claim_body(), consumer_key="nobody")
    assert unknown.status_code == 401
    assert unknown.json()["Errors"]["Error"][0]["ReasonCode"] == "UNKNOWN_CONSUMER_KEY"
    url = f"{sim.url}/mastercom/v6/queues/names"
    header = OAuth.get_authorization_header(url, "GET", "", simulator.CONSUMER_KEY, load_private_key(sim.key_file))
    assert httpx.get(url, headers={"Authorization": header}).status_code == 200
    replay = httpx.get(url, headers={"Authorization": header})
    assert replay.status_code == 401 and replay.json()["Errors"]["Error"][0]["ReasonCode"] == "REPLAYED_NONCE"


def test_a_gateway_with_the_wrong_key_gets_a_gateway_error(sim, settings, tmp_path):
    from cases.gateways.keys import ensure_sandbox_key

    with sim.settings():
        settings.MASTERCOM_SIGNING_KEY_FILE = str(ensure_sandbox_key(tmp_path / "wrong.pem"))
        with pytest.raises(GatewayError, match="refused the credentials"):
            gateway_for("mastercard").submit(filing(10_01))


# --- bad input never crashes the network -----------------------------------------------------------

@pytest.mark.parametrize("body", ["not json", "[]", "{}", json.dumps({"disputedAmount": "x", "disputedCurrency": "USD",
                                                                       "claimType": "Standard",
                                                                       "clearingTransactionId": "1"}),
                                  json.dumps({"disputedAmount": "1.001", "disputedCurrency": "USD",
                                              "claimType": "Standard", "clearingTransactionId": "1"}),
                                  json.dumps({"disputedAmount": "1.00", "disputedCurrency": "ZZZ",
                                              "claimType": "Standard", "clearingTransactionId": "1"})])
def test_bad_claim_bodies_get_a_400_in_mastercoms_errors_model(sim, body):
    response = signed(sim, "POST", "/v6/claims", body)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["description"] and error["reasonCode"] and error["recoverable"] is False


def test_unknown_claims_and_cases_are_404s(sim):
    assert signed(sim, "GET", "/v6/claims/999", "").status_code == 404
    assert signed(sim, "PUT", "/v6/cases/999", json.dumps({"action": "ACCEPT"})).status_code == 404


def test_the_simulator_refuses_a_file_a_gateway_would_have_fixed(sim, gateway):
    claim_id = gateway._open_claim(filing(11_09))[0]
    body = json.dumps({"amount": "11.09", "currency": "USD", "reasonCode": DISPUTE, "chargebackType": "CHARGEBACK",
                       "documentIndicator": "true", "messageText": "REFabc",
                       "fileAttachment": {"filename": "seventeen-chars.pdf"[:16],
                                          "file": base64.b64encode(b"\x89PNG\r\n\x1a\nxx").decode()}})
    response = signed(sim, "POST", f"/v6/claims/{claim_id}/chargebacks", body)
    assert response.status_code == 400
    assert "accepts JPEG, TIFF or PDF only" in response.json()["errors"][0]["description"]
