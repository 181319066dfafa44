"""Receiving over the real wires (SPEC section 12): the poll (cases/services/network_inbound.py)
against a real simulator process, both networks, for what does not fit. The simulator answers
filings only after ten minutes here, so each item is placed by its sandbox controls
(POST /control/v1/queue-items, network_simulator/control.py): an item read twice, for an unknown
claim, for a closed case, with a PNG and a 30 MB document. Nothing applies twice, nothing is lost,
a supervisor gets a clear record, and the poll never fails. The same rules with a gateway in
memory: test_inbound.py."""

import base64
import json
import urllib.request

import pytest

from cases import gateways, services
from cases.gateways.base import GatewayError
from cases.models import Case, CaseEvent, Evidence, NetworkMessage, NetworkSubmission
from cases.models.evidence import evidence_storage
from cases.services import network_submissions as subs
from cases.services.network_inbound import networks_poll
from network_simulator.state import merchant_document
from tests.factories import make_case
from tests.gateways import simulator

PDF = base64.b64decode(merchant_document()["content"])
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MB = 1024 * 1024


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    with simulator.running_simulator(tmp_path_factory.mktemp("inbound-sim"), delay=600) as running:
        yield running


@pytest.fixture
def networks(sim):
    with sim.settings():
        yield


def control(sim, path: str, body: dict) -> dict:
    request = urllib.request.Request(f"{sim.url}/control/v1/{path}", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
        return json.loads(response.read())


def document(name: str, content: bytes, mime: str = "application/pdf", pad_to: int = 0) -> dict:
    return {"fileName": name, "mimeType": mime, "content": base64.b64encode(content).decode(), "padTo": pad_to}


def filed(program, network: str) -> Case:
    """A case filed with the network through its gateway: the network knows its claim."""
    case = make_case(program, path=("file_chargeback",), network=network)
    subs.submissions_send(list(NetworkSubmission.objects.filter(case=case).values_list("pk", flat=True)))
    case.refresh_from_db()
    assert case.network_claim_id, NetworkSubmission.objects.get(case=case).last_error
    return case


def poll(network: str) -> dict:
    result = networks_poll([network])[network]
    assert "error" not in result and "unreachable" not in result, result
    return result


def messages(claim_id: str):
    return NetworkMessage.objects.filter(claim_id=claim_id).order_by("id")


@pytest.mark.parametrize("network", ["mastercard", "visa"])
def test_a_queue_read_twice_applies_its_item_once(program, networks, sim, network, monkeypatch):
    case = filed(program, network)
    control(sim, "queue-items", {"network": network, "claimId": case.network_claim_id,
                                 "documents": [document("proof.pdf", PDF)]})
    gateway = gateways.gateway_for(network)

    def lost(items):
        raise GatewayError("acknowledge timed out")

    monkeypatch.setattr(gateway, "acknowledge", lost)
    poll(network)  # stored and applied; the acknowledgement is lost, so the network offers it again
    assert [i.claim_id for i in gateway.read_queues()].count(case.network_claim_id) == 1
    monkeypatch.undo()
    poll(network)  # read a second time: stored once, acknowledged now
    poll(network)
    assert [i.claim_id for i in gateway.read_queues()].count(case.network_claim_id) == 0
    assert list(messages(case.network_claim_id).values_list("state", "case_id")) == [("applied", case.pk)]
    assert Case.objects.get(pk=case.pk).status == "chargeback_represented"
    assert CaseEvent.objects.filter(case=case, transition="record_representment").count() == 1
    assert Evidence.objects.filter(case=case, category="merchant_response").count() == 1


@pytest.mark.parametrize("network", ["mastercard", "visa"])
def test_an_item_for_a_claim_nobody_filed_is_kept_unmatched(program, networks, sim, network):
    placed = control(sim, "queue-items", {"network": network, "amount": "12.34", "currency": "USD",
                                          "documents": [document("proof.pdf", PDF)]})
    poll(network)
    [message] = messages(placed["claimId"])
    assert (message.state, message.case_id, message.kind) == ("unmatched", None, "representment")
    assert placed["claimId"] in message.error and "No case is known" in message.error
    assert message.documents and evidence_storage().exists(message.documents[0]["path"])  # kept for a supervisor
    poll(network)  # acknowledged: not offered again, not stored twice
    assert messages(placed["claimId"]).count() == 1


@pytest.mark.parametrize("network", ["mastercard", "visa"])
def test_an_item_for_a_closed_case_is_kept_unmatched_on_the_case(program, networks, sim, network, supervisor_actor):
    case = filed(program, network)
    services.case_transition(case=case, transition="win", actor=supervisor_actor)
    control(sim, "queue-items", {"network": network, "claimId": case.network_claim_id,
                                 "documents": [document("proof.pdf", PDF)]})
    poll(network)
    [message] = messages(case.network_claim_id)
    assert (message.state, message.case_id) == ("unmatched", case.pk) and "closed" in message.error
    assert Case.objects.get(pk=case.pk).status == "won"
    assert not Evidence.objects.filter(case=case, category="merchant_response").exists()
    event = CaseEvent.objects.get(case=case, kind="network_response")
    assert (event.actor, event.changes["state"]) == (f"network:{network}", "unmatched")
    poll(network)
    assert messages(case.network_claim_id).count() == 1


@pytest.mark.parametrize("network", ["mastercard", "visa"])
def test_a_png_and_a_30_mb_document_are_refused_and_named_the_case_still_moves(program, networks, sim, network):
    case = filed(program, network)
    control(sim, "queue-items", {"network": network, "claimId": case.network_claim_id, "documents": [
        document("photo.png", PNG, "image/png"), document("huge.pdf", PDF, pad_to=30 * MB),
        document("proof.pdf", PDF)]})
    poll(network)
    [message] = messages(case.network_claim_id)
    assert message.state == "applied"
    refused = {d["name"]: d["refused"] for d in message.documents if "refused" in d}
    assert set(refused) == {"photo.png", "huge.pdf"}, message.documents
    assert "30 MB" in refused["huge.pdf"] and "photo.png" in message.error and "huge.pdf" in message.error
    sizes = {d["name"]: d["size"] for d in message.documents}
    assert sizes["huge.pdf"] == 30 * MB
    assert all(evidence_storage().exists(d["path"]) for d in message.documents)  # nothing the network sent is lost
    [kept] = Evidence.objects.filter(case=case, category="merchant_response")
    assert (kept.original_name, kept.uploaded_by) == ("proof.pdf", f"network:{network}")
    assert Case.objects.get(pk=case.pk).status == "chargeback_represented"
    event = CaseEvent.objects.get(case=case, kind="network_response")
    assert {d["name"]: d.get("refused") is not None for d in event.changes["documents"]} == {
        "photo.png": True, "huge.pdf": True, "proof.pdf": False}
